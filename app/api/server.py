"""The operator HTTP API: Starlette routes (served by app.api.serving in the app's own loop).

Endpoints (see app.api.openapi for the full contract):

    GET  /healthz        no auth, {"status": "ok"}
    GET  /api/status     ARI connection, uptime, live calls
    POST /api/hangup     {"call_id": "...", "role": "visitor"|"resident"}
    POST /api/reload     re-read config and directories
    GET  /api/decisions  latest gate decisions (?limit=, ?condominium=)
    WS   /api/events     live bus events (app.api.live)
    GET  /dashboard      operator page: live calls and decisions (app.api.live)
    GET  /metrics        Prometheus exposition
    GET  /openapi.json   OpenAPI 3.1 document

Authentication: `Authorization: Bearer <token>` on everything but /healthz,
compared in constant time; /api/events and /dashboard also take `?token=`,
since a browser cannot put a header on a WebSocket or a page load. With no token
configured (PORTARIA_API_TOKEN unset) the protected endpoints answer 503: the API
never runs unauthenticated, even on loopback. Every error body is JSON with an `error` string.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from prometheus_client.exposition import choose_encoder
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from app.api.auth import TOKEN_ENV, WWW_AUTHENTICATE, authorized
from app.api.control import Controller
from app.api.live import dashboard, events_over_http, events_socket
from app.api.models import DecisionsQuery, HangupRequest
from app.api.openapi import build_openapi
from app.metrics import ACTIVE_SESSIONS, ARI_CONNECTED, REGISTRY

log = structlog.get_logger(__name__)

MAX_BODY_BYTES = 16 * 1024

Handler = Callable[[Request], Awaitable[Response]]


class _Json(JSONResponse):
    """JSON with non-ASCII escaped: a lone surrogate echoed from a request cannot break encoding."""

    def render(self, content: Any) -> bytes:
        return json.dumps(
            content, ensure_ascii=True, allow_nan=False, separators=(",", ":")
        ).encode("ascii")


_CALL_ID = re.compile(r"[0-9a-f]{32}")


class _ApiError(Exception):
    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"error": message, **extra}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return _Json({"error": message}, status_code=status, headers=headers)


async def _read_json(request: Request) -> Any:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _ApiError(413, f"body is larger than {MAX_BODY_BYTES} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise _ApiError(413, f"body is larger than {MAX_BODY_BYTES} bytes")
    if not body.strip():
        raise _ApiError(400, "body is empty: expected a JSON object")
    try:
        return json.loads(bytes(body))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _ApiError(400, f"body is not valid JSON: {exc}") from None
    except RecursionError:
        raise _ApiError(400, "body is not valid JSON: nested too deeply") from None


def _validation_error(exc: ValidationError, what: str = "invalid request body") -> _ApiError:
    problems = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(p) for p in err["loc"]) or "(body)"
        message = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
        problems.append({"field": field, "message": message})
    line = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return _ApiError(422, f"{what}: {line}", errors=problems)


def build_app(controller: Controller, token: str | None) -> Starlette:
    """The ASGI app. `token` None or empty: protected endpoints answer 503."""
    token_bytes = token.encode("utf-8") if token else None
    openapi_doc = build_openapi()

    def protected(handler: Handler, allow_query: bool = False) -> Handler:
        async def endpoint(request: Request) -> Response:
            if token_bytes is None:
                return _error(503, f"{TOKEN_ENV} is not set")
            if not authorized(request, token_bytes, allow_query=allow_query):
                log.info(
                    "api_unauthorized",
                    path=request.url.path,
                    client=request.client.host if request.client else None,
                )
                return _error(
                    401,
                    "missing or wrong bearer token",
                    headers={"WWW-Authenticate": WWW_AUTHENTICATE},
                )
            try:
                return await handler(request)
            except _ApiError as exc:
                return _Json(exc.body, status_code=exc.status)
            except Exception as exc:  # answer 500, keep serving
                log.exception("api_error", path=request.url.path, error=repr(exc))
                return _error(500, f"internal error ({type(exc).__name__}); see the app log")

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    async def healthz(request: Request) -> Response:
        return _Json({"status": "ok"})

    async def status(request: Request) -> Response:
        return _Json(controller.status())

    async def hangup(request: Request) -> Response:
        data = await _read_json(request)
        try:
            req = HangupRequest.model_validate(data)
        except ValidationError as exc:
            raise _validation_error(exc) from None
        # Shielded: a client that disconnects must not cancel a teardown halfway.
        found = await asyncio.shield(controller.hangup(req.call_id, req.role))
        log.info("api_hangup", call_id=req.call_id, role=req.role, found=found)
        if not found:
            return _error(404, f"no active call {req.call_id} with role {req.role}")
        return _Json({"ok": True})

    async def reload(request: Request) -> Response:
        applied, message = await asyncio.shield(controller.reload())
        log.info("api_reload", applied=applied, message=message)
        return _Json({"applied": applied, "message": message}, status_code=200 if applied else 409)

    async def decisions(request: Request) -> Response:
        try:
            q = DecisionsQuery.model_validate(dict(request.query_params))
        except ValidationError as exc:
            raise _validation_error(exc, "invalid query") from None
        return _Json({"decisions": controller.decisions(q.limit, q.condominium)})

    async def call_record(request: Request) -> Response:
        call_id = request.path_params["call_id"]
        if not _CALL_ID.fullmatch(call_id):
            raise _ApiError(
                422,
                "call_id: expected 32 hexadecimal digits",
                errors=[{"field": "call_id", "message": "expected 32 hexadecimal digits"}],
            )
        record = await controller.call(call_id)
        if record is None:
            raise _ApiError(404, f"no call {call_id}")
        return _Json(record)

    async def metrics(request: Request) -> Response:
        st = controller.status()
        ACTIVE_SESSIONS.set(len(st.get("active_sessions") or ()))
        ARI_CONNECTED.set(1 if st.get("ari_connected") else 0)
        encoder, content_type = choose_encoder(request.headers.get("accept", ""))
        return Response(encoder(REGISTRY), media_type=content_type)

    async def openapi(request: Request) -> Response:
        return _Json(openapi_doc)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return _Json({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/status", protected(status), methods=["GET"]),
        Route("/api/hangup", protected(hangup), methods=["POST"]),
        Route("/api/reload", protected(reload), methods=["POST"]),
        Route("/api/decisions", protected(decisions), methods=["GET"]),
        Route("/api/calls/{call_id}", protected(call_record), methods=["GET"]),
        # Same path, two routes: Starlette matches Route on HTTP and WebSocketRoute on WS scopes.
        Route("/api/events", protected(events_over_http, allow_query=True), methods=["GET"]),
        WebSocketRoute("/api/events", events_socket(controller, token_bytes)),
        Route("/dashboard", protected(dashboard, allow_query=True), methods=["GET"]),
        Route("/metrics", protected(metrics), methods=["GET"]),
        Route("/openapi.json", protected(openapi), methods=["GET"]),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: http_error})
