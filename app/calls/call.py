"""A live visitor call and its one owner, from StasisStart to the last hangup: its
tasks, its ARI objects, its media legs and its record. The dialog talks to it
through CallPort; set-up, listening (hearing.py), dialling, the gate and teardown are in
modules beside it.

Teardown is idempotent and runs however the call ends (either party or the app
hangs up, a media leg drops, the session times out, an ARI reconnect finds the
channel gone): it deletes exactly the bridges and channels this call created.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from pathlib import Path

import structlog

from app.ari import AriClient
from app.calls import gate
from app.calls.dialling import ResidentDialler
from app.calls.hearing import Hearing
from app.calls.media import CallMedia, MediaTarget
from app.calls.registry import SessionManager
from app.calls.tasks import TaskOwner
from app.calls.teardown import delete_ari_objects, save_recordings
from app.config import CondominiumSettings
from app.dialog.ports import Input, RingOutcome, Role
from app.dialog.session import Session
from app.media.leg import MediaLeg
from app.media.listener import Listener
from app.media.pcm import resample
from app.media.server import LegRegistry
from app.media.stt import SpeechToText, SttHint
from app.media.tts import Voice
from app.metrics import observe_stage
from app.records import CallLog, RecordWriter

log = structlog.get_logger(__name__)


class Call:
    def __init__(
        self,
        session: Session,
        ari: AriClient,
        sessions: SessionManager,
        registry: LegRegistry,
        tts: Voice,
        media: dict[Role, MediaTarget],
        condo: CondominiumSettings,
        stt: SpeechToText | None = None,
        app_name: str = "portaria",
        expect_stasis: Callable[[str], asyncio.Future[None]] | None = None,
        publish: Callable[..., None] | None = None,
        records: RecordWriter | None = None,
        recordings_dir: Path | None = None,
        stasis_start_at: float | None = None,
        outliving: TaskOwner | None = None,
    ) -> None:
        self._publish, self._records = publish or (lambda *a, **k: None), records
        self._recordings_dir = recordings_dir
        # The conversation, turn by turn, as it happens (records and the live dashboard).
        self.log = CallLog(
            session.id,
            records.add_turn if records else None,
            publish,
            session.condominium,
            started=session.started_monotonic,
        )
        self.session, self.condo = session, condo
        self._ari, self._sessions, self._tts = ari, sessions, tts
        self.ended, self._teardown_lock = asyncio.Event(), asyncio.Lock()
        self.task: asyncio.Task[None] | None = None  # the conversation (app/calls/lifecycle.py)
        self.tasks = TaskOwner(f"call-{session.id[:8]}")  # everything else it runs
        self._outliving = outliving or self.tasks  # what must finish after the call is gone
        self.media = CallMedia(
            session,
            ari,
            sessions,
            registry,
            media,
            condo,
            self.tasks,
            self._outliving,
            self.ended,
            record_calls=condo.recording == "call" and recordings_dir is not None,
            expect_stasis=expect_stasis,
            on_lost=self._leg_lost,
        )
        # Listening, recognition, the hold phrase and turn latencies (app/calls/hearing.py).
        self.hearing = Hearing(self.media, self.log, condo, tts.synthesize, stt, stasis_start_at)
        # The same objects as the hearing's: tests and benchmarks read them off the call.
        self.turn_taking = self.hearing.turn_taking
        self.timings, self.turns = self.hearing.timings, self.hearing.turns
        self.dialler = ResidentDialler(
            session,
            ari,
            sessions,
            condo.resident_call,
            app_name,
            self.log,
            self._publish,
            lambda ch: self.connect_party("resident", ch, answer=False),
        )

    @property
    def legs(self) -> dict[Role, MediaLeg]:
        return self.media.legs

    @property
    def listeners(self) -> dict[Role, Listener]:
        return self.media.listeners

    # -- set-up --------------------------------------------------------------
    async def connect_party(self, role: Role, channel_id: str, answer: bool) -> MediaLeg:
        """Answer (if asked), bridge the party with a new AudioSocket leg, wait for the leg."""
        return await self.media.connect(role, channel_id, answer)

    async def _leg_lost(self, role: Role, leg: MediaLeg) -> None:
        if role == "visitor":
            log.warning("media_leg_lost", role=role, reason=leg.close_reason)
            await self.end(f"visitor media leg lost: {leg.close_reason}")

    # -- CallPort --------------------------------------------------------------
    async def say(self, role: Role, text: str) -> bool:
        leg = self.legs.get(role)
        if leg is None or leg.closed.is_set():
            return False
        t0 = time.monotonic()
        tts_s: float | None = None

        def ready() -> None:  # the reply's first segment is ready to play
            nonlocal tts_s
            tts_s = time.monotonic() - t0
            observe_stage("tts", tts_s)
            self.hearing.stop_hold(role)

        listener = self.listeners.get(role)
        if listener is not None and self.turn_taking.caller_resumed(role, listener):
            # They went on talking while we prepared this: it answers half a turn. Never
            # start it; their next words are joined to the last (app/turns.py).
            log.info("reply_withheld_caller_speaking", role=role)
            return False
        # Segment by segment: cached pieces play while a name is synthesized.
        done, first_frame_at = await self._tts.speak(leg, text, ready)
        self.turn_taking.replied(role, first_frame_at)
        self.hearing.note_first_audio(role, first_frame_at)
        self.log.said(role, text, tts_s=tts_s)
        return done

    async def play_audio(self, role: Role, pcm: bytes, sample_rate: int) -> bool:
        leg = self.legs.get(role)
        if leg is None or leg.closed.is_set():
            return False
        return await leg.play(resample(pcm, sample_rate, leg.sample_rate), label="audio").done

    def party_gone(self, role: Role) -> bool:
        leg = self.legs.get(role)
        return leg is None or leg.closed.is_set()

    @property
    def can_transcribe(self) -> bool:
        return self.hearing.stt is not None

    def stt_failures(self) -> int:
        return self.hearing.stt_failures

    async def listen(
        self, role: Role, timeout: float, transcribe: bool = True, hint: SttHint | None = None
    ) -> Input:
        return await self.hearing.listen(role, timeout, transcribe, hint)

    async def call_resident(self, number: str) -> RingOutcome:
        return await self.dialler.ring(number)

    def on_resident_answered(self, channel_id: str) -> None:
        if self.dialler.answered(channel_id):
            self.hearing.resident_answered_at = time.monotonic()
        else:
            # Late (its ring timed out or its originate went unanswered) or unknown:
            # nobody is waiting for this resident.
            log.info("unexpected_resident_hung_up", channel=channel_id)
            self._outliving.spawn(self._ari.hangup(channel_id), "hangup_unexpected_resident")

    def on_channel_gone(self, channel_id: str, cause: int) -> None:
        """A channel of this call went away: a ringing resident, or the resident's answered leg."""
        if self.dialler.gone(channel_id, cause) or channel_id != self.session.resident_channel_id:
            return
        self.tasks.spawn(
            self.media.release("resident", "resident hung up"), "release_resident_media"
        )

    async def hangup_resident(self) -> None:
        ch = self.session.resident_channel_id
        if ch is not None:
            await self._ari.hangup(ch)
            await self.media.release("resident", "resident hung up")

    async def open_gate(self) -> bool:
        opened = await gate.open_gate(self.condo.gate, self._ari, self.session.record)
        if opened:
            self.log.event("portão aberto")
        return opened

    async def end(self, reason: str) -> None:
        """The app ends the call: ARI DELETE on the parties, then release everything."""
        await self.teardown(reason, hang_up_parties=True)

    # -- teardown --------------------------------------------------------------
    async def teardown(self, reason: str, hang_up_parties: bool = True) -> None:
        async with self._teardown_lock:
            if self.ended.is_set():
                return
            self.ended.set()
            s = self.session
            log.info(
                "call_ended", reason=reason, state=s.state.value, duration_s=round(s.duration, 2)
            )
            await self.media.close(reason)
            self.hearing.stop_all_holds()
            # The flow goes before the session: once a session is gone from the
            # registry, its decision (even "visitor_left") is already on record.
            task = self.task
            if task is not None and task is not asyncio.current_task() and not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(asyncio.shield(task), 3.0)
            await self.tasks.close()
            self._sessions.end_session(s.id, reason)
            self.log.close()
            await save_recordings(
                self.condo.recording,
                self._recordings_dir,
                self._records,
                s.id,
                self.hearing.deciding_answer,
                self.media.all_legs,
            )
            await delete_ari_objects(self._ari, s, hang_up_parties)
