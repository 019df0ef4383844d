"""The speech-to-text interface every backend implements.

A backend turns one utterance (already cut by our VAD) into text. Audio is what
AudioSocket gives us: signed 16-bit little-endian mono PCM, 8 kHz (`slin`) or
16 kHz (`slin16`); its helpers are in app/media/pcm.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from app.errors import BackendError, ConfigurationError

# Whisper, fed silence or line noise, "hears" the subtitle credits it was trained on.
# A transcript that is only one of these is treated as no speech at all.
HALLUCINATIONS = re.compile(
    r"amara\.org|legendas? (pela|por)|inscreva-se|obrigad[oa] por assistir|"
    r"legendado por|transcri[çc][ãa]o (por|de)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SttHint:
    """What the dialog expects to hear in this turn; a backend uses what it can.

    `prompt`: words likely in the answer (the building's names and apartment
    numbers, likeliest first) for Whisper-family backends. `choices`: for a
    closed question, the phrases a caller typically answers with, each with
    its meaning ("sim" -> "yes"); a backend that can score phrases against the
    audio picks one, and one that cannot ignores them and transcribes freely.
    """

    prompt: str | None = None
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Transcript:
    """What was heard in one utterance.

    `latency_s` is the wall time the caller waited for it, queueing included
    (the number the dialog's reply budget is about). `text` is "" when the
    backend heard no speech: that is a result, not an error.

    Closed questions: `choice` is the hint's phrase the backend is confident it
    heard (then `text` is that phrase); `scored` says the backend tried, so a
    `choice` of None means "none of them clearly" and the free `text` is a guess.
    `unsure`: the text may hold words only the prompt put there (a name the
    caller may not have said): confirm before acting on them.
    """

    text: str
    latency_s: float
    backend: str
    choice: str | None = None
    scored: bool = False
    unsure: bool = False


class SttError(BackendError):
    """A backend failed or timed out for this utterance; the message says which and why.

    The dialog treats it like an unintelligible utterance (ask again, or fall
    back to the keypad); it never ends the call by itself.
    """


class SttConfigError(ConfigurationError, ValueError):
    """Settings or environment cannot make a working backend (raised at construction)."""


@runtime_checkable
class SpeechToText(Protocol):
    name: str

    async def transcribe(
        self, pcm: bytes, sample_rate: int, hint: SttHint | None = None
    ) -> Transcript: ...

    async def aclose(self) -> None: ...
