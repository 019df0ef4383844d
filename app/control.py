"""The running app as the HTTP API sees it (app.api.control.Controller)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Protocol

from app.api import ApiRole
from app.ari import EventStream
from app.bus import EventBus, Subscription
from app.calls import SessionManager, StasisApp
from app.config import ConfigError, Settings, load_config
from app.directory.directory import Directory
from app.directory.loader import DirectoryError
from app.records import RecordWriter
from app.records.export import call_json


class ControlledService(Protocol):
    """What the API drives of the running service (app.service.Service), named here so
    that this module needs no import of the service that builds it."""

    settings: Settings
    config_path: Path | None
    events: EventStream
    bus: EventBus
    audit: RecordWriter
    sessions: SessionManager
    app: StasisApp

    def resolve_path(self, p: str) -> Path: ...

    def apply(self, settings: Settings, directories: dict[str, Directory]) -> None: ...

    async def prewarm(self) -> None: ...


class ServiceController:
    def __init__(self, svc: ControlledService) -> None:
        self._svc = svc
        self._t0 = time.monotonic()

    def status(self) -> dict[str, Any]:
        svc = self._svc
        return {
            "status": "ok",
            "ari_connected": svc.events.connected.is_set(),
            "uptime_s": round(time.monotonic() - self._t0, 1),
            "active_sessions": [s.summary() for s in svc.sessions.all()],
        }

    def recent_events(self) -> list[dict[str, Any]]:
        return [ev.to_json() for ev in self._svc.bus.recent]

    def subscribe(self) -> Subscription:
        return self._svc.bus.subscribe()

    def decisions(self, limit: int, condominium: str | None) -> list[dict[str, Any]]:
        return [asdict(d) for d in self._svc.audit.query(limit=limit, condominium=condominium)]

    async def call(self, call_id: str) -> dict[str, Any] | None:
        live = self._svc.app.calls.get(call_id)
        # Reads wait for queued writes and may cross the network (PostgreSQL): off the loop.
        found, turns = await asyncio.to_thread(
            lambda: (
                self._svc.audit.query(call_id=call_id, limit=1),
                self._svc.audit.turns(call_id),
            )
        )
        if live is not None and not turns:
            turns = list(live.log.turns)
        if not found and not turns:
            return None
        return call_json(found[0] if found else None, turns)

    async def hangup(self, call_id: str, role: ApiRole) -> bool:
        call = self._svc.app.calls.get(call_id)
        if call is None or call.ended.is_set():
            return False
        if role == "visitor":
            await call.end("hung up by operator (API)")
            return True
        if call.session.resident_channel_id is None or "resident" not in call.legs:
            return False
        await call.hangup_resident()
        return True

    async def reload(self) -> tuple[bool, str]:
        """New calls get the new config; live calls keep what they started with."""
        svc = self._svc
        if svc.config_path is None:
            return False, "started without a config file: nothing to reload"
        try:
            new = await asyncio.to_thread(load_config, svc.config_path)
        except ConfigError as exc:
            return False, str(exc)
        for section in ("ari", "media", "api", "stt", "tts", "audit", "log", "webhooks"):
            if getattr(new, section) != getattr(svc.settings, section):
                return False, f"{section}: changes need a restart; nothing applied"
        try:
            dirs = {
                k: await asyncio.to_thread(Directory.load, svc.resolve_path(c.directory))
                for k, c in new.condominiums.items()
            }
        except DirectoryError as exc:
            return False, str(exc)
        svc.apply(new, dirs)
        await svc.prewarm()
        return (
            True,
            f"reloaded {len(new.condominiums)} condominium(s); live calls keep their settings",
        )
