"""``lbp-spec serve``: run the CDS Hooks service and the advice explorer page.

A thin shell over :mod:`lbp_spec.service` (arguments only). ``lbp_spec.cli``
lists ``SERVE`` among its commands; this module imports ``lbp_spec.cli`` and
the web framework only when the command is built or run.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from lbp_spec.cli import Command, ExitCode

__all__ = ["SERVE"]  # noqa: F822 - made on first access, see __getattr__


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: loopback only)"
    )
    parser.add_argument("--port", type=int, default=8400, help="port (default 8400)")
    parser.add_argument(
        "--max-body",
        type=int,
        default=1_048_576,
        metavar="BYTES",
        help="largest request body accepted (default 1 MiB; 413 above)",
    )
    parser.add_argument(
        "--body-timeout",
        type=_positive,
        default=10.0,
        metavar="SECONDS",
        help="time allowed to receive a body (default 10; 408 after)",
    )
    parser.add_argument(
        "--grace",
        type=_positive,
        default=10.0,
        metavar="SECONDS",
        help="on SIGINT/SIGTERM, time for requests in flight to finish (default 10)",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="allow this origin by CORS (repeatable; default: CORS off)",
    )
    parser.add_argument("--jwt-issuer", metavar="ISS", help="require JWTs from this issuer")
    parser.add_argument(
        "--jwt-key", metavar="FILE", help="the issuer's public key (PEM, JWK or JWK Set)"
    )
    parser.add_argument(
        "--jwt-alg",
        action="append",
        default=[],
        metavar="ALG",
        help="accepted signing algorithm (repeatable; default ES384 and RS384)",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the service's public base URL, for the JWT aud (default: as requested)",
    )


def _run(args: argparse.Namespace) -> ExitCode:
    from lbp_spec.cli import ExitCode, UsageError

    try:
        from lbp_spec.service.app import ServiceConfig
        from lbp_spec.service.auth import DEFAULT_ALGORITHMS, JwtConfig
        from lbp_spec.service.server import serve
    except ImportError:
        raise UsageError(
            "the service needs the optional dependencies: pip install 'lbp-spec[serve]'"
        ) from None
    if bool(args.jwt_issuer) != bool(args.jwt_key):
        raise UsageError("--jwt-issuer and --jwt-key go together")
    jwt = None
    if args.jwt_issuer:
        try:
            jwt = JwtConfig.from_files(
                args.jwt_issuer, args.jwt_key, tuple(args.jwt_alg) or DEFAULT_ALGORITHMS
            )
        except (OSError, ValueError) as error:
            raise UsageError(f"--jwt-key {args.jwt_key}: {error}") from None
    config = ServiceConfig(
        max_body=args.max_body,
        body_timeout=args.body_timeout,
        cors_origins=tuple(args.cors_origin),
        jwt=jwt,
        public_url=args.public_url,
    )
    print(f"lbp-spec: serving on http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    serve(config, args.host, args.port, args.grace)
    return ExitCode.OK


_BUILT: list[Command] = []


def _build() -> Command:
    from lbp_spec.cli import Command

    if not _BUILT:
        _BUILT.append(
            Command(
                name="serve",
                summary="run the CDS Hooks service and the advice explorer page",
                description=(
                    "An HL7 CDS Hooks 2.0 service (patient-view) over FHIR R4: discovery at "
                    "/cds-services, the service at /cds-services/lbp-spec, which reads the "
                    "intake QuestionnaireResponse and coded Observations from the prefetch and "
                    "answers cards with the guideline sentences behind them; the advice "
                    "explorer page at /. Listens on loopback unless --host says otherwise; "
                    "errors are FHIR OperationOutcomes. Optional JWT bearer verification "
                    "(--jwt-issuer, --jwt-key) and CORS (--cors-origin), both off by default. "
                    "Needs pip install 'lbp-spec[serve]'."
                ),
                examples=(
                    ("lbp-spec serve", "serve on http://127.0.0.1:8400/"),
                    (
                        "lbp-spec serve --jwt-issuer https://ehr.example --jwt-key ehr.jwks.json",
                        "require JWTs signed by the EHR's key",
                    ),
                ),
                configure=_configure,
                run=_run,
            )
        )
    return _BUILT[0]


def __getattr__(name: str) -> Command:
    """``SERVE``: the ``serve`` subcommand, for ``lbp_spec.cli.COMMANDS``."""
    if name == "SERVE":
        return _build()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
