"""Listening on a leg: inbound frames → endpointer → utterances and keypad digits.

The listener runs inside the leg's callbacks: each inbound frame goes straight
to the endpointer, and the shared 20 ms pacer ticks it (Asterisk sends nothing
while the caller is silent, so end of speech must come from a clock). No task
or timer per frame: that is what lets one process carry a hundred calls. It
tells the endpointer when our own prompt is playing (echo safety) and stops the
prompt on barge-in.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import structlog

from app.media.audiosocket import Kind, Message
from app.media.endpointing import EndpointerConfig
from app.media.leg import MediaLeg
from app.media.vad import (
    Endpointer,
    Event,
    SpeechPaused,
    SpeechResumed,
    SpeechStarted,
    Utterance,
)

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Heard:
    kind: Literal["speech", "dtmf", "timeout", "closed"]
    at: float
    utterance: Utterance | None = None
    digit: str | None = None
    emitted_at: float = 0.0  # monotonic time the endpointer decided the utterance ended


class Listener:
    def __init__(self, leg: MediaLeg, cfg: EndpointerConfig, barge_in: bool = False) -> None:
        self.leg = leg
        self.endpointer = Endpointer(cfg, barge_in=barge_in)
        self.barge_in = barge_in
        self._out: asyncio.Queue[Heard] = asyncio.Queue()
        self._playing = False
        self._closed_sent = False
        self._watch: asyncio.Task[None] | None = None
        self.speech_started_at: float | None = None
        self.speaking = asyncio.Event()  # set while the caller is in an utterance
        self.barge_ins = 0
        self._back: list[Heard] = []
        # Speculative recognition (app/turns.py): the caller paused (the utterance as it
        # would end now), or went on talking after that pause.
        self.on_pause: Callable[[Utterance], None] | None = None
        self.on_resume: Callable[[], None] | None = None

    def start(self) -> None:
        # Frames that arrived before the listener existed wait in the leg's queue.
        while not self.leg.inbound.empty():
            self._on_message(self.leg.inbound.get_nowait(), time.monotonic())
        self.leg.on_message = self._on_message
        self.leg.on_tick = self._on_tick
        self._watch = asyncio.get_running_loop().create_task(self._watch_close())

    async def stop(self) -> None:
        self.leg.on_message = None
        self.leg.on_tick = None
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None

    def clear(self) -> None:
        """Forget inputs nobody asked for yet (e.g. speech before a new question)."""
        while not self._out.empty():
            self._out.get_nowait()

    def push_back(self, heard: Heard) -> None:
        """Return an input taken too early (a key pressed while waiting for more speech)."""
        self._back.append(heard)

    async def next(self, timeout: float) -> Heard:
        if self._back:
            return self._back.pop(0)
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(self._out.get(), timeout)
        except TimeoutError:
            return Heard("closed" if self.leg.closed.is_set() else "timeout", loop.time())

    async def _watch_close(self) -> None:
        await self.leg.wait_closed()
        now = time.monotonic()
        self._safe(lambda: self._handle(self.endpointer.flush(now), now))
        self._out.put_nowait(Heard("closed", now))

    def _on_message(self, msg: Message, now: float) -> None:
        if msg.kind is Kind.DTMF:
            self._out.put_nowait(Heard("dtmf", now, digit=msg.digit()))
        elif msg.is_audio and len(msg.payload) == self.leg.frame_bytes:
            self._sync_playing(now)
            self._safe(lambda: self._handle(self.endpointer.push(msg.payload, now), now))

    def _on_tick(self, now: float) -> None:
        self._sync_playing(now)
        self._safe(lambda: self._handle(self.endpointer.tick(now), now))

    def _safe(self, step: Callable[[], None]) -> None:
        try:
            step()
        except Exception:
            log.exception("listener_failed", role=self.leg.role)
            self.leg.on_message = None
            self.leg.on_tick = None
            self._out.put_nowait(Heard("closed", 0.0))

    def _sync_playing(self, now: float) -> None:
        playing = self.leg.playing
        if playing != self._playing:
            self._playing = playing
            self.endpointer.set_playing(playing, now)

    def _handle(self, events: list[Event], now: float) -> None:
        for ev in events:
            if isinstance(ev, SpeechPaused):
                if self.on_pause is not None:
                    self.on_pause(ev.utterance)
            elif isinstance(ev, SpeechResumed):
                if self.on_resume is not None:
                    self.on_resume()
            elif isinstance(ev, SpeechStarted):
                self.speech_started_at = ev.t
                self.speaking.set()
                if ev.barge_in and self.barge_in and self.leg.playing:
                    self.barge_ins += 1
                    self.leg.stop_playback()
                    log.info("barge_in", role=self.leg.role)
            else:  # UtteranceEnded: a pause's guess stays for the turn to claim
                self.speech_started_at = None
                self.speaking.clear()
                u = ev.utterance
                self._out.put_nowait(Heard("speech", u.end, utterance=u, emitted_at=now))
