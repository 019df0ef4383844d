"""Speech-to-text over the OpenAI `/v1/audio/transcriptions` API.

The same wire format is spoken by OpenAI (whisper-1, gpt-4o-transcribe), Groq
(whisper-large-v3), and self-hosted servers (faster-whisper-server, speaches,
LocalAI), so one backend with a configurable base_url covers all of them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import Any

import openai
from openai import AsyncOpenAI
from openai.types.audio import Transcription

from app.media.openai_endpoint import resolve_endpoint
from app.media.stt.base import (
    AUDIOSOCKET_RATES,
    HALLUCINATIONS,
    SttConfigError,
    SttError,
    SttHint,
    Transcript,
    audio_seconds,
    check_pcm,
    pcm_to_wav,
)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "whisper-1"  # Groq: "whisper-large-v3"
API_KEY_ENV = "AI_API_KEY"
# OpenAI answers 400 "audio_too_short" below 0.1 s; such a blip holds no words anyway.
MIN_AUDIO_S = 0.1
# Whisper reads at most 224 prompt tokens; ~600 characters of Portuguese names stay under.
MAX_PROMPT_CHARS = 600

def directory_prompt(names: Iterable[str], numbers: Iterable[str] = (), max_chars: int = MAX_PROMPT_CHARS) -> str:
    """A Whisper prompt listing residents' names and apartment numbers, so rare surnames
    come back spelled right and numbers come back as the building writes them ("501").

    Names, then numbers, are added in the given order until `max_chars`: put the
    likeliest first (a turn after the apartment is known lists its residents first).
    Numbers get a fixed share of the room so a long directory still teaches the format.
    """
    head = "Portaria do condomínio. Moradores:"
    tail = ""
    numbers = [n for n in (" ".join(n.split()) for n in numbers) if n]
    if numbers:
        tail = " Apartamentos"
        for number in numbers:
            piece = f" {number},"
            if len(tail) + len(piece) > max_chars // 4:
                break
            tail += piece
        tail = tail.rstrip(",") + "."
    out = head
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        piece = f" {name},"
        if len(out) + len(piece) + len(tail) > max_chars:
            break
        out += piece
    return out.rstrip(",") + "." + tail


def _error_text(exc: openai.APIStatusError) -> str:
    """The service's own error message (OpenAI's {"error": {"message": ...}}), kept short."""
    body: Any = exc.body
    message = None
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            message = inner.get("message")
    text = str(message) if message else exc.message
    return text[:300]


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
        key = resolve_endpoint("stt", name, base_url, api_key, api_key_env, require_api_key, SttConfigError)
        self.name = name
        self.base_url = base_url
        self.model = model
        self.language = language
        # Mutable on purpose: the app refreshes it when the directory reloads.
        self.prompt = prompt
        self.timeout_s = timeout_s
        # max_retries=0: a retry with back-off would blow the caller's patience and hide
        # 429s; whether to try again (or ask the visitor again) is the dialog's call.
        self._client = AsyncOpenAI(
            base_url=base_url, api_key=key, timeout=timeout_s, max_retries=0
        )

    async def transcribe(self, pcm: bytes, sample_rate: int, hint: SttHint | None = None) -> Transcript:
        check_pcm(pcm, sample_rate, AUDIOSOCKET_RATES)
        if audio_seconds(pcm, sample_rate) < MIN_AUDIO_S:
            return Transcript(text="", latency_s=0.0, backend=self.name)
        t0 = time.monotonic()
        # The turn's prompt (the building's names) before the configured fixed one;
        # choices cannot be scored over this API, so the text is free.
        prompt = (hint.prompt if hint and hint.prompt else self.prompt or "")[:MAX_PROMPT_CHARS]
        where = f"stt backend {self.name!r} ({self.base_url}, model {self.model})"
        # The SDK's timeout is per HTTP phase (connect, each read): a server that
        # trickles its answer a byte at a time never trips it. This deadline bounds
        # the whole call, as `timeout_s` promises.
        deadline = asyncio.timeout(self.timeout_s)
        try:
            async with deadline:
                result = await self._client.audio.transcriptions.create(
                    model=self.model,
                    file=("utterance.wav", pcm_to_wav(pcm, sample_rate), "audio/wav"),
                    language=self.language,
                    response_format="json",
                    prompt=prompt if prompt else openai.omit,
                )
        except TimeoutError:
            if not deadline.expired():
                raise SttError(f"{where}: TimeoutError") from None
            raise SttError(f"{where}: no transcript within {self.timeout_s:g} s") from None
        except openai.APIStatusError as exc:
            raise SttError(f"{where}: HTTP {exc.status_code}: {_error_text(exc)}") from exc
        except openai.APITimeoutError as exc:
            raise SttError(f"{where}: request timed out") from exc
        except openai.APIConnectionError as exc:
            cause = exc.__cause__ or exc
            raise SttError(f"{where}: cannot connect: {cause}") from exc
        except openai.OpenAIError as exc:
            raise SttError(f"{where}: {type(exc).__name__}: {exc}") from exc
        if not isinstance(result, Transcription):
            raise SttError(f"{where}: unexpected response type {type(result).__name__}")
        text = " ".join(result.text.split())
        if HALLUCINATIONS.search(text):
            text = ""
        # LimitedStt replaces latency_s with the caller's wait, queueing included.
        return Transcript(text=text, latency_s=time.monotonic() - t0, backend=self.name)

    async def aclose(self) -> None:
        await self._client.close()
