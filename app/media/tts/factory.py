"""Settings -> a ready backend behind the memory+disk cache."""

from __future__ import annotations

from pathlib import Path

from app.media.tts.azure import AzureTts
from app.media.tts.base import TextToSpeech
from app.media.tts.cache import CachedTts
from app.media.tts.espeak import EspeakTts
from app.media.tts.openai_tts import OpenAITts
from app.media.tts.settings import TtsSettings


def build_backend(cfg: TtsSettings) -> TextToSpeech:
    """Raises TtsConfigError (naming the env var or field) when the backend cannot work,
    and TtsError when espeak-ng is not installed."""
    if cfg.backend == "azure":
        return AzureTts(
            voice=cfg.azure_voice, rate=cfg.azure_rate, pitch=cfg.azure_pitch,
            region=cfg.azure_region, host=cfg.azure_host,
            timeout_s=cfg.timeout_s, max_concurrency=cfg.max_concurrency,
        )
    if cfg.backend == "openai":
        return OpenAITts(
            base_url=cfg.base_url, model=cfg.model, voice=cfg.openai_voice,
            speed=cfg.openai_speed, response_format=cfg.openai_response_format,
            instructions=cfg.openai_instructions, api_key_env=cfg.api_key_env,
            require_api_key=cfg.require_api_key,
            timeout_s=cfg.timeout_s, max_concurrency=cfg.max_concurrency,
        )
    # espeak keeps its own concurrency default: its limit is CPU cores, not a
    # cloud account's quota, and it has no network to time out on.
    return EspeakTts(voice=cfg.voice, speed=cfg.speed, pitch=cfg.pitch)


def build_tts(cfg: TtsSettings) -> CachedTts:
    return CachedTts(build_backend(cfg), Path(cfg.cache_dir).expanduser(),
                     memory_bytes=cfg.memory_cache_mb * 2**20)
