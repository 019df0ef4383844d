"""The text-to-speech interface every backend implements."""

from __future__ import annotations

from typing import Protocol

from app.errors import BackendError


class TtsError(BackendError):
    """Synthesis failed; the message names the backend and the reason."""


class TextToSpeech(Protocol):
    name: str

    @property
    def voice_key(self) -> str:
        """Everything besides the text that changes the audio (backend, voice, rate...).

        Part of the cache key."""
        ...

    async def synthesize(self, text: str, sample_rate: int) -> bytes:
        """Signed 16-bit little-endian mono PCM at `sample_rate`."""
        ...
