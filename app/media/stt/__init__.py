"""Speech-to-text backends behind one small interface (SpeechToText).

`build_stt(SttSettings)` gives a backend wrapped in LimitedStt (concurrency,
timeout, one log line per call), or None when recognition is off and the app
runs the keypad flow.
"""

from app.media.stt.azure import AzureStt
from app.media.stt.azure_continuous import AzureContinuousStt
from app.media.stt.base import SpeechToText, SttConfigError, SttError, SttHint, Transcript
from app.media.stt.factory import build_azure_continuous, build_stt
from app.media.stt.limits import FallbackStt, LimitedStt
from app.media.stt.openai_compat import OpenAICompatStt, directory_prompt
from app.media.stt.settings import SttSettings

__all__ = [
    "AzureContinuousStt",
    "AzureStt",
    "FallbackStt",
    "LimitedStt",
    "OpenAICompatStt",
    "SpeechToText",
    "SttConfigError",
    "SttError",
    "SttHint",
    "SttSettings",
    "Transcript",
    "build_azure_continuous",
    "build_stt",
    "directory_prompt",
]
