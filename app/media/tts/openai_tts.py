"""Text-to-speech over the OpenAI `/v1/audio/speech` API (official `openai` SDK).

The same wire format is served by compatible servers (LocalAI, openedai-speech,
Kokoro-FastAPI...), hence a configurable base_url. We ask for "pcm" (OpenAI's
docs: raw 24 kHz signed 16-bit little-endian mono, no header) so there is no
decoder to run; "wav" is for compatible servers whose raw PCM is another rate.
"""

from __future__ import annotations

import hashlib
from typing import Literal

import openai
import structlog

from app.media.pcm import resample, trim_silence, wav_to_pcm
from app.media.tts.base import TtsError
from app.media.tts.settings import (
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_TIMEOUT_S,
    OPENAI_MODEL,
    OPENAI_VOICE,
    TtsConfigError,
)
from app.vendors import openai_api
from app.vendors.limits import CallLimits, Expired
from app.vendors.openai_api import API_KEY_ENV, DEFAULT_BASE_URL

log = structlog.get_logger("portaria.tts")

PCM_RATE = 24000  # OpenAI's "pcm" response format
MAX_INPUT_CHARS = 4096  # the API's limit on `input`


class OpenAITts:
    """One POST per phrase; at most `max_concurrency` in flight, each within `timeout_s`."""

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
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
        key = openai_api.api_key(
            "tts", name, base_url, api_key, api_key_env, require_api_key, TtsConfigError
        )
        self._limits = CallLimits(timeout_s, max_concurrency, error=TtsConfigError)
        self.name = name
        self.base_url = base_url
        self.model, self.voice, self.speed = model, voice, speed
        self.response_format: Literal["pcm", "wav"] = response_format
        self.instructions = instructions
        self.timeout_s = timeout_s
        self._client = openai_api.client(base_url, key, timeout_s)

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
            raise TtsError(
                f"{where}: text of {len(text)} characters is over the API's {MAX_INPUT_CHARS}"
            )
        try:
            async with self._limits.call():
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
        except Expired:
            raise self._fail(where, f"no audio within {self.timeout_s:g} s") from None
        except Exception as exc:
            failed = openai_api.failure(exc)
            if failed is None:
                raise
            raise self._fail(where, failed.text) from exc
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
                pcm, rate = wav_to_pcm(data)
            except ValueError as exc:
                raise self._fail(where, f"bad WAV: {exc}") from exc
        else:
            pcm, rate = data[: len(data) & ~1], PCM_RATE
        if not pcm:
            raise self._fail(where, "the server returned no audio")
        return trim_silence(resample(pcm, rate, sample_rate), sample_rate)

    async def aclose(self) -> None:
        await self._client.close()
