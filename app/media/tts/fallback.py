"""The voice a call speaks with: the configured backend, and espeak-ng when it fails.

A cloud voice that stalls costs its whole timeout on every phrase it is asked
for. After one failure the primary is therefore only asked for what it already
has cached, for `cooldown_s`; everything else comes from the embedded voice at
once, so a dead cloud costs one timeout per cooldown, not one per sentence.
"""

from __future__ import annotations

import time

import structlog

from app.media.tts.base import TtsError
from app.media.tts.cache import CachedTts
from app.metrics import BACKEND_ERRORS

log = structlog.get_logger(__name__)


class Voice:
    def __init__(self, primary: CachedTts, fallback: CachedTts | None = None, cooldown_s: float = 30.0) -> None:
        self.primary = primary
        self.fallback = fallback
        self.cooldown_s = cooldown_s
        self._primary_down_until = 0.0

    @property
    def primary_down(self) -> bool:
        return time.monotonic() < self._primary_down_until

    def primary_failed(self, error: str) -> None:
        """Start the cooldown now (e.g. the start-up prewarm found the cloud down)."""
        self._primary_down_until = time.monotonic() + self.cooldown_s
        log.warning("tts_primary_down", backend=self.primary.name, error=error, cooldown_s=self.cooldown_s)

    async def synthesize(self, text: str, sample_rate: int) -> bytes:
        if self.fallback is not None and self.primary_down:
            cached = self.primary.cached(text, sample_rate)
            return cached if cached is not None else await self.fallback.synthesize(text, sample_rate)
        try:
            return await self.primary.synthesize(text, sample_rate)
        except TtsError as exc:
            BACKEND_ERRORS.labels(backend="tts", kind="error").inc()
            if self.fallback is None:
                raise
            self.primary_failed(str(exc))
            return await self.fallback.synthesize(text, sample_rate)
