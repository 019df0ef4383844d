"""Text-to-speech backends behind one interface, with a shared cache."""

from app.media.tts.base import TextToSpeech, TtsError
from app.media.tts.cache import CachedTts
from app.media.tts.espeak import EspeakTts

__all__ = ["CachedTts", "EspeakTts", "TextToSpeech", "TtsError"]
