"""The Stasis application: routes ARI events to calls.

Every call Asterisk hands to `Stasis(portaria,visitor,<condominium>)` becomes a
session with its own task. Channels the app creates itself (externalMedia legs,
originated residents) also raise StasisStart; they are told apart by their
channel-id prefix and their `args`, never mistaken for new visitors.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import structlog

from app.ari import AriClient, AriError
from app.bus import EventBus
from app.calls.call import Call
from app.calls.lifecycle import FlowRunner, run_call
from app.calls.media import CHANNEL_PREFIX, MediaTarget, media_channel
from app.calls.registry import SessionManager
from app.calls.tasks import TaskOwner
from app.config import Settings
from app.dialog.ports import Role
from app.media.server import LegRegistry
from app.media.stt import SpeechToText
from app.media.tts import Voice
from app.metrics import CALLS
from app.records import RecordWriter

log = structlog.get_logger(__name__)


class StasisApp:
    def __init__(
        self,
        settings: Settings,
        ari: AriClient,
        sessions: SessionManager,
        registry: LegRegistry,
        tts: Voice,
        flow: FlowRunner,
        stt: SpeechToText | None = None,
        bus: EventBus | None = None,
        records: RecordWriter | None = None,
        recordings_dir: Path | None = None,
    ) -> None:
        self.records = records
        self.recordings_dir = recordings_dir
        self.stt = stt
        self.bus = bus or EventBus()
        self.settings = settings
        self.ari = ari
        self.sessions = sessions
        self.registry = registry
        self.tts = tts
        self.flow = flow
        self.calls: dict[str, Call] = {}
        m = settings.media
        self.media: dict[Role, MediaTarget] = {
            "visitor": MediaTarget(m.advertise_host, m.visitor_port, m.format, m.sample_rate),
            "resident": MediaTarget(m.advertise_host, m.resident_port, m.format, m.sample_rate),
        }
        self.event_listeners: list[Callable[[dict[str, Any]], None]] = []
        self._stasis_waiters: dict[str, asyncio.Future[None]] = {}
        # Teardowns, refusals, orphan hangups and undone set-ups: held, drained at shutdown.
        self.tasks = TaskOwner("stasis")

    def set_media_ports(self, visitor: int, resident: int) -> None:
        m = self.settings.media
        self.media = {
            "visitor": MediaTarget(m.advertise_host, visitor, m.format, m.sample_rate),
            "resident": MediaTarget(m.advertise_host, resident, m.format, m.sample_rate),
        }

    # -- events ----------------------------------------------------------------
    async def on_event(self, event: dict[str, Any]) -> None:
        for listener in self.event_listeners:
            listener(event)
        etype = event.get("type")
        channel = event.get("channel") or {}
        channel_id = str(channel.get("id", ""))
        # Looked up before routing (StasisEnd unbinds) and after (StasisStart creates).
        owner = self.sessions.by_channel(channel_id)
        if etype == "StasisStart":
            self._on_stasis_start(event, channel_id)
        elif etype in ("StasisEnd", "ChannelDestroyed"):
            self._on_channel_gone(channel_id, etype, int(event.get("cause", 0) or 0))
        owner = owner or self.sessions.by_channel(channel_id)
        self.bus.publish(
            "ari",
            owner.id if owner else None,
            owner.condominium if owner else None,
            type=etype,
            channel=channel_id,
            name=channel.get("name"),
            args=event.get("args"),
            digit=event.get("digit"),
            cause=event.get("cause_txt"),
        )

    async def on_connected(self, reconnect: bool) -> None:
        if not reconnect:
            return
        # Events were lost while the socket was down: trust the REST state.
        try:
            live = {c.id for c in await self.ari.list_channels()}
        except AriError as exc:
            log.warning("ari_resync_failed", error=str(exc))
            return
        for call in list(self.calls.values()):
            if call.session.visitor_channel_id not in live:
                self._spawn(call.teardown("visitor channel vanished while ARI was down"), call)
        log.info("ari_resynced", live_channels=len(live), sessions=len(self.sessions))

    def expect_stasis(self, channel_id: str) -> asyncio.Future[None]:
        """Resolves when our own channel `channel_id` raises StasisStart."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._stasis_waiters[channel_id] = fut
        fut.add_done_callback(lambda _f: self._stasis_waiters.pop(channel_id, None))
        return fut

    def _call_of(self, channel_id: str) -> Call | None:
        s = self.sessions.by_channel(channel_id)
        return None if s is None else self.calls.get(s.id)

    def _on_stasis_start(self, event: dict[str, Any], channel_id: str) -> None:
        args = [str(a) for a in event.get("args", [])]
        role = args[0] if args else ""
        if role == "resident" and len(args) > 1:
            call = self.calls.get(args[1])
            if call is not None:
                call.on_resident_answered(channel_id)
            else:
                # The visitor's call is gone: nobody is waiting for this resident.
                self.tasks.spawn(self.ari.hangup(channel_id), "hangup_orphan_resident")
            return
        if channel_id.startswith(CHANNEL_PREFIX):
            waiter = self._stasis_waiters.pop(channel_id, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
            return  # our own externalMedia channel
        if role == "visitor":
            condo = args[1] if len(args) > 1 else None
            if len(self.calls) >= self.settings.max_calls:
                log.warning(
                    "over_capacity_call_refused",
                    channel=channel_id,
                    calls=len(self.calls),
                    max_calls=self.settings.max_calls,
                )
                CALLS.labels(
                    condominium=self.settings.condominium(condo)[0], outcome="refused"
                ).inc()
                self.tasks.spawn(
                    self.ari.hangup(channel_id, reason="congestion"), "refuse_over_capacity"
                )
                return
            caller = (event.get("channel") or {}).get("caller") or {}
            self._start_visitor(channel_id, condo, time.monotonic(), str(caller.get("number", "")))
        else:
            log.warning("stasis_start_unrouted", channel=channel_id, args=args)

    def _on_channel_gone(self, channel_id: str, why: str, cause: int) -> None:
        call = self._call_of(channel_id)
        if call is None or call.ended.is_set():
            return
        visitor_leg = call.legs.get("visitor")
        if channel_id == call.session.visitor_channel_id or (
            visitor_leg is not None and channel_id == media_channel(visitor_leg.id)
        ):
            self._spawn(call.teardown(f"{why} on {channel_id}"), call)
        elif why == "ChannelDestroyed" or channel_id == call.session.resident_channel_id:
            call.on_channel_gone(channel_id, cause)

    def _spawn(self, coro: Coroutine[Any, Any, None], call: Call) -> None:
        async def runner() -> None:
            structlog.contextvars.bind_contextvars(
                session=call.session.id, condominium=call.session.condominium
            )
            await coro

        self.tasks.spawn(runner(), "teardown")

    # -- a visitor's call ------------------------------------------------------
    def _start_visitor(
        self, channel_id: str, condo_arg: str | None, t0: float, caller: str
    ) -> None:
        condo_key, condo = self.settings.condominium(condo_arg)
        session = self.sessions.create_session(condo_key, channel_id)
        session.record.caller = caller
        self.bus.publish("call.started", session.id, condo_key, channel=channel_id, caller=caller)
        call = Call(
            session,
            self.ari,
            self.sessions,
            self.registry,
            self.tts.for_condominium(condo_key),
            self.media,
            condo,
            stt=self.stt,
            app_name=self.settings.ari.app,
            expect_stasis=self.expect_stasis,
            publish=self.bus.publish,
            records=self.records,
            recordings_dir=self.recordings_dir,
            stasis_start_at=t0,
            outliving=self.tasks,
        )
        self.calls[session.id] = call
        call.task = asyncio.get_running_loop().create_task(
            run_call(
                call, self.flow, self.settings, self.ari, self.bus, self.records, self._forget
            ),
            name=f"call-{session.id[:8]}",
        )

    def _forget(self, call: Call) -> None:
        self.calls.pop(call.session.id, None)

    def held(self) -> dict[str, int]:
        """What the app still holds for calls; all 0 once every call has ended (tests, soak)."""
        return {
            "calls": len(self.calls),
            "sessions": len(self.sessions),
            "channels": self.sessions.channels,
            "tasks": len(self.tasks),
            "stasis_waiters": len(self._stasis_waiters),
            "legs_expected": self.registry.pending,
        }

    async def shutdown(self) -> None:
        calls = list(self.calls.values())
        await asyncio.gather(*(c.end("app shutting down") for c in calls), return_exceptions=True)
        # Their tasks still put the decision on record: let them, before the store closes.
        tasks = [c.task for c in calls if c.task is not None and not c.task.done()]
        if tasks:
            await asyncio.wait(tasks, timeout=5)
        await self.tasks.drain(timeout=5)
