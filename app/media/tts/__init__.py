"""Text-to-speech behind one interface (TextToSpeech), with a shared cache.

This package exports the interfaces and the factory only. `build_voice(TtsSettings,
condominiums)` (app/media/tts/factory.py) imports the configured backend's module,
and so its SDK or model runtime, when it builds it: importing this package loads
none. It gives the app's Voice: the backend (kokoro, the embedded default; espeak;
azure; openai) wrapped in CachedTts, espeak-ng beside it, and a sub-voice per
condominium.
"""

from app.media.tts.base import TextToSpeech, TtsError
from app.media.tts.cache import CachedTts
from app.media.tts.factory import CondominiumSpeech, build_backend, build_tts, build_voice
from app.media.tts.fallback import Voice
from app.media.tts.settings import TtsConfigError, TtsSettings

__all__ = [
    "CachedTts",
    "CondominiumSpeech",
    "TextToSpeech",
    "TtsConfigError",
    "TtsError",
    "TtsSettings",
    "Voice",
    "build_backend",
    "build_tts",
    "build_voice",
]
