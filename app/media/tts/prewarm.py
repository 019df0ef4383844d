"""Fill the voice caches before callers need them.

`run` synthesizes the urgent phrases (each condominium's greeting) and returns
once they are cached, so the first call is never answered by a cold voice;
everything else is synthesized afterwards by one background task, one phrase at
a time on the engine's low-priority thread. A reload starts a new pass (the
disk cache makes unchanged phrases instant) and cancels the old one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import structlog

from app.media.tts.base import TtsError
from app.media.tts.fallback import Voice

log = structlog.get_logger(__name__)

Job = tuple[Voice, Sequence[str]]


class Prewarmer:
    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self.done = asyncio.Event()
        self.synthesized = 0

    async def run(self, jobs: Sequence[Job], sample_rate: int, urgent: int = 1) -> None:
        """The first `urgent` texts of every job now, the rest in the background."""
        self.cancel()
        self.done = asyncio.Event()
        await asyncio.gather(*(_warm(v, texts[:urgent], sample_rate) for v, texts in jobs))
        rest = [(v, texts[urgent:]) for v, texts in jobs]
        self._task = asyncio.get_running_loop().create_task(
            self._background(rest, sample_rate), name="tts-prewarm"
        )

    async def _background(self, jobs: Sequence[Job], sample_rate: int) -> None:
        t0, n = time.monotonic(), 0
        try:
            for voice, texts in jobs:
                n += await _warm(voice, texts, sample_rate)
        finally:
            self.synthesized = n
            self.done.set()
            log.info("tts_prewarm_done", phrases=n, seconds=round(time.monotonic() - t0, 1))

    def cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def _warm(voice: Voice, texts: Sequence[str], sample_rate: int) -> int:
    """Synthesize `texts` one after another; a failing voice is put in its cooldown
    and the fallback voice gets them instead, so a cloud outage never keeps the
    gate from answering."""
    n = 0
    for text in texts:
        if voice.cached(text, sample_rate) is not None:
            continue
        try:
            if voice.primary_down and voice.fallback is not None:
                await voice.fallback.synthesize(voice.spoken(text), sample_rate)
            else:
                await voice.primary.synthesize(voice.spoken(text), sample_rate)
                n += 1
        except TtsError as exc:
            log.warning("tts_prewarm_failed", text=text[:40], error=str(exc))
            voice.primary_failed(str(exc))
    return n
