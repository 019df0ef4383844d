"""Per-backend concurrency, timeout and one log line per call, around any backend.

Why a wrapper and not code in each backend: every backend needs the same three
things, and the semaphore must be per backend instance (a cloud account's
concurrent-request quota), not per call.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import structlog

from app.media.stt.base import SpeechToText, SttError, SttHint, Transcript, audio_seconds

log = structlog.get_logger("portaria.stt")

# The seed's MAX_CONCURRENT_TRANSCRIPTIONS: more in flight only queues at the provider.
DEFAULT_MAX_CONCURRENCY = 3
# An answer later than this is useless to a caller waiting at the gate: better to
# ask again (or switch to the keypad) than to keep silent.
DEFAULT_TIMEOUT_S = 4.0


class LimitedStt:
    """Wraps a backend: at most `max_concurrency` calls in flight, each bounded by `timeout_s`.

    The timeout covers the wait for a slot too, because what matters is how long
    the visitor hears silence. Any failure comes out as SttError naming the backend;
    a cancelled call (the visitor hung up) stays a CancelledError.
    """

    def __init__(
        self,
        inner: SpeechToText,
        *,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be >= 1, got {max_concurrency}")
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be > 0, got {timeout_s}")
        self.inner = inner
        self.name = inner.name
        self.max_concurrency = max_concurrency
        self.timeout_s = timeout_s
        self._slots = asyncio.Semaphore(max_concurrency)

    async def transcribe(self, pcm: bytes, sample_rate: int, hint: SttHint | None = None) -> Transcript:
        t0 = time.monotonic()
        t_slot = t0
        outcome = "error"
        error = ""
        text_chars = 0
        deadline = asyncio.timeout(self.timeout_s)
        try:
            async with deadline, self._slots:
                t_slot = time.monotonic()
                result = await self.inner.transcribe(pcm, sample_rate, hint)
            outcome = "ok" if result.text else "no_speech"
            text_chars = len(result.text)
            return replace(result, latency_s=time.monotonic() - t0, backend=self.name)
        except TimeoutError as exc:
            if not deadline.expired():  # a TimeoutError of the backend's own making
                error = f"stt backend {self.name!r}: {type(exc).__name__}: {exc}"
                raise SttError(error) from exc
            outcome = "timeout"
            error = f"stt backend {self.name!r}: no transcript within {self.timeout_s:g} s"
            raise SttError(error) from None
        except SttError as exc:
            error = str(exc)
            raise
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        except ValueError:
            # Bad PCM or sample rate from our own pipeline: a bug to see, not a backend outage.
            outcome = "bad_input"
            raise
        except Exception as exc:
            error = f"stt backend {self.name!r}: unexpected {type(exc).__name__}: {exc}"
            raise SttError(error) from exc
        finally:
            now = time.monotonic()
            fields: dict[str, object] = {
                "backend": self.name,
                "outcome": outcome,
                "latency_ms": round((now - t0) * 1000),
                "queue_ms": round((t_slot - t0) * 1000),
                "audio_ms": round(audio_seconds(pcm, sample_rate) * 1000) if sample_rate > 0 else 0,
                "text_chars": text_chars,
            }
            if error:
                fields["error"] = error
            if outcome in ("ok", "no_speech", "cancelled"):
                log.info("stt.transcribe", **fields)
            else:
                log.warning("stt.transcribe", **fields)

    async def aclose(self) -> None:
        await self.inner.aclose()


class FallbackStt:
    """Try `primary`; on SttError, the same audio goes to `fallback`.

    Each side should be a LimitedStt, so the worst case is the two timeouts added:
    choose them so that sum still fits the dialog's patience.
    """

    def __init__(self, primary: SpeechToText, fallback: SpeechToText) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = f"{primary.name}+{fallback.name}"

    async def transcribe(self, pcm: bytes, sample_rate: int, hint: SttHint | None = None) -> Transcript:
        t0 = time.monotonic()
        try:
            return await self.primary.transcribe(pcm, sample_rate, hint)
        except SttError as first:
            log.warning("stt.fallback", primary=self.primary.name, fallback=self.fallback.name)
            try:
                result = await self.fallback.transcribe(pcm, sample_rate, hint)
            except SttError as second:
                raise SttError(f"{first}; then {second}") from second
            return replace(result, latency_s=time.monotonic() - t0)

    async def aclose(self) -> None:
        try:
            await self.primary.aclose()
        finally:
            await self.fallback.aclose()
