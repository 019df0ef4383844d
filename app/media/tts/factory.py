"""Settings -> a ready voice: the configured backend behind the memory+disk cache,
espeak-ng beside it, and each condominium's own voice and phrasebook.

Each backend's module is imported when that backend is built (Kokoro's pulls in
numpy and ONNX Runtime, the cloud ones their SDKs): importing this loads none.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import structlog

from app.media.models import KOKORO_82M, KOKORO_VOICES, ModelError, ensure_model
from app.media.tts.base import TextToSpeech, TtsError
from app.media.tts.cache import CachedTts
from app.media.tts.espeak import EspeakTts
from app.media.tts.fallback import Health, Voice
from app.media.tts.phrasebook import Phrasebook
from app.media.tts.settings import CondominiumVoice, TtsConfigError, TtsSettings
from app.vendors import openai_api
from app.vendors.azure_speech import credentials

if TYPE_CHECKING:
    from app.media.tts.kokoro import KokoroTts

log = structlog.get_logger("portaria.tts")


@dataclass(frozen=True)
class CondominiumSpeech:
    """What one condominium's voice needs from its settings."""

    voice: CondominiumVoice
    phrases: Mapping[str, str]


def build_backend(
    cfg: TtsSettings, kokoro_voice: str | None = None, kokoro_speed: float | None = None
) -> TextToSpeech:
    """Raises TtsConfigError (naming the env var or field) when a cloud backend cannot work,
    and TtsError when espeak-ng is not installed. Kokoro without its model is refused
    with one error line, and espeak-ng speaks instead."""
    if cfg.backend == "azure":
        from app.media.tts.azure import AzureTts  # the Azure Speech SDK

        return AzureTts(
            voice=cfg.azure_voice,
            rate=cfg.azure_rate,
            pitch=cfg.azure_pitch,
            region=cfg.azure_region,
            host=cfg.azure_host,
            timeout_s=cfg.timeout_s,
            max_concurrency=cfg.max_concurrency,
        )
    if cfg.backend == "openai":
        from app.media.tts.openai_tts import OpenAITts  # the openai SDK

        return OpenAITts(
            base_url=cfg.base_url,
            model=cfg.model,
            voice=cfg.openai_voice,
            speed=cfg.openai_speed,
            response_format=cfg.openai_response_format,
            instructions=cfg.openai_instructions,
            api_key_env=cfg.api_key_env,
            require_api_key=cfg.require_api_key,
            timeout_s=cfg.timeout_s,
            max_concurrency=cfg.max_concurrency,
        )
    if cfg.backend == "kokoro":
        from app.media.tts.kokoro import KokoroTts  # numpy, ONNX Runtime when loaded

        try:
            return KokoroTts(
                kokoro_voice or cfg.kokoro_voice,
                kokoro_speed or cfg.kokoro_speed,
                threads=cfg.kokoro_threads,
                priority=cfg.kokoro_priority,
            )
        except (ModelError, TtsError) as exc:
            log.error("tts_kokoro_refused", error=str(exc), speaking_with="espeak-ng")
    # espeak keeps its own concurrency default: its limit is CPU cores, not a
    # cloud account's quota, and it has no network to time out on.
    return EspeakTts(voice=cfg.voice, speed=cfg.speed, pitch=cfg.pitch)


def _kokoro(backend: TextToSpeech) -> KokoroTts | None:
    """`backend` if it is Kokoro, whose engine a condominium's own Kokoro voice shares.

    A backend can be a KokoroTts only if its module is loaded: importing it here
    for an espeak-ng or cloud voice would load numpy for nothing.
    """
    module = sys.modules.get("app.media.tts.kokoro")
    if module is None or not isinstance(backend, module.KokoroTts):
        return None
    return cast("KokoroTts", backend)


def _cached(backend: TextToSpeech, cfg: TtsSettings, sub: str = "") -> CachedTts:
    folder = Path(cfg.cache_dir).expanduser()
    return CachedTts(
        backend, folder / sub if sub else folder, memory_bytes=cfg.memory_cache_mb * 2**20
    )


def build_tts(cfg: TtsSettings) -> CachedTts:
    return _cached(build_backend(cfg), cfg)


def build_voice(
    cfg: TtsSettings,
    condominiums: Mapping[str, CondominiumSpeech] | None = None,
    base: Voice | None = None,
) -> Voice:
    """The app's voice, with a sub-voice per condominium (`Voice.for_condominium`).

    `base`: the voice a reload replaces (same `tts:` settings, reload refuses a
    change there): its backends and memory caches are kept, only phrases and
    per-condominium voices are new."""
    if base is not None:
        primary, fallback = base.primary, base.fallback
    else:
        primary = build_tts(cfg)
        # espeak-ng beside any other voice, in its own cache: it answers in ~20 ms.
        fallback = (
            None
            if isinstance(primary.backend, EspeakTts)
            else _cached(
                EspeakTts(voice=cfg.voice, speed=cfg.speed, pitch=cfg.pitch),
                cfg,
                "espeak-fallback",
            )
        )
    kokoro = _kokoro(primary.backend)
    deadline = cfg.reply_deadline_s or None
    root = base or Voice(primary, fallback, deadline_s=deadline, numbers=cfg.numbers)
    by_key: dict[str, CachedTts] = {primary.voice_key: primary}
    health: dict[str, Health] = {primary.voice_key: root.health}
    for old in base.condominiums.values() if base else ():
        by_key.setdefault(old.primary.voice_key, old.primary)
        health.setdefault(old.primary.voice_key, old.health)
    condominium_voices: dict[str, Voice] = {}
    for key, c in (condominiums or {}).items():
        tts = primary
        if kokoro is not None and (c.voice.name or c.voice.speed):
            backend = type(kokoro)(
                c.voice.name or cfg.kokoro_voice,
                c.voice.speed or cfg.kokoro_speed,
                engine=kokoro.engine,
            )
            if backend.voice_key not in by_key:
                by_key[backend.voice_key] = CachedTts(
                    backend, primary.cache_dir, memory_bytes=cfg.memory_cache_mb * 2**20
                )
            tts = by_key[backend.voice_key]
        condominium_voices[key] = Voice(
            tts,
            fallback,
            root.cooldown_s,
            deadline_s=deadline,
            numbers=c.voice.numbers or cfg.numbers,
            phrasebook=Phrasebook(c.phrases),
            health=health.setdefault(tts.voice_key, Health()),
        )
    # One assignment: a call starting now sees the old set or the new one, never half.
    root.condominiums = condominium_voices
    return root


def check_tts(cfg: TtsSettings) -> None:
    """What `build_backend` would refuse (a cloud voice) or replace by espeak-ng (Kokoro),
    found without building the backend: no SDK is imported and no model loaded
    (`portaria check-config`). Raises TtsConfigError."""
    if cfg.backend == "azure":
        credentials(
            "text-to-speech",
            "tts",
            key=None,
            region=cfg.azure_region,
            host=cfg.azure_host,
            error=TtsConfigError,
        )
    elif cfg.backend == "openai":
        openai_api.api_key(
            "tts",
            "openai",
            cfg.base_url,
            None,
            cfg.api_key_env,
            cfg.require_api_key,
            TtsConfigError,
        )
    elif cfg.backend == "kokoro":
        where = "tts backend 'kokoro' (espeak-ng would speak instead)"
        if importlib.util.find_spec("onnxruntime") is None:
            raise TtsConfigError(
                f"{where}: the onnxruntime package is not installed (`make venv` installs it)"
            )
        try:
            ensure_model(KOKORO_VOICES)
            ensure_model(KOKORO_82M)
        except ModelError as exc:
            raise TtsConfigError(f"{where}: {exc}") from exc
