"""ARI events over WebSocket, reconnecting with backoff when Asterisk restarts.

Events are handed to one async handler in arrival order. After every
(re)connection `on_connected` runs, so the app can re-read channel state over
REST: calls that ended while the socket was down produced events nobody saw.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
import websockets

log = structlog.get_logger(__name__)

EventHandler = Callable[[dict[str, Any]], Awaitable[None]]
ConnectedHandler = Callable[[bool], Awaitable[None]]


class EventStream:
    def __init__(
        self,
        url: str,
        credentials: tuple[str, str],
        handler: EventHandler,
        on_connected: ConnectedHandler | None = None,
        initial_backoff: float = 0.1,
        max_backoff: float = 1.0,
    ) -> None:
        self.url = url
        self._auth = "Basic " + base64.b64encode(":".join(credentials).encode()).decode()
        self._handler = handler
        self._on_connected = on_connected
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        self.connected = asyncio.Event()
        self.connections = 0
        self.events_received = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="ari-events")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        self.connected.clear()

    async def _run(self) -> None:
        backoff = self._initial_backoff
        while True:
            try:
                async with websockets.connect(
                    self.url,
                    additional_headers={"Authorization": self._auth},
                    open_timeout=3,
                    ping_interval=5,
                    ping_timeout=5,
                    max_size=2**22,
                ) as ws:
                    reconnect = self.connections > 0
                    self.connections += 1
                    self.connected.set()
                    backoff = self._initial_backoff
                    log.info("ari_events_connected", reconnect=reconnect)
                    if self._on_connected is not None:
                        await self._safe(self._on_connected(reconnect), "on_connected")
                    async for raw in ws:
                        self.events_received += 1
                        try:
                            event = json.loads(raw)
                        except ValueError:
                            log.warning("ari_event_not_json", size=len(raw))
                            continue
                        if isinstance(event, dict):
                            await self._safe(self._handler(event), event.get("type", "?"))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any socket failure means: reconnect
                if self.connected.is_set():
                    log.warning("ari_events_lost", error=f"{type(exc).__name__}: {exc}")
                else:
                    log.debug("ari_events_connect_failed", error=f"{type(exc).__name__}: {exc}")
            if self.connected.is_set():
                log.warning("ari_events_closed")
            self.connected.clear()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self._max_backoff)

    @staticmethod
    async def _safe(coro: Awaitable[None], what: str) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("ari_event_handler_failed", event=what)
