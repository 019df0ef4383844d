"""Azure AI Speech (pt-BR) through the official azure-cognitiveservices-speech SDK.

`AzureStt` takes one utterance already cut by our VAD: push it, close the
stream, `recognize_once`.

The SDK is blocking; its calls run on daemon threads behind a semaphore
(app/vendors/azure_speech.py says why not `asyncio.to_thread`), and native
handles are released on a throw-away daemon thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import azure.cognitiveservices.speech as speechsdk

from app.media.pcm import audio_seconds, check_pcm
from app.media.stt.base import SttConfigError, SttError, SttHint, Transcript
from app.vendors.azure_speech import SdkThreads, credentials, release_off_loop, speech_config

# The SDK's PCM push stream takes 8 or 16 kHz for recognition; both are AudioSocket rates.
AZURE_RATES = frozenset({8000, 16000})
MIN_AUDIO_S = 0.1

T = TypeVar("T")


def make_speech_config(
    *,
    key: str | None = None,
    region: str | None = None,
    host: str | None = None,
    language: str = "pt-BR",
) -> Any:
    """A validated SpeechConfig; every problem is an SttConfigError naming what to fix.

    `host` (e.g. "ws://localhost:5000") targets a self-hosted Speech container,
    which needs no region; otherwise key and region come from the arguments or
    from AZURE_SPEECH_KEY / AZURE_SPEECH_REGION.
    """
    creds = credentials(
        "speech-to-text", "stt", key=key, region=region, host=host, error=SttConfigError
    )

    def configure(config: Any) -> None:
        config.speech_recognition_language = language

    return speech_config(creds, SttConfigError, configure, f"language={language!r}")


def _check_rate(sample_rate: int) -> None:
    if sample_rate not in AZURE_RATES:
        raise ValueError(f"Azure push stream takes 8000 or 16000 Hz PCM, not {sample_rate}")


def push_stream(sample_rate: int) -> Any:
    """A PCM push stream in our AudioSocket format (16-bit mono at `sample_rate`)."""
    _check_rate(sample_rate)
    fmt = speechsdk.audio.AudioStreamFormat(
        samples_per_second=sample_rate, bits_per_sample=16, channels=1
    )
    return speechsdk.audio.PushAudioInputStream(stream_format=fmt)


def cancel_text(details: Any) -> str:
    return f"{details.reason}: {str(details.error_details)[:300]}"


class AzureStt:
    """One utterance per `recognize_once` on a fresh push stream."""

    def __init__(
        self,
        *,
        key: str | None = None,
        region: str | None = None,
        host: str | None = None,
        language: str = "pt-BR",
        max_threads: int = 3,
        name: str = "azure",
    ) -> None:
        self.name = name
        self.language = language
        self._config = make_speech_config(key=key, region=region, host=host, language=language)
        self._threads = SdkThreads(max_threads, f"stt-{name}")

    def build_recognizer(self, pcm: bytes, sample_rate: int) -> Any:
        """Everything short of the network: format, stream holding `pcm` (closed), recognizer."""
        stream = push_stream(sample_rate)
        stream.write(pcm)
        stream.close()  # end of stream = end of the utterance: recognize_once returns then
        audio = speechsdk.audio.AudioConfig(stream=stream)
        return speechsdk.SpeechRecognizer(speech_config=self._config, audio_config=audio)

    def _recognize_blocking(self, pcm: bytes, sample_rate: int) -> tuple[str, str | None]:
        """(text, error) as plain strings, on an SDK thread.

        Nothing that references a native handle may leave this function (not even
        in an exception's traceback). The handles go to a throw-away daemon thread
        to be released, so this slot is free as soon as the result is known.
        """
        native: list[Any] = []
        try:
            native.append(self.build_recognizer(pcm, sample_rate))
            native.append(native[0].recognize_once_async().get())
            result = native[1]
            reason = result.reason
            if reason == speechsdk.ResultReason.RecognizedSpeech:
                outcome: tuple[str, str | None] = (str(result.text), None)
            elif reason == speechsdk.ResultReason.NoMatch:
                outcome = ("", None)  # audio but no words: a result, the dialog asks again
            elif reason == speechsdk.ResultReason.Canceled:
                outcome = ("", cancel_text(result.cancellation_details))
            else:
                outcome = ("", f"unexpected result reason {reason}")
            del result
        except Exception as exc:  # noqa: BLE001 - becomes SttError on the loop side
            outcome = ("", f"{type(exc).__name__}: {exc}")
        release_off_loop(native)
        return outcome

    async def _run_blocking(self, fn: Callable[[], T]) -> T:
        return await self._threads.run(fn)

    async def transcribe(
        self, pcm: bytes, sample_rate: int, hint: SttHint | None = None
    ) -> Transcript:
        # Azure gets no prompt or choices here: the hint is for Whisper-family backends.
        check_pcm(pcm, sample_rate)
        _check_rate(sample_rate)
        if audio_seconds(pcm, sample_rate) < MIN_AUDIO_S:
            return Transcript(text="", latency_s=0.0, backend=self.name)
        t0 = time.monotonic()
        text, error = await self._run_blocking(lambda: self._recognize_blocking(pcm, sample_rate))
        if error is not None:
            raise SttError(f"stt backend {self.name!r}: {error}")
        return Transcript(text=text.strip(), latency_s=time.monotonic() - t0, backend=self.name)

    async def aclose(self) -> None:
        pass  # recognizers are per call; nothing long-lived to release
