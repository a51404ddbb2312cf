"""Running the service with uvicorn: loopback by default, graceful shutdown."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from lbp_spec.service.app import ServiceConfig, create_app

__all__ = ["DEFAULT_GRACE", "DEFAULT_HOST", "DEFAULT_PORT", "running", "serve"]

DEFAULT_HOST: Final = "127.0.0.1"
"""Loopback only unless told otherwise."""

DEFAULT_PORT: Final = 8400
DEFAULT_GRACE: Final = 10.0
"""Seconds to finish requests in flight after SIGINT/SIGTERM before closing."""


def _uvicorn_config(config: ServiceConfig, host: str, port: int, grace: float) -> object:
    import uvicorn

    return uvicorn.Config(
        create_app(config),
        host=host,
        port=port,
        timeout_graceful_shutdown=max(1, round(grace)),
        timeout_keep_alive=5,
        limit_concurrency=1000,
        h11_max_incomplete_event_size=64 * 1024,
        log_level="warning",
        access_log=False,
    )


def serve(
    config: ServiceConfig,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    grace: float = DEFAULT_GRACE,
) -> None:
    """Serve until SIGINT/SIGTERM; requests in flight get ``grace`` seconds to finish."""
    import uvicorn

    server = uvicorn.Server(_uvicorn_config(config, host, port, grace))  # type: ignore[arg-type]
    server.run()


@contextmanager
def running(config: ServiceConfig | None = None, host: str = DEFAULT_HOST) -> Iterator[str]:
    """Run the service in a background thread on a free loopback port; yield its base URL.

    For tests and benchmarks: the server is stopped (gracefully) on exit.
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    uv_config = _uvicorn_config(config or ServiceConfig(), host, port, 5.0)
    server = uvicorn.Server(uv_config)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            threading.Event().wait(0.01)
        else:  # pragma: no cover
            raise RuntimeError("the service did not start")
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
