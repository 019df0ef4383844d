"""Settings -> a ready backend (wrapped in its limits), or None for keypad-only mode.

Each backend's module is imported when that backend is built: importing this
module (or app.media.stt) loads no SDK.
"""

from __future__ import annotations

import importlib.util

from app.media.models import WHISPER_BASE, ModelError, ensure_model
from app.media.stt.base import SpeechToText, SttConfigError
from app.media.stt.limits import LimitedStt
from app.media.stt.settings import SttSettings
from app.vendors import openai_api
from app.vendors.azure_speech import credentials


def build_stt(cfg: SttSettings) -> SpeechToText | None:
    """Raises SttConfigError (naming the env var or field) when the backend cannot work."""
    inner: SpeechToText
    if cfg.backend == "none":
        return None
    if cfg.backend == "whisper":
        from app.media.stt.whisper import WhisperStt  # CTranslate2

        whisper = WhisperStt(
            workers=cfg.whisper_workers,
            threads=cfg.whisper_threads,
            max_queue=cfg.whisper_max_queue,
            language=cfg.language.split("-")[0].lower(),
            prompt=cfg.prompt,
            choice_margin=cfg.choice_margin,
            choice_floor=cfg.choice_floor,
            name=cfg.name or "whisper",
        )
        # The backend bounds its own queue; the wrapper adds the timeout and the log line.
        return LimitedStt(
            whisper, max_concurrency=whisper.workers + whisper.max_queue, timeout_s=cfg.timeout_s
        )
    if cfg.backend == "openai":
        from app.media.stt.openai_compat import OpenAICompatStt  # the openai SDK

        inner = OpenAICompatStt(
            base_url=cfg.base_url,
            model=cfg.model,
            api_key_env=cfg.api_key_env,
            require_api_key=cfg.require_api_key,
            language=cfg.language.split("-")[0].lower(),  # Whisper wants ISO 639-1
            prompt=cfg.prompt,
            timeout_s=cfg.timeout_s,
            name=cfg.name or "openai",
        )
    else:
        from app.media.stt.azure import AzureStt  # the Azure Speech SDK

        inner = AzureStt(
            region=cfg.azure_region,
            host=cfg.azure_host,
            language=cfg.language,
            max_threads=cfg.max_concurrency,
            name=cfg.name or "azure",
        )
    return LimitedStt(inner, max_concurrency=cfg.max_concurrency, timeout_s=cfg.timeout_s)


def check_stt(cfg: SttSettings) -> None:
    """What `build_stt` would refuse, found without building the backend: no SDK is
    imported and no model loaded (`portaria check-config`). Raises SttConfigError."""
    name = cfg.name or cfg.backend
    if cfg.backend == "openai":
        openai_api.api_key(
            "stt", name, cfg.base_url, None, cfg.api_key_env, cfg.require_api_key, SttConfigError
        )
    elif cfg.backend == "azure":
        credentials(
            "speech-to-text",
            "stt",
            key=None,
            region=cfg.azure_region,
            host=cfg.azure_host,
            error=SttConfigError,
        )
    elif cfg.backend == "whisper":
        if importlib.util.find_spec("ctranslate2") is None:
            raise SttConfigError(
                f"stt backend {name!r} (Whisper base): the ctranslate2 package "
                "is not installed (`make venv` installs it)"
            )
        try:
            ensure_model(WHISPER_BASE)
        except ModelError as exc:
            raise SttConfigError(f"stt backend {name!r} (Whisper base): {exc}") from exc
