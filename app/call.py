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
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import structlog

from app.ari import AriClient, AriError, AriUnavailable
from app.config import CondominiumSettings
from app.dialog.ports import Input, RingOutcome, Role
from app.dialog.session import Session, SessionManager
from app.media.hold import HoldFiller
from app.media.leg import MediaLeg
from app.media.listener import Listener
from app.media.pcm import resample
from app.media.recorder import LegRecorder
from app.media.server import LegRegistry
from app.media.stt import SpeechToText, SttError, SttHint, Transcript
from app.media.tts import Voice
from app.metrics import BACKEND_ERRORS, observe_stage
from app.records import CallLog, RecordWriter
from app.records.recordings import day_folder, write_flac
from app.turns import Fragment, TurnTaker

log = structlog.get_logger(__name__)

LEG_CONNECT_TIMEOUT = 10.0  # generous: an overloaded Asterisk is slow to connect, not dead
CHANNEL_PREFIX = "portaria-"


# ChannelDestroyed causes (Q.850) of a resident leg that never answered.
BUSY_CAUSES = {17}
NO_ANSWER_CAUSES = {18, 19, 16, 0}


class CallEnded(Exception):
    """The call ended while an operation on it was in flight."""


def background(coro: Awaitable[None], what: str) -> None:
    """Fire and forget, but a failure is logged rather than lost."""
    async def run() -> None:
        try:
            await coro
        except Exception as exc:  # noqa: BLE001
            log.warning("background_failed", what=what, error=str(exc))
    asyncio.get_running_loop().create_task(run())


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
        tts: Voice,
        media: dict[Role, MediaTarget],
        condo: CondominiumSettings,
        stt: SpeechToText | None = None,
        app_name: str = "portaria",
        expect_stasis: Callable[[str], asyncio.Future[None]] | None = None,
        publish: Callable[..., None] | None = None,
        records: RecordWriter | None = None,
        recordings_dir: Path | None = None,
    ) -> None:
        self._publish = publish or (lambda *a, **k: None)
        self._records = records
        self._recordings_dir = recordings_dir
        # The conversation, turn by turn, as it happens (records and the live dashboard).
        self.log = CallLog(session.id, records.add_turn if records else None, publish, session.condominium,
                           started=session.started_monotonic)
        self._deciding_answer: tuple[bytes, int] | None = None
        self.turn_taking = TurnTaker(condo.endpointing)
        self._expect_stasis = expect_stasis
        self.session = session
        self.condo = condo
        self._stt = stt
        self._app_name = app_name
        self._stt_failures = 0
        self.listeners: dict[Role, Listener] = {}
        self._ring: tuple[str, asyncio.Future[RingOutcome]] | None = None
        self._bridge_of: dict[Role, str] = {}
        # Latency record of this call (benchmarks and /metrics read it).
        self.timings: dict[str, float] = {}
        self.turns: list[dict[str, Any]] = []
        self._pending_turn: dict[str, Any] | None = None
        self._ari = ari
        self._sessions = sessions
        self._registry = registry
        self._tts = tts
        self._media = media
        self.legs: dict[Role, MediaLeg] = {}
        self._all_legs: dict[Role, MediaLeg] = {}
        self._leg_ids: list[uuid.UUID] = []
        self.ended = asyncio.Event()
        self._teardown_lock = asyncio.Lock()
        self.task: asyncio.Task[None] | None = None
        self._holds: dict[Role, HoldFiller] = {}

    # -- set-up --------------------------------------------------------------
    async def connect_party(self, role: Role, channel_id: str, answer: bool) -> MediaLeg:
        """Answer (if asked), bridge the party with a new AudioSocket leg, wait for the leg."""
        if self.ended.is_set():
            raise CallEnded(f"call already ended; not connecting the {role}")
        target = self._media[role]
        leg_id = uuid.uuid4()
        em_id = f"{CHANNEL_PREFIX}em-{leg_id}"
        waiter = self._registry.expect(leg_id, role, target.sample_rate)
        self._leg_ids.append(leg_id)
        self._sessions.bind_channel(self.session, em_id)
        # externalMedia returns before its channel has entered Stasis; addChannel
        # before that fails with 422 "Channel not in Stasis application".
        in_stasis = self._expect_stasis(em_id) if self._expect_stasis else None

        # Ours before Asterisk has it: a teardown racing the request still destroys it.
        new_bridge = f"{CHANNEL_PREFIX}br-{uuid.uuid4()}"
        self.session.bridge_ids.append(new_bridge)
        self._bridge_of[role] = new_bridge

        async def make_bridge() -> str:
            await self._ari.create_bridge("mixing", name=f"portaria-{self.session.id[:8]}-{role}",
                                          bridge_id=new_bridge)
            return new_bridge

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
        setup = asyncio.ensure_future(asyncio.gather(*jobs, return_exceptions=True))
        try:
            # Shielded: requests already sent land in Asterisk even if we are cancelled.
            results = await asyncio.shield(setup)
        except asyncio.CancelledError:
            background(self._undo_setup(setup, leg_id, em_id, new_bridge), "undo_setup")
            raise
        if self.ended.is_set():
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
        self._all_legs[role] = leg  # kept after a party leaves: its recording is saved at the end
        if self.condo.recording == "call" and self._recordings_dir is not None:
            leg.recorder = LegRecorder(leg.sample_rate)
        leg.closed_task = asyncio.get_running_loop().create_task(self._watch_leg(role, leg))
        e = self.condo.endpointing
        cfg = e.endpointer(leg.sample_rate)
        barge = e.barge_in_visitor if role == "visitor" else e.barge_in_resident
        listener = Listener(leg, cfg, barge_in=barge)
        listener.start()
        self.listeners[role] = listener
        return leg

    async def _undo_setup(self, setup: asyncio.Future[Any], leg_id: uuid.UUID, em_id: str, bridge_id: str) -> None:
        """The call ended while its set-up requests were in flight: once they land,
        remove what they made (teardown may have looked before it existed)."""
        self._registry.forget(leg_id)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(setup), 30)
        await asyncio.gather(_retrying(self._ari.hangup, em_id), _retrying(self._ari.destroy_bridge, bridge_id),
                             return_exceptions=True)

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
            hold = self._holds[role] = HoldFiller(self._tts.synthesize, self.condo.phrases.hold, self.condo.hold_after_s)
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
        if "greeting_s" not in t and "stasis_start_at" in self.session.data:
            t["greeting_s"] = first_frame_at - self.session.data["stasis_start_at"]
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

    async def listen(self, role: Role, timeout: float, transcribe: bool = True,
                     hint: SttHint | None = None) -> Input:
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

    async def _listen(self, role: Role, listener: Listener, timeout: float, transcribe: bool,
                      hint: SttHint | None) -> Input:
        heard = await listener.next(timeout)
        if heard.kind == "dtmf" and heard.digit:
            self.log.dtmf(role, heard.digit)
        if heard.kind != "speech" or heard.utterance is None:
            return Input(heard.kind, digit=heard.digit)
        u = heard.utterance
        # They spoke again before our reply was heard: the same turn, recognized whole.
        whole = self.turn_taking.begin(role, u, hint) if transcribe else Fragment.of(u, hint)
        turn: dict[str, Any] = {"role": role, "speech_end": u.end, "end_of_turn_at": heard.emitted_at,
                                "endpointing_s": heard.emitted_at - u.end}
        text: str | None = None
        heard_as: Transcript | None = None
        self._pending_turn = turn
        if transcribe and self._stt is not None:
            self._start_hold(role, u.end)
            t0 = time.monotonic()
            heard_as = await self._recognize(role, whole)
            more = None if heard_as is None or role not in self.listeners else \
                await self.turn_taking.more_after_unfinished(role, whole, heard_as.text, listener)
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
        self.log.heard(role, text or "", source=self._stt.name if self._stt else None, timings={
            "speech_start_s": self.log.since_start(start), "speech_end_s": self.log.since_start(end)})
        observe_stage("endpointing", turn["endpointing_s"])
        if "stt_s" in turn:
            observe_stage("stt", turn["stt_s"])
        if role == "resident":
            self._deciding_answer = (pcm, u.sample_rate)  # the last one heard decides
        rate, continues = u.sample_rate, whole.continued
        if heard_as is None:
            return Input("speech", text=text, pcm=pcm, sample_rate=rate, continues=continues)
        return Input("speech", text=text, pcm=pcm, sample_rate=rate, choice=heard_as.choice,
                     scored=heard_as.scored, unsure=heard_as.unsure, continues=continues)

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
        rc = self.condo.resident_call
        ch_id = f"{CHANNEL_PREFIX}res-{uuid.uuid4()}"
        fut: asyncio.Future[RingOutcome] = asyncio.get_running_loop().create_future()
        self._ring = (ch_id, fut)
        self._sessions.bind_channel(self.session, ch_id)
        endpoint = rc.endpoint_template.format(number=number)
        self.session.data.setdefault("dialed", []).append(endpoint)
        try:
            await self._ari.originate(
                endpoint, app=self._app_name, app_args=f"resident,{self.session.id}",
                caller_id=rc.caller_id, timeout=rc.ring_timeout_s, channel_id=ch_id,
            )
        except AriError as exc:
            log.warning("resident_originate_failed", endpoint=endpoint, error=str(exc))
            self._ring = None
            return "failed"
        log.info("resident_ringing", endpoint=endpoint, channel=ch_id)
        self.log.event(f"chamando o morador em {endpoint}")
        self._publish("resident.called", self.session.id, self.session.condominium, endpoint=endpoint,
                      channel=ch_id)
        try:
            outcome = await asyncio.wait_for(fut, rc.ring_timeout_s + 5)
        except TimeoutError:
            await self._ari.hangup(ch_id)
            outcome = "no_answer"
        finally:
            self._ring = None
        if outcome != "answered":
            return outcome
        self.session.resident_channel_id = ch_id
        try:
            await self.connect_party("resident", ch_id, answer=False)
        except (AriError, TimeoutError) as exc:
            log.warning("resident_media_failed", error=str(exc))
            await self._ari.hangup(ch_id)
            return "failed"
        return "answered"

    def on_resident_answered(self, channel_id: str) -> None:
        if self._ring is not None and self._ring[0] == channel_id and not self._ring[1].done():
            self._ring[1].set_result("answered")

    def on_channel_gone(self, channel_id: str, cause: int) -> None:
        """A channel of this call went away: a ringing resident, or the resident's answered leg."""
        if self._ring is not None and self._ring[0] == channel_id and not self._ring[1].done():
            outcome: RingOutcome = ("busy" if cause in BUSY_CAUSES
                                    else "no_answer" if cause in NO_ANSWER_CAUSES else "failed")
            log.info("resident_not_answered", cause=cause, outcome=outcome)
            self._ring[1].set_result(outcome)
        elif channel_id == self.session.resident_channel_id:
            background(self._release_resident_media(), "release_resident_media")

    async def _release_resident_media(self) -> None:
        leg = self.legs.pop("resident", None)
        self.listeners.pop("resident", None)  # its task ends with the leg and reports "closed"
        bridge = self._bridge_of.pop("resident", None)
        if leg is not None:
            leg.close("resident hung up")
            await self._ari.hangup(f"{CHANNEL_PREFIX}em-{leg.id}")
        if bridge is not None:
            await self._ari.destroy_bridge(bridge)

    async def hangup_resident(self) -> None:
        ch = self.session.resident_channel_id
        if ch is not None:
            await self._ari.hangup(ch)
            await self._release_resident_media()

    async def open_gate(self) -> bool:
        g = self.condo.gate
        try:
            if g.type == "dtmf":
                await self._ari.send_dtmf(self.session.visitor_channel_id, g.dtmf)
            elif g.type == "http" and g.url:
                async with httpx.AsyncClient(timeout=g.timeout_s) as client:
                    r = await client.post(g.url, json={"call_id": self.session.id,
                                                       "condominium": self.session.condominium,
                                                       "apartment": self.session.data.get("apartment")})
                    r.raise_for_status()
            else:
                return False
        except (AriError, httpx.HTTPError) as exc:
            log.error("gate_action_failed", type=g.type, error=str(exc))
            return False
        log.info("gate_opened", type=g.type)
        self.log.event("portão aberto")
        return True

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
            for leg_id in self._leg_ids:
                self._registry.forget(leg_id)
            for leg in self.legs.values():
                leg.close(f"call ended: {reason}")
            for role in list(self._holds):
                self._stop_hold(role)
            for listener in self.listeners.values():
                await listener.stop()
            # The flow goes before the session: once a session is gone from the
            # manager, its decision (even "visitor_left") is already on record.
            task = self.task
            if task is not None and task is not asyncio.current_task() and not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(asyncio.shield(task), 3.0)
            self._sessions.end_session(s.id, reason)
            self.log.close()
            await self._save_recordings()
            channels = list(s.channel_ids) if hang_up_parties else [
                c for c in s.channel_ids if c.startswith(CHANNEL_PREFIX)
            ]
            ops = [_retrying(self._ari.hangup, c) for c in channels] + [
                _retrying(self._ari.destroy_bridge, b) for b in s.bridge_ids]
            for r in await asyncio.gather(*ops, return_exceptions=True):
                if isinstance(r, AriError):
                    log.warning("teardown_ari_error", error=str(r))
                elif isinstance(r, BaseException) and not isinstance(r, asyncio.CancelledError):
                    log.warning("teardown_error", error=repr(r))


    async def _save_recordings(self) -> None:
        mode, root = self.condo.recording, self._recordings_dir
        if mode == "none" or root is None or self._records is None:
            return
        folder, sid = day_folder(root), self.session.id
        jobs: list[tuple[str, list[Any], int]] = []
        if mode == "decision" and self._deciding_answer is not None:
            pcm, rate = self._deciding_answer
            jobs.append((f"{sid}-decision", [np.frombuffer(pcm, dtype="<i2").astype(np.int16)], rate))
        elif mode == "call":
            # Stereo per party: left what they said, right what they heard from us.
            jobs += [(f"{sid}-{role}", leg.recorder.tracks(), leg.sample_rate)
                     for role, leg in self._all_legs.items() if leg.recorder is not None]
        try:
            paths = [str(await asyncio.to_thread(write_flac, folder, name, tracks, rate))
                     for name, tracks, rate in jobs]
        except (OSError, RuntimeError) as exc:
            log.error("recording_not_saved", error=repr(exc))
            return
        if paths:
            self._records.set_recording(sid, ",".join(paths))


async def _retrying(op: Callable[[str], Awaitable[None]], target: str, attempts: int = 3) -> None:
    """Teardown under an overloaded Asterisk: a timed-out DELETE is tried again, so
    nothing is left behind ("not found" is already swallowed by hangup/destroy_bridge)."""
    for attempt in range(1, attempts + 1):
        try:
            await op(target)
            return
        except AriUnavailable:
            if attempt == attempts:
                raise
