"""One clock for every outbound leg: a 20 ms frame to each leg every 20 ms.

Asterisk does not pace what it receives on an AudioSocket (DESIGN.md), so the
app is the clock. A single shared ticker on absolute deadlines costs one
wake-up per 20 ms however many calls are up, instead of one per leg, and never
drifts: each deadline is start + k*20 ms. When the loop was late by more than a
frame the schedule resets to now instead of bursting to catch up (a burst is
heard as a click and Asterisk would buffer or drop it).
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Protocol

import structlog

from app.metrics import PACING_JITTER

log = structlog.get_logger(__name__)

FRAME_SECONDS = 0.020


class FrameSource(Protocol):
    def send_frame(self) -> None:
        """Write exactly one 20 ms frame (audio or silence) to the wire."""


class Pacer:
    def __init__(self, frame_seconds: float = FRAME_SECONDS, keep_intervals: int = 50_000) -> None:
        self.frame_seconds = frame_seconds
        self._legs: set[FrameSource] = set()
        self._handle: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._next = 0.0
        self._last_tick: float | None = None
        # Tick-to-tick intervals, for the pacing benchmark and /metrics.
        self.intervals: deque[float] = deque(maxlen=keep_intervals)
        self.resets = 0

    def add(self, leg: FrameSource) -> None:
        self._legs.add(leg)
        if self._handle is None:
            self._start()

    def discard(self, leg: FrameSource) -> None:
        self._legs.discard(leg)
        if not self._legs and self._handle is not None:
            self._handle.cancel()
            self._handle = None
            self._last_tick = None

    @property
    def legs(self) -> int:
        return len(self._legs)

    def _start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._next = self._loop.time()
        self._tick()

    def _tick(self) -> None:
        loop = self._loop
        assert loop is not None
        now = loop.time()
        PACING_JITTER.observe(abs(now - self._next))  # this tick against its deadline
        if self._last_tick is not None:
            self.intervals.append(now - self._last_tick)
        self._last_tick = now
        for leg in tuple(self._legs):
            try:
                leg.send_frame()
            except Exception:
                log.exception("pacer_leg_failed")
                self._legs.discard(leg)
        self._next += self.frame_seconds
        if now - self._next > self.frame_seconds:
            self.resets += 1
            self._next = now + self.frame_seconds
        self._handle = loop.call_at(self._next, self._tick) if self._legs else None
        if self._handle is None:
            self._last_tick = None
