"""Speech-to-text settings (the `stt:` section of the app's config).

Secrets are not settings: API keys come only from the environment
(AI_API_KEY, AZURE_SPEECH_KEY), so a config file can be shared or logged.
The backends import their defaults from here, so this module stays free of SDKs.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from app.vendors.openai_api import API_KEY_ENV, DEFAULT_BASE_URL

DEFAULT_MODEL = "whisper-1"  # Groq: "whisper-large-v3"
# The seed's MAX_CONCURRENT_TRANSCRIPTIONS: more in flight only queues at the provider.
DEFAULT_MAX_CONCURRENCY = 3
# An answer later than this is useless to a caller waiting at the gate: better to
# ask again (or switch to the keypad) than to keep silent.
DEFAULT_TIMEOUT_S = 4.0


class SttSettings(BaseModel):
    # extra="forbid": a misspelt key ("timeout" for "timeout_s") is an error, not a silent default.
    model_config = ConfigDict(extra="forbid", frozen=True)

    # "none": no speech recognition; the app runs the keypad (DTMF) flow.
    # "whisper": embedded Whisper base from the package registry (no key, no network).
    backend: Literal["none", "openai", "azure", "whisper"] = "none"
    # Label in logs and Transcript.backend (e.g. "groq"); defaults to the backend name.
    name: str | None = None
    # BCP-47; the OpenAI API gets the primary subtag ("pt"), Azure the whole tag.
    language: str = "pt-BR"
    timeout_s: float = Field(default=DEFAULT_TIMEOUT_S, gt=0, le=60)
    max_concurrency: int = Field(default=DEFAULT_MAX_CONCURRENCY, ge=1, le=100)

    # OpenAI-compatible (OpenAI, Groq, self-hosted faster-whisper servers).
    base_url: str = DEFAULT_BASE_URL
    model: str = DEFAULT_MODEL
    api_key_env: str = API_KEY_ENV
    # False for a self-hosted server that takes no key.
    require_api_key: bool = True
    # Fixed prompt; the app may instead build one from the directory (directory_prompt).
    prompt: str | None = None

    # Embedded Whisper. Workers: utterances decoded at once (default one per two
    # cores); threads: CPU threads each (default cores / workers); queue: utterances
    # waiting beyond the workers before "busy". A closed question's answer is taken
    # when its meaning beats every other meaning by `choice_margin` (mean
    # log-probability per token) and scores at least `choice_floor`; else asked again.
    whisper_workers: int | None = Field(default=None, ge=1, le=64)
    whisper_threads: int | None = Field(default=None, ge=1, le=64)
    whisper_max_queue: int = Field(default=4, ge=0, le=1000)
    choice_margin: float = Field(default=0.35, ge=0, le=10)
    choice_floor: float = Field(default=-6.0, ge=-20, le=0)

    # Azure AI Speech. Region: this or AZURE_SPEECH_REGION. Host: a self-hosted
    # Speech container ("ws://localhost:5000"), which needs no region.
    azure_region: str | None = None
    azure_host: str | None = None
    # Removed with Azure's continuous recognition (nothing could select it): still
    # declared only so that a config file naming it gets an error saying so.
    azure_segment_timeout_ms: None = Field(default=None, exclude=True)

    @field_validator("azure_segment_timeout_ms", mode="before")
    @classmethod
    def _removed(cls, v: object) -> None:
        raise PydanticCustomError(
            "removed",
            "this setting was removed (our endpointer always cuts utterances, Azure's "
            "continuous recognition is gone): delete the line",
        )
