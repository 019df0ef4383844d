"""A live call: the ARI objects and media legs one session owns, and how to
say things on it and tear it all down.

Teardown is idempotent and runs however the call ends (visitor hangs up, app
hangs up, media leg drops, session timeout, ARI reconnect finds the channel
gone): it deletes exactly the bridges and channels this call created, so
nothing is left in Asterisk or in the session manager.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass

import structlog

from app.ari import AriClient, AriError
from app.dialog.ports import Role
from app.dialog.session import Session, SessionManager
from app.media.leg import MediaLeg
from app.media.server import LegRegistry
from app.media.tts import CachedTts

log = structlog.get_logger(__name__)

LEG_CONNECT_TIMEOUT = 5.0
CHANNEL_PREFIX = "portaria-"


@dataclass(frozen=True)
class MediaTarget:
    host: str
    port: int
    format: str
    sample_rate: int


class Call:
    def __init__(
        self,
        session: Session,
        ari: AriClient,
        sessions: SessionManager,
        registry: LegRegistry,
        tts: CachedTts,
        media: dict[Role, MediaTarget],
    ) -> None:
        self.session = session
        self._ari = ari
        self._sessions = sessions
        self._registry = registry
        self._tts = tts
        self._media = media
        self.legs: dict[Role, MediaLeg] = {}
        self._leg_ids: list[uuid.UUID] = []
        self.ended = asyncio.Event()
        self._teardown_lock = asyncio.Lock()
        self.task: asyncio.Task[None] | None = None

    # -- set-up --------------------------------------------------------------
    async def connect_party(self, role: Role, channel_id: str, answer: bool) -> MediaLeg:
        """Answer (if asked), bridge the party with a new AudioSocket leg, wait for the leg."""
        target = self._media[role]
        leg_id = uuid.uuid4()
        em_id = f"{CHANNEL_PREFIX}em-{leg_id}"
        waiter = self._registry.expect(leg_id, role, target.sample_rate)
        self._leg_ids.append(leg_id)
        self._sessions.bind_channel(self.session, em_id)

        async def make_bridge() -> str:
            bridge = await self._ari.create_bridge("mixing", name=f"portaria-{self.session.id[:8]}-{role}")
            self.session.bridge_ids.append(bridge.id)
            return bridge.id

        # Independent round trips in parallel: they dominate time-to-greeting.
        jobs = [
            make_bridge(),
            self._ari.external_media(
                external_host=f"{target.host}:{target.port}", data=str(leg_id),
                format=target.format, channel_id=em_id,
            ),
        ]
        if answer:
            jobs.append(self._ari.answer(channel_id))
        results = await asyncio.gather(*jobs, return_exceptions=True)
        for r in results:
            if isinstance(r, BaseException):
                raise r
        bridge_id = results[0]
        assert isinstance(bridge_id, str)
        await self._ari.add_channels(bridge_id, [channel_id, em_id])
        leg = await asyncio.wait_for(waiter, LEG_CONNECT_TIMEOUT)
        self.legs[role] = leg
        leg.closed_task = asyncio.get_running_loop().create_task(self._watch_leg(role, leg))
        return leg

    async def _watch_leg(self, role: Role, leg: MediaLeg) -> None:
        await leg.wait_closed()
        if not self.ended.is_set() and role == "visitor":
            log.warning("media_leg_lost", role=role, reason=leg.close_reason)
            await self.end(f"visitor media leg lost: {leg.close_reason}")

    # -- CallPort --------------------------------------------------------------
    async def say(self, role: Role, text: str) -> bool:
        leg = self.legs.get(role)
        if leg is None or leg.closed.is_set():
            return False
        pcm = await self._tts.synthesize(text, leg.sample_rate)
        pb = leg.play(pcm, label=text[:40])
        return await pb.done

    async def end(self, reason: str) -> None:
        """The app ends the call: ARI DELETE on the parties, then release everything."""
        await self.teardown(reason, hang_up_parties=True)

    async def wait_ended(self) -> None:
        await self.ended.wait()

    # -- teardown --------------------------------------------------------------
    async def teardown(self, reason: str, hang_up_parties: bool = True) -> None:
        async with self._teardown_lock:
            if self.ended.is_set():
                return
            self.ended.set()
            s = self.session
            log.info("call_ended", reason=reason, state=s.state.value, duration_s=round(s.duration, 2))
            self._sessions.end_session(s.id, reason)
            for leg_id in self._leg_ids:
                self._registry.forget(leg_id)
            for leg in self.legs.values():
                leg.close(f"call ended: {reason}")
            channels = list(s.channel_ids) if hang_up_parties else [
                c for c in s.channel_ids if c.startswith(CHANNEL_PREFIX)
            ]
            ops = [self._ari.hangup(c) for c in channels] + [self._ari.destroy_bridge(b) for b in s.bridge_ids]
            for r in await asyncio.gather(*ops, return_exceptions=True):
                if isinstance(r, AriError):
                    log.warning("teardown_ari_error", error=str(r))
                elif isinstance(r, BaseException) and not isinstance(r, asyncio.CancelledError):
                    log.warning("teardown_error", error=repr(r))
            task = self.task
            if task is not None and task is not asyncio.current_task() and not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
