"""Text-to-speech settings (the `tts:` section of the app's config).

Secrets are not settings: keys come only from the environment (AI_API_KEY or
the variable `api_key_env` names, AZURE_SPEECH_KEY), so a config file can be
shared or logged. The backends import their defaults from here (not the other
way round, as in stt/), so this module stays free of SDK imports.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.errors import ConfigurationError
from app.media.tts.normalize import NumberStyle
from app.vendors.openai_api import API_KEY_ENV, DEFAULT_BASE_URL


class TtsConfigError(ConfigurationError, ValueError):
    """Settings or environment cannot make a working backend (raised at construction)."""


OPENAI_MODEL = "gpt-4o-mini-tts"  # "tts-1" is the older, plainer alternative
OPENAI_VOICE = "alloy"
AZURE_VOICE = "pt-BR-AntonioNeural"
DEFAULT_TIMEOUT_S = 5.0
DEFAULT_MAX_CONCURRENCY = 4

# SSML <prosody> values Azure accepts: relative ("+10%", "-2st", "+50Hz"), a rate
# multiplier ("1.2"), an absolute pitch ("180Hz") or a named level. Checked at load
# time so a typo is a config error with a line number, not a failed call at night.
_RATE = re.compile(r"^([+-]?\d+(\.\d+)?%|\d+(\.\d+)?|x-slow|slow|medium|fast|x-fast|default)$")
_PITCH = re.compile(
    r"^([+-]?\d+(\.\d+)?(%|Hz|st)|\d+(\.\d+)?Hz|x-low|low|medium|high|x-high|default)$"
)
# Azure voice names ("pt-BR-AntonioNeural", "pt-BR-Macerio:DragonHDLatestNeural").
_AZURE_VOICE = re.compile(r"^[A-Za-z]{2,3}-[A-Za-z0-9]+-[A-Za-z0-9:._-]+$")


KokoroVoiceName = Literal["pm_alex", "pf_dora", "pm_santa"]  # the Brazilian voices kokoro-js ships


class CondominiumVoice(BaseModel):
    """A condominium's own voice (`condominiums.<key>.voice`); unset fields follow `tts:`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: KokoroVoiceName | None = None
    speed: float | None = Field(None, ge=0.5, le=2.0)
    numbers: NumberStyle | None = None


class TtsSettings(BaseModel):
    # extra="forbid": a misspelt key ("timeout" for "timeout_s") is an error, not a silent default.
    model_config = ConfigDict(extra="forbid", frozen=True)

    # "kokoro" (Kokoro-82M, natural) and "espeak" (espeak-ng, robotic, instant) are
    # embedded and need no key or network. Kokoro is the default; espeak-ng is what
    # speaks when Kokoro's model is missing, a segment misses its deadline, or a
    # cloud voice fails.
    backend: Literal["kokoro", "espeak", "azure", "openai"] = "kokoro"
    cache_dir: str = "~/.cache/portaria/tts"
    memory_cache_mb: int = Field(64, ge=1)
    # Cloud backends only: a reply later than this is worse than an error the
    # dialog can handle. Covers the wait for a concurrency slot too.
    timeout_s: float = Field(DEFAULT_TIMEOUT_S, gt=0, le=60)
    max_concurrency: int = Field(DEFAULT_MAX_CONCURRENCY, ge=1, le=100)

    # Kokoro: the default voice and speed (a condominium may pick its own, see
    # CondominiumVoice); ONNX Runtime threads for the one inference at a time.
    kokoro_voice: KokoroVoiceName = "pm_alex"
    kokoro_speed: float = Field(1.0, ge=0.5, le=2.0)
    kokoro_threads: int = Field(2, ge=1, le=16)
    # idle: inference gets only CPU nothing else wants (Linux SCHED_IDLE), so pacing
    # and recognition never wait for it; nice: nice 10, faster on a machine busy
    # with other work, at some pacing jitter (see app/media/tts/kokoro.py).
    kokoro_priority: Literal["idle", "nice"] = "idle"
    # Longest a caller waits for one reply segment the voice has not made yet
    # (the visitor's name); past it espeak-ng says that segment. 0 disables it.
    reply_deadline_s: float = Field(0.5, ge=0, le=10)
    # How numbers are read: "cardinal" (501: quinhentos e um) or "digits" (cinco zero um).
    numbers: NumberStyle = "cardinal"

    # espeak-ng (names kept from the first config format).
    voice: str = "pt-br"
    speed: int = Field(165, ge=80, le=450)
    pitch: int = Field(45, ge=0, le=99)

    # Azure AI Speech. Region: this or AZURE_SPEECH_REGION. Host: a self-hosted
    # Speech container ("ws://localhost:5000"), which needs no region.
    azure_voice: str = AZURE_VOICE
    azure_rate: str = "0%"
    azure_pitch: str = "0%"
    azure_region: str | None = None
    azure_host: str | None = None

    # OpenAI `/v1/audio/speech` or a compatible server. `speed` is taken by espeak,
    # hence `openai_speed`. "wav" suits compatible servers whose raw PCM is not
    # OpenAI's 24 kHz (the WAV header carries the rate).
    base_url: str = DEFAULT_BASE_URL
    model: str = OPENAI_MODEL
    openai_voice: str = OPENAI_VOICE
    openai_speed: float = Field(1.0, ge=0.25, le=4.0)
    openai_response_format: Literal["pcm", "wav"] = "pcm"
    # gpt-4o-mini-tts only (tts-1 rejects it), e.g. "Fale português do Brasil, tom cordial."
    openai_instructions: str | None = None
    api_key_env: str = API_KEY_ENV
    # False for a self-hosted server that takes no key.
    require_api_key: bool = True

    @field_validator("azure_rate")
    @classmethod
    def _check_rate(cls, v: str) -> str:
        if not _RATE.match(v):
            raise ValueError(
                f"{v!r} is not an SSML prosody rate (e.g. '0%', '+10%', '1.2', 'slow')"
            )
        return v

    @field_validator("azure_pitch")
    @classmethod
    def _check_pitch(cls, v: str) -> str:
        if not _PITCH.match(v):
            raise ValueError(
                f"{v!r} is not an SSML prosody pitch (e.g. '0%', '-2st', '+20Hz', 'low')"
            )
        return v

    @field_validator("azure_voice")
    @classmethod
    def _check_voice(cls, v: str) -> str:
        if not _AZURE_VOICE.match(v):
            raise ValueError(f"{v!r} is not an Azure voice name (e.g. 'pt-BR-AntonioNeural')")
        return v
