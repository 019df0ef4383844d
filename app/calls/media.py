"""A call's media: per party, a mixing bridge joining their channel with an
AudioSocket leg (externalMedia) and a listener on that leg.

Every ARI object is named by us and put on the session's lists before the
request goes out, so a teardown racing the set-up still deletes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from app.ari import AriClient
from app.calls.registry import SessionManager
from app.calls.tasks import TaskOwner
from app.config import CondominiumSettings
from app.dialog.ports import Role
from app.dialog.session import Session
from app.media.leg import MediaLeg
from app.media.listener import Listener
from app.media.recorder import LegRecorder
from app.media.server import LegRegistry

LEG_CONNECT_TIMEOUT = 10.0  # generous: an overloaded Asterisk is slow to connect, not dead
CHANNEL_PREFIX = "portaria-"


class CallEnded(Exception):
    """The call ended while an operation on it was in flight."""


@dataclass(frozen=True)
class MediaTarget:
    host: str
    port: int
    format: str
    sample_rate: int


def media_channel(leg_id: uuid.UUID) -> str:
    """The externalMedia channel carrying leg `leg_id`."""
    return f"{CHANNEL_PREFIX}em-{leg_id}"


class CallMedia:
    def __init__(
        self,
        session: Session,
        ari: AriClient,
        sessions: SessionManager,
        registry: LegRegistry,
        targets: dict[Role, MediaTarget],
        condo: CondominiumSettings,
        tasks: TaskOwner,
        outliving: TaskOwner,
        ended: asyncio.Event,
        record_calls: bool,
        expect_stasis: Callable[[str], asyncio.Future[None]] | None,
        on_lost: Callable[[Role, MediaLeg], Awaitable[None]],
    ) -> None:
        self._session, self._ari, self._sessions = session, ari, sessions
        self._registry, self._targets, self._condo = registry, targets, condo
        # `outliving` runs what must finish after the call is gone (undoing a cut set-up).
        self._tasks, self._outliving = tasks, outliving
        self._ended, self._record_calls = ended, record_calls
        self._expect_stasis, self._on_lost = expect_stasis, on_lost
        self.legs: dict[Role, MediaLeg] = {}
        self.all_legs: dict[Role, MediaLeg] = {}  # kept after a party leaves: recordings
        self.listeners: dict[Role, Listener] = {}
        self.bridge_of: dict[Role, str] = {}
        self.leg_ids: list[uuid.UUID] = []

    async def connect(self, role: Role, channel_id: str, answer: bool) -> MediaLeg:
        """Answer (if asked), bridge the party with a new AudioSocket leg, wait for the leg."""
        if self._ended.is_set():
            raise CallEnded(f"call already ended; not connecting the {role}")
        target = self._targets[role]
        leg_id = uuid.uuid4()
        em_id = media_channel(leg_id)
        if not self._sessions.bind_channel(self._session, em_id):
            raise CallEnded(f"call already ended; not connecting the {role}")
        waiter = self._registry.expect(leg_id, role, target.sample_rate)
        self.leg_ids.append(leg_id)
        # externalMedia returns before its channel has entered Stasis; addChannel
        # before that fails with 422 "Channel not in Stasis application".
        in_stasis = self._expect_stasis(em_id) if self._expect_stasis else None

        # Ours before Asterisk has it: a teardown racing the request still destroys it.
        new_bridge = f"{CHANNEL_PREFIX}br-{uuid.uuid4()}"
        self._session.bridge_ids.append(new_bridge)
        self.bridge_of[role] = new_bridge

        async def make_bridge() -> str:
            await self._ari.create_bridge(
                "mixing", name=f"portaria-{self._session.id[:8]}-{role}", bridge_id=new_bridge
            )
            return new_bridge

        # Independent round trips in parallel: they dominate time-to-greeting.
        jobs = [
            make_bridge(),
            self._ari.external_media(
                external_host=f"{target.host}:{target.port}",
                data=str(leg_id),
                format=target.format,
                channel_id=em_id,
            ),
        ]
        if answer:
            jobs.append(self._ari.answer(channel_id))
        setup = asyncio.ensure_future(asyncio.gather(*jobs, return_exceptions=True))
        try:
            # Shielded: requests already sent land in Asterisk even if we are cancelled.
            results = await asyncio.shield(setup)
        except asyncio.CancelledError:
            self._outliving.spawn(self._undo_setup(setup, leg_id, em_id, new_bridge), "undo_setup")
            raise
        if self._ended.is_set():
            await self._undo_setup(setup, leg_id, em_id, new_bridge)
            raise CallEnded(f"call ended while connecting the {role}")
        for r in results:
            if isinstance(r, BaseException):
                raise r
        bridge_id = results[0]
        assert isinstance(bridge_id, str)
        if in_stasis is not None:
            await asyncio.wait_for(in_stasis, LEG_CONNECT_TIMEOUT)
        await self._ari.add_channels(bridge_id, [channel_id, em_id])
        leg = await asyncio.wait_for(waiter, LEG_CONNECT_TIMEOUT)
        self.legs[role] = leg
        self.all_legs[role] = leg
        if self._record_calls:
            leg.recorder = LegRecorder(leg.sample_rate)
        leg.closed_task = self._tasks.spawn(self._watch_leg(role, leg), f"watch-{role}")
        e = self._condo.endpointing
        cfg = e.endpointer(leg.sample_rate)
        barge = e.barge_in_visitor if role == "visitor" else e.barge_in_resident
        listener = Listener(leg, cfg, barge_in=barge)
        listener.start()
        self.listeners[role] = listener
        return leg

    async def _undo_setup(
        self, setup: asyncio.Future[Any], leg_id: uuid.UUID, em_id: str, bridge_id: str
    ) -> None:
        """The call ended while its set-up requests were in flight: once they land,
        remove what they made (teardown may have looked before it existed)."""
        self._registry.forget(leg_id)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(setup), 30)
        await asyncio.gather(
            self._ari.hangup(em_id), self._ari.destroy_bridge(bridge_id), return_exceptions=True
        )

    async def _watch_leg(self, role: Role, leg: MediaLeg) -> None:
        await leg.wait_closed()
        if not self._ended.is_set():
            await self._on_lost(role, leg)

    async def release(self, role: Role, why: str) -> None:
        """A party left: close its leg and delete its media channel and bridge."""
        leg = self.legs.pop(role, None)
        self.listeners.pop(role, None)  # its task ends with the leg and reports "closed"
        bridge = self.bridge_of.pop(role, None)
        if leg is not None:
            leg.close(why)
            await self._ari.hangup(media_channel(leg.id))
        if bridge is not None:
            await self._ari.destroy_bridge(bridge)

    async def close(self, reason: str) -> None:
        """Teardown: no leg is expected any more, every leg and listener stops."""
        for leg_id in self.leg_ids:
            self._registry.forget(leg_id)
        for leg in self.legs.values():
            leg.close(f"call ended: {reason}")
        for listener in self.listeners.values():
            await listener.stop()
