"""Speech-to-text behind one small interface (SpeechToText).

This package exports the interface and the factory only. `build_stt(SttSettings)`
(app/media/stt/factory.py) imports the chosen backend's module, and so its SDK,
when it builds it: importing this package loads no SDK. It gives a backend
wrapped in LimitedStt (concurrency, timeout, one log line per call), or None
when recognition is off and the app runs the keypad flow.
"""

from app.media.stt.base import SpeechToText, SttConfigError, SttError, SttHint, Transcript
from app.media.stt.factory import build_stt
from app.media.stt.prompt import directory_prompt
from app.media.stt.settings import SttSettings

__all__ = [
    "SpeechToText",
    "SttConfigError",
    "SttError",
    "SttHint",
    "SttSettings",
    "Transcript",
    "build_stt",
    "directory_prompt",
]
