"""Serving the operator API: uvicorn inside the app's own event loop, on a socket bound first.

Its own module so that uvicorn (~0.1 s to import) is loaded by `portaria run`
only: `console` imports the API's constants, `check-config` its settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
from collections.abc import Generator

import structlog
import uvicorn

from app.api.auth import TOKEN_ENV
from app.api.control import Controller
from app.api.server import build_app

log = structlog.get_logger(__name__)


class _RedactToken(logging.Filter):
    """uvicorn logs each WebSocket handshake with its query string: keep `?token=` out of logs."""

    _TOKEN = re.compile(r"(token=)[^&\s\"']*", re.IGNORECASE)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                self._TOKEN.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args
            )
        return True


def _redact_uvicorn_logs() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _RedactToken) for f in logger.filters):
        logger.addFilter(_RedactToken())


class _InLoopServer(uvicorn.Server):
    """uvicorn without its signal handling: the app owns SIGINT/SIGTERM (app.cli)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def _bind(host: str, port: int) -> socket.socket:
    family, type_, proto, _, addr = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, type_, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(addr)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class ApiServer:
    """Serves `build_app(...)` on host:port as a task of the running event loop."""

    def __init__(self, controller: Controller, host: str, port: int, token: str | None) -> None:
        self.host = host
        self.port = port
        self._token = token or None
        self.app = build_app(controller, self._token)
        self._server: _InLoopServer | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self, timeout: float = 10.0) -> None:
        """Bind (OSError if the address is taken), then return once uvicorn is serving."""
        if self._task is not None:
            return
        _redact_uvicorn_logs()
        sock = _bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            host=self.host,
            port=self.port,
            log_config=None,
            lifespan="off",
            access_log=False,
            ws="websockets-sansio",
            server_header=False,
            timeout_graceful_shutdown=2,
        )
        server = _InLoopServer(config)
        self._server = server
        loop = asyncio.get_running_loop()
        task = self._task = loop.create_task(server.serve(sockets=[sock]), name="api-server")
        deadline = loop.time() + timeout
        while not server.started:
            if task.done():
                self._server = self._task = None
                sock.close()
                task.result()  # raises the startup error, if any
                raise RuntimeError("the API server stopped during startup")
            if loop.time() > deadline:
                await self.stop()
                raise TimeoutError(f"the API server did not start on {self.host}:{self.port}")
            await asyncio.sleep(0.01)
        if self._token is None:
            log.warning(
                "api_token_missing",
                host=self.host,
                port=self.port,
                detail=f"{TOKEN_ENV} is not set: every endpoint but /healthz answers 503",
            )
        log.info("api_listening", host=self.host, port=self.port, auth=self._token is not None)

    async def stop(self) -> None:
        server, task = self._server, self._task
        self._server = self._task = None
        if server is None or task is None:
            return
        server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=5.0)
        except TimeoutError:
            server.force_exit = True
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        except Exception as exc:  # noqa: BLE001 - stopping must not fail the shutdown
            log.warning("api_stop_error", error=repr(exc))
