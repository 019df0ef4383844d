"""Azure AI Speech (pt-BR) through the official azure-cognitiveservices-speech SDK.

`AzureStt` takes one utterance already cut by our VAD: push it, close the
stream, `recognize_once`. (azure_continuous.py has the mode where Azure cuts
utterances itself.)

The SDK is blocking and calls back on its own threads; callbacks hop to the loop
with `call_soon_threadsafe`. Blocking calls run on daemon threads behind a
semaphore (SdkThreads), not `asyncio.to_thread`. Measured here (SDK 1.53,
service unreachable): releasing a recognizer after a failed connection blocks
~10 s, and while such releases ran on other threads (the loop, the default
executor), `recognize_once_async().get()` sometimes never returned. A stuck call
in the default executor hangs loop shutdown and process exit; a release on the
loop thread freezes every call's audio. So the waiting calls run on daemon
threads, and native handles are released on a throw-away daemon thread.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

import azure.cognitiveservices.speech as speechsdk

from app.media.stt.base import (
    SttConfigError,
    SttError,
    SttHint,
    Transcript,
    audio_seconds,
    check_pcm,
)

KEY_ENV = "AZURE_SPEECH_KEY"
REGION_ENV = "AZURE_SPEECH_REGION"
# The SDK's PCM push stream takes 8 or 16 kHz for recognition; both are AudioSocket rates.
AZURE_RATES = frozenset({8000, 16000})
# Azure accepts 100..5000 ms for the segmentation silence timeout.
SEGMENT_TIMEOUT_RANGE_MS = (100, 5000)
MIN_AUDIO_S = 0.1
_REGION = re.compile(r"^[a-z0-9]+$")  # e.g. "brazilsouth", "eastus2"

T = TypeVar("T")


def make_speech_config(
    *,
    key: str | None = None,
    region: str | None = None,
    host: str | None = None,
    language: str = "pt-BR",
    segment_timeout_ms: int | None = None,
) -> Any:
    """A validated SpeechConfig; every problem is an SttConfigError naming what to fix.

    `host` (e.g. "ws://localhost:5000") targets a self-hosted Speech container,
    which needs no region; otherwise key and region come from the arguments or
    from AZURE_SPEECH_KEY / AZURE_SPEECH_REGION.
    """
    key = key if key is not None else os.environ.get(KEY_ENV, "")
    region = region if region is not None else os.environ.get(REGION_ENV, "")
    key, region = key.strip(), region.strip()
    if segment_timeout_ms is not None:
        lo, hi = SEGMENT_TIMEOUT_RANGE_MS
        if not lo <= segment_timeout_ms <= hi:
            raise SttConfigError(
                f"azure_segment_timeout_ms={segment_timeout_ms} is outside Azure's {lo}..{hi} ms"
            )
    try:
        if host:
            config = speechsdk.SpeechConfig(host=host, subscription=key or None)
        else:
            if not key:
                raise SttConfigError(f"Azure speech-to-text needs a key: set {KEY_ENV}")
            if not region:
                raise SttConfigError(
                    f"Azure speech-to-text needs a region: set {REGION_ENV} (e.g. brazilsouth)"
                )
            if not _REGION.match(region):
                raise SttConfigError(
                    f"{REGION_ENV}={region!r} is not an Azure region name "
                    "(lowercase letters and digits, e.g. brazilsouth)"
                )
            config = speechsdk.SpeechConfig(subscription=key, region=region)
        config.speech_recognition_language = language
    except (RuntimeError, ValueError) as exc:
        if isinstance(exc, SttConfigError):
            raise
        # The SDK's own messages are bare error codes ("5"); say which input it refused.
        raise SttConfigError(
            f"Azure SDK rejected the speech config (region={region!r}, host={host!r}, "
            f"language={language!r}): {exc}"
        ) from exc
    if segment_timeout_ms is not None:
        config.set_property(
            speechsdk.PropertyId.Speech_SegmentationSilenceTimeoutMs, str(segment_timeout_ms)
        )
    return config


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


def release_off_loop(native: list[Any]) -> None:
    """Drop the last references to SDK objects on a daemon thread of their own.

    Measured: after a failed connection, releasing a recognizer blocks ~10 s.
    The caller must hold no other reference (it passes its only list).
    """
    if not native:
        return
    held = native.copy()
    native.clear()
    threading.Thread(target=held.clear, name="stt-azure-release", daemon=True).start()


class SdkThreads:
    """Runs blocking SDK calls on daemon threads, at most `limit` at a time.

    A slot is freed when the thread really returns, not when the caller stops
    waiting (timeout, hang-up): a stuck call keeps its thread and connection, and
    the limit must count it. If every slot is stuck, calls time out in LimitedStt
    and the dialog falls back to the keypad, instead of threads piling up.
    """

    def __init__(self, limit: int, name: str) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._name = name
        self.running = 0

    async def run(self, fn: Callable[[], T]) -> T:
        await self._slots.acquire()
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[T] = loop.create_future()
        self.running += 1

        def finish(ok: bool, value: Any) -> None:  # on the loop
            self.running -= 1
            self._slots.release()
            if fut.done():
                return  # the caller gave up long ago
            if ok:
                fut.set_result(value)
            else:
                fut.set_exception(value)

        def target() -> None:  # on the daemon thread
            ok, value = True, cast(Any, None)
            try:
                value = fn()
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine
                ok, value = False, exc
            try:
                loop.call_soon_threadsafe(finish, ok, value)
            except RuntimeError:
                pass  # the loop is gone (shutdown); nobody is waiting

        threading.Thread(target=target, name=self._name, daemon=True).start()
        return await fut


class AzureStt:
    """One utterance per `recognize_once` on a fresh push stream."""

    def __init__(
        self,
        *,
        key: str | None = None,
        region: str | None = None,
        host: str | None = None,
        language: str = "pt-BR",
        segment_timeout_ms: int | None = None,
        max_threads: int = 3,
        name: str = "azure",
    ) -> None:
        self.name = name
        self.language = language
        self._config = make_speech_config(
            key=key, region=region, host=host, language=language,
            segment_timeout_ms=segment_timeout_ms,
        )
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

    async def transcribe(self, pcm: bytes, sample_rate: int, hint: SttHint | None = None) -> Transcript:
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
