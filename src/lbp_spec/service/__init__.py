"""A CDS Hooks 2.0 service over FHIR R4, and an advice explorer page (extra ``[serve]``).

``lbp-spec serve`` runs it with uvicorn; to embed it, use the factory
:func:`create_app` (``uvicorn --factory lbp_spec.service:create_app``) or the
default application ``lbp_spec.service:app``. The card building
(:mod:`lbp_spec.service.cards`), the CDS Hooks protocol
(:mod:`lbp_spec.service.hooks`) and the token checks
(:mod:`lbp_spec.service.auth`) are plain modules; the web framework appears only
in :mod:`lbp_spec.service.app`. This package imports the core and
:mod:`lbp_spec.fhir`, and is never imported by them; importing it does not import
the web framework until an application is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from starlette.applications import Starlette

    from lbp_spec.service.app import ServiceConfig

__all__ = ["app", "create_app"]


def create_app(config: ServiceConfig | None = None) -> Starlette:
    """The ASGI application; see :func:`lbp_spec.service.app.create_app`."""
    from lbp_spec.service.app import create_app as make

    return make(config)


def __getattr__(name: str) -> Any:
    """``app``: an application with the default configuration (no auth, CORS off)."""
    if name == "app":
        return create_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
