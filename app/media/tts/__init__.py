"""Text-to-speech backends behind one interface, with a shared cache.

`build_voice(TtsSettings, condominiums)` gives the app's Voice: the configured
backend (kokoro, the embedded default; espeak; azure; openai) wrapped in
CachedTts, espeak-ng beside it, and a sub-voice per condominium.
"""

from app.media.tts.azure import AzureTts, build_ssml
from app.media.tts.base import TextToSpeech, TtsError
from app.media.tts.cache import CachedTts
from app.media.tts.espeak import EspeakTts
from app.media.tts.factory import CondominiumSpeech, build_backend, build_tts, build_voice
from app.media.tts.fallback import Voice
from app.media.tts.kokoro import KokoroTts
from app.media.tts.openai_tts import OpenAITts
from app.media.tts.settings import TtsConfigError, TtsSettings

__all__ = [
    "AzureTts",
    "CachedTts",
    "CondominiumSpeech",
    "EspeakTts",
    "KokoroTts",
    "OpenAITts",
    "TextToSpeech",
    "TtsConfigError",
    "TtsError",
    "TtsSettings",
    "Voice",
    "build_backend",
    "build_ssml",
    "build_tts",
    "build_voice",
]
