"""What a call hears, for the CallPort of app/calls/call.py: waiting for a party's next
input, recognizing it (one recognition of a whole turn, app/turns.py), the hold phrase
that covers a slow recognizer, and the latency record of every turn.

Kept apart from Call so the call's owner (set-up, the resident, the gate, teardown)
and its ear each fit in a small module; Call holds one Hearing and delegates to it.
"""

from __future__ import annotations

import time
from typing import Any

import structlog

from app.calls.media import CallMedia
from app.config import CondominiumSettings
from app.dialog.ports import Input, Role
from app.media.hold import HoldFiller, Synthesize
from app.media.listener import Listener
from app.media.stt import SpeechToText, SttError, SttHint, Transcript
from app.metrics import BACKEND_ERRORS, observe_stage
from app.records import CallLog
from app.turns import Fragment, TurnTaker

log = structlog.get_logger(__name__)


class Hearing:
    def __init__(
        self,
        media: CallMedia,
        log_: CallLog,
        condo: CondominiumSettings,
        synthesize: Synthesize,
        stt: SpeechToText | None,
        stasis_start_at: float | None,
    ) -> None:
        self._media, self._log, self._condo, self._synthesize = media, log_, condo, synthesize
        self.stt, self.stt_failures = stt, 0
        self.turn_taking = TurnTaker(condo.endpointing)
        self.stasis_start_at = stasis_start_at  # greeting latency counts from here
        self.resident_answered_at: float | None = None  # and the resident's presentation's
        # Latency record of this call (benchmarks and /metrics read it).
        self.timings: dict[str, float] = {}
        self.turns: list[dict[str, Any]] = []
        self._pending_turn: dict[str, Any] | None = None
        self._holds: dict[Role, HoldFiller] = {}
        # The resident's last answer: with recording "decision" it is what gets saved.
        self.deciding_answer: tuple[bytes, int] | None = None

    # -- hold filler -----------------------------------------------------------
    def start_hold(self, role: Role, since: float) -> None:
        leg = self._media.legs.get(role)
        if leg is None:
            return
        hold = self._holds.get(role)
        if hold is None:
            hold = self._holds[role] = HoldFiller(
                self._synthesize, self._condo.phrases.hold, self._condo.hold_after_s
            )
        hold.start(leg, since)

    def stop_hold(self, role: Role) -> None:
        hold = self._holds.get(role)
        if hold is not None:
            hold.stop()
            if self._pending_turn is not None and self._pending_turn["role"] == role:
                self._pending_turn["hold_fillers"] = hold.played

    def stop_all_holds(self) -> None:
        for role in list(self._holds):
            self.stop_hold(role)

    # -- latency ---------------------------------------------------------------
    def note_first_audio(self, role: Role, first_frame_at: float | None) -> None:
        """Turn latency: the caller's last speech sample to our first reply frame."""
        if first_frame_at is None:
            return
        t = self.timings
        if "greeting_s" not in t and self.stasis_start_at is not None:
            t["greeting_s"] = first_frame_at - self.stasis_start_at
            observe_stage("greeting", t["greeting_s"])
        answered = self.resident_answered_at
        if role == "resident" and answered is not None and "resident_presentation_s" not in t:
            t["resident_presentation_s"] = first_frame_at - answered
            observe_stage("resident_presentation", t["resident_presentation_s"])
        if self._pending_turn is not None and self._pending_turn["role"] == role:
            turn = self._pending_turn
            turn["first_reply_audio_s"] = first_frame_at - turn["speech_end"]
            observe_stage("first_reply_audio", turn["first_reply_audio_s"])
            self.turns.append(turn)
            self._pending_turn = None

    # -- listening -------------------------------------------------------------
    async def listen(
        self, role: Role, timeout: float, transcribe: bool = True, hint: SttHint | None = None
    ) -> Input:
        listener = self._media.listeners.get(role)
        if listener is None:
            return Input("closed")
        self.stop_hold(role)
        speculate = transcribe and self.stt is not None
        if speculate:
            assert self.stt is not None
            self.turn_taking.speculate(role, listener, hint, self.stt.transcribe)
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
            self._log.dtmf(role, heard.digit)
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
        if transcribe and self.stt is not None:
            self.start_hold(role, u.end)
            t0 = time.monotonic()
            heard_as = await self._recognize(role, whole)
            more = (
                None
                if heard_as is None or role not in self._media.listeners
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
        self._log.heard(
            role,
            text or "",
            source=self.stt.name if self.stt else None,
            timings={
                "speech_start_s": self._log.since_start(start),
                "speech_end_s": self._log.since_start(end),
            },
        )
        observe_stage("endpointing", turn["endpointing_s"])
        if "stt_s" in turn:
            observe_stage("stt", turn["stt_s"])
        if role == "resident":
            self.deciding_answer = (pcm, u.sample_rate)  # the last one heard decides
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
        assert self.stt is not None
        try:
            # Made when they paused, if they said nothing since (app/turns.py).
            heard_as = await self.turn_taking.recognize(role, whole, self.stt.transcribe)
        except SttError as exc:
            self.stt_failures += 1
            BACKEND_ERRORS.labels(backend="stt", kind="error").inc()
            log.warning("stt_failed", role=role, error=str(exc), failures=self.stt_failures)
            return None
        self.stt_failures = 0
        return heard_as
