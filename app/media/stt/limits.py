"""Per-backend concurrency, timeout and one log line per call, around any recognizer.

Why a wrapper and not code in each backend: every backend needs the same three
things (the bounds themselves are app/vendors/limits.py's CallLimits, shared with
the voices and the LLM), and the log line must count the queueing too.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import structlog

from app.media.pcm import audio_seconds
from app.media.stt.base import SpeechToText, SttError, SttHint, Transcript
from app.media.stt.settings import DEFAULT_MAX_CONCURRENCY, DEFAULT_TIMEOUT_S
from app.vendors.limits import Admission, CallLimits, Expired

log = structlog.get_logger("portaria.stt")


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
        self._limits = CallLimits(timeout_s, max_concurrency)
        self.inner = inner
        self.name = inner.name
        self.max_concurrency = max_concurrency
        self.timeout_s = timeout_s

    async def transcribe(
        self, pcm: bytes, sample_rate: int, hint: SttHint | None = None
    ) -> Transcript:
        t0 = time.monotonic()
        admission = Admission(asked=t0)
        outcome = "error"
        error = ""
        text_chars = 0
        try:
            async with self._limits.call() as admission:
                result = await self.inner.transcribe(pcm, sample_rate, hint)
            outcome = "ok" if result.text else "no_speech"
            text_chars = len(result.text)
            return replace(result, latency_s=time.monotonic() - t0, backend=self.name)
        except Expired:
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
            # A TimeoutError here is the backend's own (a socket's), not our deadline.
            unexpected = "" if isinstance(exc, TimeoutError) else "unexpected "
            error = f"stt backend {self.name!r}: {unexpected}{type(exc).__name__}: {exc}"
            raise SttError(error) from exc
        finally:
            now = time.monotonic()
            fields: dict[str, object] = {
                "backend": self.name,
                "outcome": outcome,
                "latency_ms": round((now - t0) * 1000),
                "queue_ms": round(admission.queued_s * 1000),
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
