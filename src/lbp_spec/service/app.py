"""The ASGI application (Starlette): CDS Hooks endpoints, the browser page and its API.

Routes:

* ``GET /cds-services``: CDS Hooks discovery;
* ``POST /cds-services/{id}``: a CDS Hooks service call (see :mod:`lbp_spec.service.hooks`);
* ``GET /``: the advice explorer page; ``GET /case-schema``, ``GET /case-template`` and
  ``POST /advice`` serve it (the case JSON Schema; the default case; a case document
  evaluated to its advice and cards).

Every error is a FHIR ``OperationOutcome`` with the right status (400 malformed,
401 unauthenticated, 404, 405, 408 body too slow, 412 missing prefetch, 413 body
too large, 422 invalid data, 500 internal, never with internals). The body is read
with a size limit and a time limit. CORS is off unless origins are configured.
The routes hold no logic of their own: they read, call the modules, and write.
"""

from __future__ import annotations

import asyncio
import logging
from importlib.resources import files
from typing import Any, Final

import attrs
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from lbp_spec.contract import case_schema, parse_json
from lbp_spec.errors import InvalidCaseError
from lbp_spec.service.auth import JwtConfig, TokenVerifier
from lbp_spec.service.explorer import default_document, evaluate_document
from lbp_spec.service.hooks import call_service, discovery
from lbp_spec.service.outcome import Issue, ServiceError, operation_outcome

__all__ = ["DEFAULT_BODY_TIMEOUT", "DEFAULT_MAX_BODY", "ServiceConfig", "create_app"]

DEFAULT_MAX_BODY: Final = 1_048_576
"""Default request body limit: 1 MiB (an intake and its Observations take a few kB)."""

DEFAULT_BODY_TIMEOUT: Final = 10.0
"""Default time allowed to receive a request body, in seconds."""

_LOG = logging.getLogger("lbp_spec.service")


@attrs.frozen
class ServiceConfig:
    """How the service runs.

    Attributes:
        max_body: Largest request body accepted, in bytes (413 above).
        body_timeout: Seconds allowed to receive a body (408 after).
        cors_origins: Origins allowed by CORS; empty: CORS off.
        jwt: Trusted issuer and key; ``None``: no authentication required.
        public_url: The service's public base URL (for the JWT ``aud``); by
            default the URL the request was made to.

    """

    max_body: int = DEFAULT_MAX_BODY
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    cors_origins: tuple[str, ...] = ()
    jwt: JwtConfig | None = None
    public_url: str | None = None


def _error(error: ServiceError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return JSONResponse(
        operation_outcome(error.issues),
        status_code=error.status,
        headers=headers,
        media_type="application/fhir+json",
    )


async def _read_body(request: Request, config: ServiceConfig) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > config.max_body:
        raise ServiceError(
            413, [Issue("too-long", f"the body is larger than {config.max_body} bytes")]
        )
    chunks: list[bytes] = []
    size = 0

    async def receive() -> None:
        nonlocal size
        async for chunk in request.stream():
            size += len(chunk)
            if size > config.max_body:
                raise ServiceError(
                    413, [Issue("too-long", f"the body is larger than {config.max_body} bytes")]
                )
            chunks.append(chunk)

    try:
        await asyncio.wait_for(receive(), config.body_timeout)
    except TimeoutError:
        raise ServiceError(
            408, [Issue("timeout", f"the body was not received within {config.body_timeout:g} s")]
        ) from None
    return b"".join(chunks)


async def _read_json(request: Request, config: ServiceConfig) -> object:
    body = await _read_body(request, config)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ServiceError(400, [Issue("structure", "the body is not UTF-8 text")]) from None
    try:
        return parse_json(text)
    except InvalidCaseError as error:
        raise ServiceError(
            400, [Issue("structure", f"the body is not JSON: {error.problems[0].message}")]
        ) from None


def create_app(config: ServiceConfig | None = None) -> Starlette:
    """The ASGI application, configured.

    Example (embedding): ``uvicorn --factory lbp_spec.service:create_app``.
    """
    config = ServiceConfig() if config is None else config
    verifier = None if config.jwt is None else TokenVerifier(config.jwt)
    page = files("lbp_spec.service").joinpath("page.html").read_text(encoding="utf-8")

    def authenticate(request: Request, path: str) -> None:
        if verifier is None:
            return
        base = config.public_url or str(request.base_url)
        verifier.verify(request.headers.get("authorization"), base.rstrip("/") + path)

    async def services(request: Request) -> Response:
        try:
            authenticate(request, "/cds-services")
        except ServiceError as error:
            return _error(error)
        return JSONResponse(discovery())

    async def service_call(request: Request) -> Response:
        service_id = request.path_params["service_id"]
        try:
            authenticate(request, f"/cds-services/{service_id}")
            body = await _read_json(request, config)
            # in a worker thread: advice on inputs not known asks the solver, which
            # must not hold up the other requests
            return JSONResponse(await asyncio.to_thread(call_service, service_id, body))
        except ServiceError as error:
            return _error(error)

    async def home(request: Request) -> Response:
        return HTMLResponse(page)

    async def schema(request: Request) -> Response:
        return JSONResponse(case_schema())

    async def template(request: Request) -> Response:
        return JSONResponse(default_document())

    async def advice(request: Request) -> Response:
        try:
            body = await _read_json(request, config)
            return JSONResponse(await asyncio.to_thread(evaluate_document, body))
        except ServiceError as error:
            return _error(error)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = "not-found" if exc.status_code == 404 else "not-supported"
        return _error(ServiceError(exc.status_code, [Issue(code, str(exc.detail))]))

    async def internal_error(request: Request, exc: Exception) -> Response:
        _LOG.exception("internal error")
        return _error(ServiceError(500, [Issue("exception", "internal error")]))

    middleware = []
    if config.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    handlers: dict[Any, Any] = {HTTPException: http_error, Exception: internal_error}
    return Starlette(
        routes=[
            Route("/", home, methods=["GET"]),
            Route("/case-schema", schema, methods=["GET"]),
            Route("/case-template", template, methods=["GET"]),
            Route("/advice", advice, methods=["POST"]),
            Route("/cds-services", services, methods=["GET"]),
            Route("/cds-services/{service_id}", service_call, methods=["POST"]),
        ],
        middleware=middleware,
        exception_handlers=handlers,
    )
