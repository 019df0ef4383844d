"""Speech-to-text over the OpenAI `/v1/audio/transcriptions` API.

The same wire format is spoken by OpenAI (whisper-1, gpt-4o-transcribe), Groq
(whisper-large-v3), and self-hosted servers (faster-whisper-server, speaches,
LocalAI), so one backend with a configurable base_url covers all of them.
"""

from __future__ import annotations

import time

import openai
from openai.types.audio import Transcription

from app.media.pcm import AUDIOSOCKET_RATES, audio_seconds, check_pcm, pcm_to_wav
from app.media.stt.base import HALLUCINATIONS, SttConfigError, SttError, SttHint, Transcript
from app.media.stt.prompt import MAX_PROMPT_CHARS
from app.media.stt.settings import DEFAULT_MODEL
from app.vendors import openai_api
from app.vendors.limits import CallLimits, Expired
from app.vendors.openai_api import API_KEY_ENV, DEFAULT_BASE_URL

# OpenAI answers 400 "audio_too_short" below 0.1 s; such a blip holds no words anyway.
MIN_AUDIO_S = 0.1


class OpenAICompatStt:
    """One POST per utterance: the PCM wrapped as WAV, language "pt", JSON reply."""

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        model: str = DEFAULT_MODEL,
        api_key: str | None = None,
        api_key_env: str = API_KEY_ENV,
        require_api_key: bool = True,
        language: str = "pt",
        prompt: str | None = None,
        timeout_s: float = 4.0,
        name: str = "openai",
    ) -> None:
        key = openai_api.api_key(
            "stt", name, base_url, api_key, api_key_env, require_api_key, SttConfigError
        )
        self.name = name
        self.base_url = base_url
        self.model = model
        self.language = language
        # Mutable on purpose: the app refreshes it when the directory reloads.
        self.prompt = prompt
        self.timeout_s = timeout_s
        # Concurrency is LimitedStt's (around this backend); the deadline is the whole call's.
        self._limits = CallLimits(timeout_s, error=SttConfigError)
        self._client = openai_api.client(base_url, key, timeout_s)

    async def transcribe(
        self, pcm: bytes, sample_rate: int, hint: SttHint | None = None
    ) -> Transcript:
        check_pcm(pcm, sample_rate, AUDIOSOCKET_RATES)
        if audio_seconds(pcm, sample_rate) < MIN_AUDIO_S:
            return Transcript(text="", latency_s=0.0, backend=self.name)
        t0 = time.monotonic()
        # The turn's prompt (the building's names) before the configured fixed one;
        # choices cannot be scored over this API, so the text is free.
        prompt = (hint.prompt if hint and hint.prompt else self.prompt or "")[:MAX_PROMPT_CHARS]
        where = f"stt backend {self.name!r} ({self.base_url}, model {self.model})"
        try:
            async with self._limits.call():
                result = await self._client.audio.transcriptions.create(
                    model=self.model,
                    file=("utterance.wav", pcm_to_wav(pcm, sample_rate), "audio/wav"),
                    language=self.language,
                    response_format="json",
                    prompt=prompt if prompt else openai.omit,
                )
        except Expired:
            raise SttError(f"{where}: no transcript within {self.timeout_s:g} s") from None
        except Exception as exc:
            failed = openai_api.failure(exc)
            if failed is None:
                raise
            raise SttError(f"{where}: {failed.text}") from exc
        if not isinstance(result, Transcription):
            raise SttError(f"{where}: unexpected response type {type(result).__name__}")
        text = " ".join(result.text.split())
        if HALLUCINATIONS.search(text):
            text = ""
        # LimitedStt replaces latency_s with the caller's wait, queueing included.
        return Transcript(text=text, latency_s=time.monotonic() - t0, backend=self.name)

    async def aclose(self) -> None:
        await self._client.close()
