"""Live views of the running app: the events WebSocket and the operator dashboard.

    WS   /api/events   bus events (app.bus) as JSON text messages: first the recent
                       ones, then live. Filters: ?call_id= (prefix), ?condominium=,
                       ?kind= (comma-separated; "call" matches call.started and call.ended)
    GET  /api/events   plain HTTP answers 426: the path only speaks WebSocket
    GET  /dashboard    one self-contained HTML page (inline CSS and JS, no external assets)

Auth is the API token, as `Authorization: Bearer` or `?token=` (browsers cannot
set headers on a WebSocket or a page load). The socket is accepted before the
token is checked so a wrong one can be refused with a close code a browser can
read: 4401 wrong/missing token, 4503 no token configured on the server.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import structlog
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from app.api.auth import TOKEN_ENV, authorized
from app.api.control import Controller
from app.bus import Subscription

log = structlog.get_logger(__name__)

CLOSE_UNAUTHORIZED = 4401
CLOSE_TOKEN_NOT_SET = 4503


@dataclass(frozen=True)
class EventFilter:
    call_id: str = ""  # prefix, so the 8-character id the console prints is enough
    condominium: str = ""
    kinds: frozenset[str] = frozenset()

    @classmethod
    def from_query(cls, q: QueryParams) -> EventFilter:
        kinds = {k.strip() for v in q.getlist("kind") for k in v.split(",") if k.strip()}
        return cls(q.get("call_id", "").strip(), q.get("condominium", "").strip(), frozenset(kinds))

    def match(self, ev: dict[str, Any]) -> bool:
        if self.call_id and not str(ev.get("call_id") or "").startswith(self.call_id):
            return False
        if self.condominium and ev.get("condominium") != self.condominium:
            return False
        kind = str(ev.get("kind", ""))
        return not self.kinds or kind in self.kinds or kind.split(".")[0] in self.kinds


def _dumps(ev: dict[str, Any]) -> str:
    # default=str: an ARI field of an unexpected type must not kill the stream.
    return json.dumps(ev, default=str, ensure_ascii=False, separators=(",", ":"))


async def _pump(
    ws: WebSocket, sub: Subscription, backlog: list[dict[str, Any]], flt: EventFilter
) -> None:
    for ev in backlog:
        if flt.match(ev):
            await ws.send_text(_dumps(ev))
    seen_dropped = 0
    while True:
        ev = (await sub.get()).to_json()
        if sub.dropped != seen_dropped:
            # This client fell behind and the bus dropped its oldest events: say so, once per gap.
            lost, seen_dropped = sub.dropped - seen_dropped, sub.dropped
            await ws.send_text(
                _dumps(
                    {
                        "kind": "lagged",
                        "call_id": None,
                        "condominium": None,
                        "data": {"dropped": lost},
                        "ts": ev["ts"],
                    }
                )
            )
        if flt.match(ev):
            await ws.send_text(_dumps(ev))


async def _until_disconnect(ws: WebSocket) -> None:
    # Clients send nothing we use; reading is how a quiet stream notices the client left.
    while (await ws.receive())["type"] != "websocket.disconnect":
        pass


def events_socket(
    controller: Controller, token: bytes | None
) -> Callable[[WebSocket], Awaitable[None]]:
    async def events(ws: WebSocket) -> None:
        await ws.accept()
        if token is None:
            await ws.close(CLOSE_TOKEN_NOT_SET, f"{TOKEN_ENV} is not set")
            return
        if not authorized(ws, token, allow_query=True):
            log.info(
                "api_unauthorized", path=ws.url.path, client=ws.client.host if ws.client else None
            )
            await ws.close(CLOSE_UNAUTHORIZED, "missing or wrong token")
            return
        flt = EventFilter.from_query(ws.query_params)
        # Snapshot and subscribe with no await in between: no event is missed or sent twice.
        backlog = controller.recent_events()
        sub = controller.subscribe()
        tasks = [
            asyncio.ensure_future(_pump(ws, sub, backlog, flt)),
            asyncio.ensure_future(_until_disconnect(ws)),
        ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                exc = None if task.cancelled() else task.exception()
                if exc is not None and not isinstance(exc, WebSocketDisconnect | OSError):
                    log.warning("api_events_error", error=repr(exc))
                    with contextlib.suppress(Exception):
                        await ws.close(1011, "internal error")
        finally:
            sub.close()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    return events


async def events_over_http(request: Request) -> Response:
    return JSONResponse(
        {"error": "this endpoint speaks WebSocket only (Upgrade: websocket)"},
        status_code=426,
        headers={"Upgrade": "websocket", "Connection": "Upgrade"},
    )


def _csp_hash(text: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
    )


@functools.cache
def _dashboard_page() -> tuple[bytes, dict[str, str]]:
    html = resources.files("app.api").joinpath("dashboard.html").read_text(encoding="utf-8")
    scripts = " ".join(_csp_hash(s) for s in re.findall(r"<script>(.*?)</script>", html, re.DOTALL))
    styles = " ".join(_csp_hash(s) for s in re.findall(r"<style>(.*?)</style>", html, re.DOTALL))
    # The page runs only its own inline code (by hash) and talks only to this server.
    csp = (
        f"default-src 'none'; script-src {scripts}; style-src {styles}; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    headers = {
        "Content-Security-Policy": csp,
        # The token is in the page's URL: never send it on as a Referer, never cache the page.
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return html.encode("utf-8"), headers


async def dashboard(request: Request) -> Response:
    body, headers = _dashboard_page()
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)
