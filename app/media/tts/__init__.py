"""Text-to-speech backends behind one interface, with a shared cache.

`build_tts(TtsSettings)` gives the configured backend (espeak, the embedded
default; azure; openai) wrapped in CachedTts.
"""

from app.media.tts.azure import AzureTts, build_ssml
from app.media.tts.base import TextToSpeech, TtsError
from app.media.tts.cache import CachedTts
from app.media.tts.espeak import EspeakTts
from app.media.tts.factory import build_backend, build_tts
from app.media.tts.fallback import Voice
from app.media.tts.openai_tts import OpenAITts
from app.media.tts.settings import TtsConfigError, TtsSettings

__all__ = [
    "AzureTts",
    "CachedTts",
    "EspeakTts",
    "OpenAITts",
    "TextToSpeech",
    "TtsConfigError",
    "TtsError",
    "TtsSettings",
    "Voice",
    "build_backend",
    "build_ssml",
    "build_tts",
]
