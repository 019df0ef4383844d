"""Settings -> a ready backend (wrapped in its limits), or None for keypad-only mode."""

from __future__ import annotations

from app.media.stt.azure import AzureStt
from app.media.stt.azure_continuous import AzureContinuousStt
from app.media.stt.base import SpeechToText
from app.media.stt.limits import LimitedStt
from app.media.stt.openai_compat import OpenAICompatStt
from app.media.stt.settings import SttSettings


def build_stt(cfg: SttSettings) -> SpeechToText | None:
    """Raises SttConfigError (naming the env var or field) when the backend cannot work."""
    inner: SpeechToText
    if cfg.backend == "none":
        return None
    if cfg.backend == "whisper":
        from app.media.stt.whisper import WhisperStt  # deferred: loads CTranslate2 only when chosen

        whisper = WhisperStt(
            workers=cfg.whisper_workers, threads=cfg.whisper_threads, max_queue=cfg.whisper_max_queue,
            language=cfg.language.split("-")[0].lower(), prompt=cfg.prompt, choice_margin=cfg.choice_margin,
            choice_floor=cfg.choice_floor, name=cfg.name or "whisper",
        )
        # The backend bounds its own queue; the wrapper adds the timeout and the log line.
        return LimitedStt(whisper, max_concurrency=whisper.workers + whisper.max_queue, timeout_s=cfg.timeout_s)
    if cfg.backend == "openai":
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
        inner = AzureStt(
            region=cfg.azure_region,
            host=cfg.azure_host,
            language=cfg.language,
            max_threads=cfg.max_concurrency,
            name=cfg.name or "azure",
        )
    return LimitedStt(inner, max_concurrency=cfg.max_concurrency, timeout_s=cfg.timeout_s)


def build_azure_continuous(cfg: SttSettings, sample_rate: int) -> AzureContinuousStt:
    """One per call leg: Azure segments the leg's audio itself."""
    return AzureContinuousStt(
        sample_rate=sample_rate,
        region=cfg.azure_region,
        host=cfg.azure_host,
        language=cfg.language,
        segment_timeout_ms=cfg.azure_segment_timeout_ms,
        name=cfg.name or "azure-continuous",
    )
