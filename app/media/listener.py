"""Listening on a leg: inbound frames → endpointer → utterances and keypad digits.

One task per leg reads the leg's inbound queue and runs the endpointer on the
clock (tick every 20 ms even when no frame arrives: Asterisk sends nothing
while the caller is silent). It tells the endpointer when our own prompt is
playing (echo safety) and stops the prompt on barge-in.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Literal

import structlog

from app.media.audiosocket import Kind
from app.media.leg import MediaLeg
from app.media.vad import Endpointer, EndpointerConfig, SpeechStarted, Utterance, UtteranceEnded

log = structlog.get_logger(__name__)

TICK = 0.02


@dataclass(frozen=True)
class Heard:
    kind: Literal["speech", "dtmf", "timeout", "closed"]
    at: float
    utterance: Utterance | None = None
    digit: str | None = None
    emitted_at: float = 0.0  # loop time the endpointer decided the utterance ended


class Listener:
    def __init__(self, leg: MediaLeg, cfg: EndpointerConfig, barge_in: bool = False) -> None:
        self.leg = leg
        self.endpointer = Endpointer(cfg, barge_in=barge_in)
        self.barge_in = barge_in
        self._out: asyncio.Queue[Heard] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._playing = False
        self.speech_started_at: float | None = None
        self.barge_ins = 0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def clear(self) -> None:
        """Forget inputs nobody asked for yet (e.g. speech before a new question)."""
        while not self._out.empty():
            self._out.get_nowait()

    async def next(self, timeout: float) -> Heard:
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(self._out.get(), timeout)
        except TimeoutError:
            if self.leg.closed.is_set():
                return Heard("closed", loop.time())
            return Heard("timeout", loop.time())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        leg = self.leg
        try:
            while not leg.closed.is_set():
                try:
                    msg = await asyncio.wait_for(leg.inbound.get(), TICK)
                except TimeoutError:
                    msg = None
                now = loop.time()
                self._sync_playing(now)
                if msg is None:
                    self._handle(self.endpointer.tick(now), now)
                elif msg.kind is Kind.DTMF:
                    self._out.put_nowait(Heard("dtmf", now, digit=msg.digit()))
                elif msg.is_audio and len(msg.payload) == leg.frame_bytes:
                    self._handle(self.endpointer.push(msg.payload, now), now)
            self._handle(self.endpointer.flush(loop.time()), loop.time())
            self._out.put_nowait(Heard("closed", loop.time()))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("listener_failed", role=leg.role)
            self._out.put_nowait(Heard("closed", loop.time()))

    def _sync_playing(self, now: float) -> None:
        playing = self.leg.playing
        if playing != self._playing:
            self._playing = playing
            self.endpointer.set_playing(playing, now)

    def _handle(self, events: list[SpeechStarted | UtteranceEnded], now: float) -> None:
        for ev in events:
            if isinstance(ev, SpeechStarted):
                self.speech_started_at = ev.t
                if ev.barge_in and self.barge_in and self.leg.playing:
                    self.barge_ins += 1
                    self.leg.stop_playback()
                    log.info("barge_in", role=self.leg.role)
            else:
                self.speech_started_at = None
                u = ev.utterance
                self._out.put_nowait(Heard("speech", u.end, utterance=u, emitted_at=now))
