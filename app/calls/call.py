"""A live visitor call and its one owner, from StasisStart to the last hangup: its
tasks, its ARI objects, its media legs and its record. The dialog talks to it
through CallPort; set-up, dialling, the gate and teardown are in modules beside it.

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
from typing import Any

import structlog

from app.ari import AriClient
from app.calls import gate
from app.calls.dialling import ResidentDialler
from app.calls.media import CallMedia, MediaTarget
from app.calls.registry import SessionManager
from app.calls.tasks import TaskOwner
from app.calls.teardown import delete_ari_objects, save_recordings
from app.config import CondominiumSettings
from app.dialog.ports import Input, RingOutcome, Role
from app.dialog.session import Session
from app.media.hold import HoldFiller
from app.media.leg import MediaLeg
from app.media.listener import Listener
from app.media.pcm import resample
from app.media.server import LegRegistry
from app.media.stt import SpeechToText, SttError, SttHint, Transcript
from app.media.tts import Voice
from app.metrics import BACKEND_ERRORS, observe_stage
from app.records import CallLog, RecordWriter
from app.turns import Fragment, TurnTaker

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
        self._deciding_answer: tuple[bytes, int] | None = None
        self.turn_taking = TurnTaker(condo.endpointing)
        self.session, self.condo = session, condo
        self.stasis_start_at = stasis_start_at  # greeting latency counts from here
        self._stt, self._stt_failures = stt, 0
        # Latency record of this call (benchmarks and /metrics read it).
        self.timings: dict[str, float] = {}
        self.turns: list[dict[str, Any]] = []
        self._pending_turn: dict[str, Any] | None = None
        self._ari, self._sessions, self._tts = ari, sessions, tts
        self.ended, self._teardown_lock = asyncio.Event(), asyncio.Lock()
        self.task: asyncio.Task[None] | None = None  # the conversation (app/calls/lifecycle.py)
        self.tasks = TaskOwner(f"call-{session.id[:8]}")  # everything else it runs
        self._holds: dict[Role, HoldFiller] = {}
        self.media = CallMedia(
            session,
            ari,
            sessions,
            registry,
            media,
            condo,
            self.tasks,
            outliving or self.tasks,
            self.ended,
            record_calls=condo.recording == "call" and recordings_dir is not None,
            expect_stasis=expect_stasis,
            on_lost=self._leg_lost,
        )
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
            self._stop_hold(role)

        listener = self.listeners.get(role)
        if listener is not None and self.turn_taking.caller_resumed(role, listener):
            # They went on talking while we prepared this: it answers half a turn. Never
            # start it; their next words are joined to the last (app/turns.py).
            log.info("reply_withheld_caller_speaking", role=role)
            return False
        # Segment by segment: cached pieces play while a name is synthesized.
        done, first_frame_at = await self._tts.speak(leg, text, ready)
        self.turn_taking.replied(role, first_frame_at)
        self._note_first_audio(role, first_frame_at)
        self.log.said(role, text, tts_s=tts_s)
        return done

    def _start_hold(self, role: Role, since: float) -> None:
        leg = self.legs.get(role)
        if leg is None:
            return
        hold = self._holds.get(role)
        if hold is None:
            hold = self._holds[role] = HoldFiller(
                self._tts.synthesize, self.condo.phrases.hold, self.condo.hold_after_s
            )
        hold.start(leg, since)

    def _stop_hold(self, role: Role) -> None:
        hold = self._holds.get(role)
        if hold is not None:
            hold.stop()
            if self._pending_turn is not None and self._pending_turn["role"] == role:
                self._pending_turn["hold_fillers"] = hold.played

    def _note_first_audio(self, role: Role, first_frame_at: float | None) -> None:
        """Turn latency: the caller's last speech sample to our first reply frame."""
        if first_frame_at is None:
            return
        t = self.timings
        if "greeting_s" not in t and self.stasis_start_at is not None:
            t["greeting_s"] = first_frame_at - self.stasis_start_at
            observe_stage("greeting", t["greeting_s"])
        if self._pending_turn is not None and self._pending_turn["role"] == role:
            turn = self._pending_turn
            turn["first_reply_audio_s"] = first_frame_at - turn["speech_end"]
            observe_stage("first_reply_audio", turn["first_reply_audio_s"])
            self.turns.append(turn)
            self._pending_turn = None

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
        return self._stt is not None

    def stt_failures(self) -> int:
        return self._stt_failures

    async def listen(
        self, role: Role, timeout: float, transcribe: bool = True, hint: SttHint | None = None
    ) -> Input:
        listener = self.listeners.get(role)
        if listener is None:
            return Input("closed")
        self._stop_hold(role)
        speculate = transcribe and self._stt is not None
        if speculate:
            assert self._stt is not None
            self.turn_taking.speculate(role, listener, hint, self._stt.transcribe)
        try:
            return await self._listen(role, listener, timeout, transcribe, hint)
        finally:
            if speculate:
                self.turn_taking.stop_speculating(role, listener)

    async def _listen(
        self, role: Role, listener: Listener, timeout: float, transcribe: bool, hint: SttHint | None
    ) -> Input:
        heard = await listener.next(timeout)
        if heard.kind == "dtmf" and heard.digit:
            self.log.dtmf(role, heard.digit)
        if heard.kind != "speech" or heard.utterance is None:
            return Input(heard.kind, digit=heard.digit)
        u = heard.utterance
        # They spoke again before our reply was heard: the same turn, recognized whole.
        whole = self.turn_taking.begin(role, u, hint) if transcribe else Fragment.of(u, hint)
        turn: dict[str, Any] = {
            "role": role,
            "speech_end": u.end,
            "end_of_turn_at": heard.emitted_at,
            "endpointing_s": heard.emitted_at - u.end,
        }
        text: str | None = None
        heard_as: Transcript | None = None
        self._pending_turn = turn
        if transcribe and self._stt is not None:
            self._start_hold(role, u.end)
            t0 = time.monotonic()
            heard_as = await self._recognize(role, whole)
            more = (
                None
                if heard_as is None or role not in self.listeners
                else await self.turn_taking.more_after_unfinished(
                    role, whole, heard_as.text, listener
                )
            )
            if more is not None:
                # "aqui é o …": they went on; one recognition of the whole sentence.
                whole = more
                turn.update(speech_end=whole.end, endpointing_s=time.monotonic() - whole.end)
                heard_as = await self._recognize(role, whole)
            text = heard_as.text if heard_as is not None else None
            turn["stt_s"] = time.monotonic() - t0
            self.turn_taking.remember(role, whole)
        pcm, start, end = whole.pcm, whole.start, whole.end
        # Opened before the stages are observed, so they land on this turn.
        self.log.heard(
            role,
            text or "",
            source=self._stt.name if self._stt else None,
            timings={
                "speech_start_s": self.log.since_start(start),
                "speech_end_s": self.log.since_start(end),
            },
        )
        observe_stage("endpointing", turn["endpointing_s"])
        if "stt_s" in turn:
            observe_stage("stt", turn["stt_s"])
        if role == "resident":
            self._deciding_answer = (pcm, u.sample_rate)  # the last one heard decides
        rate, continues = u.sample_rate, whole.continued
        if heard_as is None:
            return Input("speech", text=text, pcm=pcm, sample_rate=rate, continues=continues)
        return Input(
            "speech",
            text=text,
            pcm=pcm,
            sample_rate=rate,
            choice=heard_as.choice,
            scored=heard_as.scored,
            unsure=heard_as.unsure,
            continues=continues,
        )

    async def _recognize(self, role: Role, whole: Fragment) -> Transcript | None:
        assert self._stt is not None
        try:
            # Made when they paused, if they said nothing since (app/turns.py).
            heard_as = await self.turn_taking.recognize(role, whole, self._stt.transcribe)
        except SttError as exc:
            self._stt_failures += 1
            BACKEND_ERRORS.labels(backend="stt", kind="error").inc()
            log.warning("stt_failed", role=role, error=str(exc), failures=self._stt_failures)
            return None
        self._stt_failures = 0
        return heard_as

    async def call_resident(self, number: str) -> RingOutcome:
        return await self.dialler.ring(number)

    def on_resident_answered(self, channel_id: str) -> None:
        self.dialler.answered(channel_id)

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
            for role in list(self._holds):
                self._stop_hold(role)
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
                self._deciding_answer,
                self.media.all_legs,
            )
            await delete_ari_objects(self._ari, s, hang_up_parties)
