"""The voice a call speaks with: the configured backend, and espeak-ng when it fails or is late.

Text is normalized for speech first (app/media/tts/normalize.py), so "SIM" and
"501" sound right in every backend and the cache holds what was really said.

A cloud voice that stalls costs its whole timeout on every phrase it is asked
for. After one failure the primary is therefore only asked for what it already
has cached, for `cooldown_s`; everything else comes from the embedded voice at
once, so a dead cloud costs one timeout per cooldown, not one per sentence.

`speak` plays a reply as segments (app/media/tts/phrasebook.py): each one is
taken from the cache or synthesized while the ones before it play, and a
segment that is not ready `deadline_s` after the caller would start waiting for
it is said by the fallback voice instead (the primary keeps working on it, for
the cache). Nobody waits longer than the deadline for a voice.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

from app.media.tts.base import TtsError
from app.media.tts.cache import CachedTts
from app.media.tts.normalize import NumberStyle, speech_text
from app.media.tts.phrasebook import Phrasebook
from app.metrics import BACKEND_ERRORS, TTS_DEADLINE_MISSES, observe_stage

if TYPE_CHECKING:
    from app.media.leg import MediaLeg, Playback

log = structlog.get_logger(__name__)


@dataclass
class Health:
    """When the primary may be asked again; shared by the voices that use one primary."""

    down_until: float = 0.0


class Voice:
    def __init__(
        self,
        primary: CachedTts,
        fallback: CachedTts | None = None,
        cooldown_s: float = 30.0,
        *,
        deadline_s: float | None = None,
        numbers: NumberStyle = "cardinal",
        phrasebook: Phrasebook | None = None,
        health: Health | None = None,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.cooldown_s = cooldown_s
        self.deadline_s = deadline_s  # None: wait for the primary (no faster voice to turn to)
        self.numbers: NumberStyle = numbers
        self.phrasebook = phrasebook or Phrasebook({})
        self.health = health or Health()
        # Per-condominium voices (own voice, speed, numbers, phrases), same fallback.
        self.condominiums: dict[str, Voice] = {}
        self.deadline_misses = 0
        self.waits: deque[float] = deque(
            maxlen=1000
        )  # seconds a caller waited per segment (benches)

    def for_condominium(self, key: str) -> Voice:
        return self.condominiums.get(key, self)

    @property
    def primary_down(self) -> bool:
        return time.monotonic() < self.health.down_until

    def primary_failed(self, error: str) -> None:
        """Start the cooldown now (e.g. the start-up prewarm found the cloud down)."""
        self.health.down_until = time.monotonic() + self.cooldown_s
        log.warning(
            "tts_primary_down", backend=self.primary.name, error=error, cooldown_s=self.cooldown_s
        )

    def spoken(self, text: str) -> str:
        return speech_text(text, self.numbers)

    def cached(self, text: str, sample_rate: int) -> bytes | None:
        return self.primary.cached(self.spoken(text), sample_rate)

    async def synthesize(self, text: str, sample_rate: int) -> bytes:
        text = self.spoken(text)
        if self.fallback is not None and self.primary_down:
            cached = self.primary.cached(text, sample_rate)
            return (
                cached if cached is not None else await self.fallback.synthesize(text, sample_rate)
            )
        try:
            return await self.primary.synthesize(text, sample_rate)
        except TtsError as exc:
            BACKEND_ERRORS.labels(backend="tts", kind="error").inc()
            if self.fallback is None:
                raise
            self.primary_failed(str(exc))
            return await self.fallback.synthesize(text, sample_rate)

    def _job(self, text: str, rate: int) -> asyncio.Future[bytes]:
        pcm = self.cached(text, rate)
        if pcm is None:
            return asyncio.ensure_future(self.synthesize(text, rate))
        done: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        done.set_result(pcm)
        return done

    async def _in_time(
        self, job: asyncio.Future[bytes], text: str, rate: int, wait_s: float
    ) -> bytes:
        """The primary's audio if it comes within `wait_s`, else the fallback's."""
        if job.done() or self.fallback is None or self.deadline_s is None:
            return await job
        # espeak-ng's take is made now (~20 ms), so that at the deadline it is ready:
        # the caller never waits the deadline *and* a synthesis.
        spare = asyncio.ensure_future(self.fallback.synthesize(self.spoken(text), rate))
        try:
            return await asyncio.wait_for(asyncio.shield(job), wait_s)
        except TimeoutError:
            self.deadline_misses += 1
            TTS_DEADLINE_MISSES.inc()
            log.info("tts_deadline_missed", text=text[:40], waited_s=round(wait_s, 3))
            return await spare
        finally:
            if not spare.done():
                spare.add_done_callback(_consume)

    async def speak(
        self, leg: MediaLeg, text: str, on_ready: Callable[[], None] | None = None
    ) -> tuple[bool, float | None]:
        """Play `text` on `leg`, segment by segment.

        Returns (played to the end, when its first frame went out)."""
        rate = leg.sample_rate
        segments = self.phrasebook.segments(text)
        # All at once: cached ones are ready now, the rest queue on the engine in order.
        jobs = [self._job(s.text, rate) for s in segments]
        bytes_per_s = 2 * rate
        playbacks: list[Playback] = []
        ends_at = time.monotonic()  # when what is queued so far will have played
        try:
            for seg, job in zip(segments, jobs, strict=True):
                due = ends_at  # the caller starts waiting for this segment then
                wait = max(0.0, due - time.monotonic()) + (self.deadline_s or 0.0)
                pcm = await self._in_time(job, seg.text, rate, wait)
                waited = max(0.0, time.monotonic() - due)
                self.waits.append(waited)
                observe_stage("tts_wait", waited)
                if playbacks and playbacks[-1].done.done() and not playbacks[-1].done.result():
                    return False, playbacks[0].first_frame_at  # barge-in or hang-up: say no more
                if not playbacks and on_ready is not None:
                    on_ready()
                pcm = b"\x00\x00" * (rate * seg.pause_ms // 1000) + pcm
                ends_at = max(ends_at, time.monotonic()) + len(pcm) / bytes_per_s
                playbacks.append(leg.play(pcm, label=seg.text[:40]))
        finally:
            for job in jobs:
                if not job.done():
                    # Left to finish into the cache; its outcome is not this reply's.
                    job.add_done_callback(_consume)
        done = all([await pb.done for pb in playbacks])
        return done, playbacks[0].first_frame_at if playbacks else None


def _consume(job: asyncio.Future[bytes]) -> None:
    if not job.cancelled():
        job.exception()
