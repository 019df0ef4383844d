"""Text-to-speech over the OpenAI `/v1/audio/speech` API (official `openai` SDK).

The same wire format is served by compatible servers (LocalAI, openedai-speech,
Kokoro-FastAPI...), hence a configurable base_url. We ask for "pcm" (OpenAI's
docs: raw 24 kHz signed 16-bit little-endian mono, no header) so there is no
decoder to run; "wav" is for compatible servers whose raw PCM is another rate.
"""

from __future__ import annotations

import asyncio
import hashlib
import struct
from typing import Any, Literal

import numpy as np
import openai
import structlog
from openai import AsyncOpenAI

from app.media.openai_endpoint import resolve_endpoint
from app.media.tts.base import TtsError
from app.media.tts.resample import resample, trim_silence
from app.media.tts.settings import (
    API_KEY_ENV,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_TIMEOUT_S,
    OPENAI_BASE_URL,
    OPENAI_MODEL,
    OPENAI_VOICE,
    TtsConfigError,
)

log = structlog.get_logger("portaria.tts")

PCM_RATE = 24000  # OpenAI's "pcm" response format
MAX_INPUT_CHARS = 4096  # the API's limit on `input`


def _error_text(exc: openai.APIStatusError) -> str:
    """The service's own message (OpenAI's {"error": {"message": ...}}), kept short."""
    body: Any = exc.body
    message = None
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            message = inner.get("message")
    return (str(message) if message else exc.message)[:300]


def wav_pcm(data: bytes) -> tuple[bytes, int]:
    """(mono s16le PCM, rate) of a 16-bit PCM WAV, tolerant of streamed headers.

    A WAV written while streaming cannot know its length: servers put 0 or
    0xFFFFFFFF in the size fields, which `wave` would take literally (0 frames).
    Here a data size that is 0 or runs past the end means "to the end".
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a RIFF/WAVE file")
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        body = pos + 8
        if cid == b"fmt ":
            fmt = struct.unpack_from("<HHIIHH", data, body)
        elif cid == b"data":
            if fmt is None:
                raise ValueError("WAV data chunk before its fmt chunk")
            tag, channels, rate, _, _, bits = fmt
            if tag not in (1, 0xFFFE) or bits != 16 or channels < 1:
                raise ValueError(f"expected 16-bit PCM WAV, got format {tag}, {bits}-bit")
            end = body + size if 0 < size <= len(data) - body else len(data)
            frames = data[body:end]
            frames = frames[: len(frames) - len(frames) % (2 * channels)]
            if channels > 1:
                x = np.frombuffer(frames, dtype="<i2").reshape(-1, channels).mean(axis=1)
                frames = x.astype("<i2").tobytes()
            return frames, rate
        pos = body + size + (size & 1)  # chunks are word-aligned
    raise ValueError("WAV has no data chunk")


class OpenAITts:
    """One POST per phrase; at most `max_concurrency` in flight, each within `timeout_s`."""

    def __init__(
        self,
        *,
        base_url: str = OPENAI_BASE_URL,
        model: str = OPENAI_MODEL,
        voice: str = OPENAI_VOICE,
        speed: float = 1.0,
        response_format: Literal["pcm", "wav"] = "pcm",
        instructions: str | None = None,
        api_key: str | None = None,
        api_key_env: str = API_KEY_ENV,
        require_api_key: bool = True,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        name: str = "openai",
    ) -> None:
        key = resolve_endpoint("tts", name, base_url, api_key, api_key_env, require_api_key, TtsConfigError)
        if timeout_s <= 0 or max_concurrency < 1:
            raise TtsConfigError(f"tts: timeout_s={timeout_s} and max_concurrency={max_concurrency} "
                                 "must be positive")
        self.name = name
        self.base_url = base_url
        self.model, self.voice, self.speed = model, voice, speed
        self.response_format: Literal["pcm", "wav"] = response_format
        self.instructions = instructions
        self.timeout_s = timeout_s
        self._slots = asyncio.Semaphore(max_concurrency)
        # max_retries=0: a retry with back-off would leave the caller in silence and
        # hide 429s; what to do instead (espeak, say it later) is the caller's call.
        self._client = AsyncOpenAI(base_url=base_url, api_key=key, timeout=timeout_s,
                                   max_retries=0)

    @property
    def voice_key(self) -> str:
        # The server and the instructions shape the audio too; the format does not.
        extra = hashlib.sha256(f"{self.base_url}|{self.instructions}".encode()).hexdigest()[:12]
        return f"openai:{self.model}:{self.voice}:x{self.speed:g}:{extra}"

    async def synthesize(self, text: str, sample_rate: int) -> bytes:
        if sample_rate <= 0:
            raise ValueError(f"sample rate must be positive, got {sample_rate}")
        if not text.strip():
            return b""
        where = f"tts backend {self.name!r} ({self.base_url}, model {self.model})"
        if len(text) > MAX_INPUT_CHARS:
            raise TtsError(f"{where}: text of {len(text)} characters is over the API's "
                           f"{MAX_INPUT_CHARS}")
        # httpx's timeout is per phase (connect, each read); this one bounds the
        # whole call, slot wait included: what the caller hears is total silence.
        deadline = asyncio.timeout(self.timeout_s)
        try:
            async with deadline, self._slots:
                resp = await self._client.audio.speech.create(
                    model=self.model,
                    voice=self.voice,
                    input=text,
                    response_format=self.response_format,
                    speed=self.speed,
                    instructions=self.instructions if self.instructions else openai.omit,
                )
                data = await resp.aread()
                ctype = resp.response.headers.get("content-type", "")
        except TimeoutError:
            if not deadline.expired():
                raise TtsError(f"{where}: TimeoutError") from None
            error = f"no audio within {self.timeout_s:g} s"
            log.warning("tts.error", backend=self.name, error=error)
            raise TtsError(f"{where}: {error}") from None
        except openai.APIStatusError as exc:
            raise self._fail(where, f"HTTP {exc.status_code}: {_error_text(exc)}") from exc
        except openai.APITimeoutError as exc:
            raise self._fail(where, "request timed out") from exc
        except openai.APIConnectionError as exc:
            raise self._fail(where, f"cannot connect: {exc.__cause__ or exc}") from exc
        except openai.OpenAIError as exc:
            raise self._fail(where, f"{type(exc).__name__}: {exc}") from exc
        return self._decode(where, data, ctype, sample_rate)

    def _fail(self, where: str, error: str) -> TtsError:
        log.warning("tts.error", backend=self.name, error=error)
        return TtsError(f"{where}: {error}")

    def _decode(self, where: str, data: bytes, ctype: str, sample_rate: int) -> bytes:
        # A proxy or a misconfigured server can answer 200 with JSON or HTML:
        # played as PCM that would be loud noise, so it is an error instead.
        if ctype.startswith(("application/json", "text/")):
            raise self._fail(where, f"expected audio, got {ctype}: {data[:200]!r}")
        if self.response_format == "wav":
            try:
                pcm, rate = wav_pcm(data)
            except (ValueError, struct.error) as exc:
                raise self._fail(where, f"bad WAV: {exc}") from exc
        else:
            pcm, rate = data[: len(data) & ~1], PCM_RATE
        if not pcm:
            raise self._fail(where, "the server returned no audio")
        return trim_silence(resample(pcm, rate, sample_rate), sample_rate)

    async def aclose(self) -> None:
        await self._client.close()
