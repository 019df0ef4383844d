"""Azure continuous recognition: feed a leg's frames, Azure segments utterances itself.

The alternative to our VAD + AzureStt: Azure decides where an utterance ends
(Speech_SegmentationSilenceTimeoutMs), so the latency and the segmentation are
the service's. Same thread rules as azure.py: native objects are made here but
only ever stopped and released on SDK daemon threads.
"""

from __future__ import annotations

import asyncio
import bisect
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import azure.cognitiveservices.speech as speechsdk

from app.media.stt.azure import (
    SdkThreads,
    cancel_text,
    make_speech_config,
    push_stream,
    release_off_loop,
)
from app.media.stt.base import SttError, Transcript, check_pcm

# start/stop of continuous recognition take ~1 ms / ~1 s; past this they are stuck.
SDK_CALL_TIMEOUT_S = 5.0
_TICKS_PER_S = 10_000_000  # the SDK's offsets and durations are in 100 ns ticks


def _stop(handles: list[Any], started: bool) -> None:
    """Close the stream, stop recognition, cut the callbacks; on an SDK thread.

    A function of its own so that no local outlives it holding a handle, and
    failures are swallowed: we are closing, and a traceback would carry the
    handles back to the loop thread.
    """
    try:
        handles[0].close()
        if started:
            handles[1].stop_continuous_recognition_async().get()
        # Breaks the recognizer -> callback -> self cycle.
        handles[1].recognized.disconnect_all()
        handles[1].canceled.disconnect_all()
        handles[1].session_stopped.disconnect_all()
    except Exception:  # noqa: BLE001, S110 - see above
        pass


class AzureContinuousStt:
    """Feed frames as they arrive; Azure finds utterance ends; iterate `results()`.

    Lifecycle: `await start()`, `feed(frame)` from the media loop (non-blocking:
    the SDK copies into its own buffer), `async for t in results()`, `await aclose()`.
    An SDK error (bad key, network) ends `results()` with SttError.
    """

    def __init__(
        self,
        *,
        sample_rate: int,
        key: str | None = None,
        region: str | None = None,
        host: str | None = None,
        language: str = "pt-BR",
        segment_timeout_ms: int | None = 500,
        name: str = "azure-continuous",
    ) -> None:
        self.name = name
        self.sample_rate = sample_rate
        config = make_speech_config(
            key=key, region=region, host=host, language=language,
            segment_timeout_ms=segment_timeout_ms,
        )
        stream = push_stream(sample_rate)
        recognizer = speechsdk.SpeechRecognizer(
            speech_config=config, audio_config=speechsdk.audio.AudioConfig(stream=stream)
        )
        recognizer.recognized.connect(self._on_recognized)
        recognizer.canceled.connect(self._on_canceled)
        recognizer.session_stopped.connect(self._on_stopped)
        # The only references to the native objects: aclose pops them on an SDK thread.
        self._native: dict[str, Any] = {"stream": stream, "recognizer": recognizer}
        self._threads = SdkThreads(2, f"stt-{name}")
        self._queue: asyncio.Queue[Transcript | SttError | None] = asyncio.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._fed_samples = 0
        # (samples fed so far, when): maps a result's end offset back to wall time,
        # so latency is "end of that speech -> transcript", like the VAD path.
        self._mark_samples: list[int] = []
        self._mark_times: list[float] = []
        self._marks_lock = threading.Lock()  # written by the loop, read by SDK threads

    async def start(self) -> None:
        if self._closed:
            raise RuntimeError(f"{self.name}: start() after aclose()")
        self._loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(SDK_CALL_TIMEOUT_S):
                await self._threads.run(
                    lambda: self._native["recognizer"].start_continuous_recognition_async().get()
                )
        except TimeoutError:
            raise SttError(f"stt backend {self.name!r}: recognition did not start") from None

    def feed(self, pcm: bytes) -> None:
        if self._closed or not pcm:
            return
        check_pcm(pcm, self.sample_rate)
        self._native["stream"].write(pcm)
        self._fed_samples += len(pcm) // 2
        with self._marks_lock:
            self._mark_samples.append(self._fed_samples)
            self._mark_times.append(time.monotonic())
            if len(self._mark_samples) > 6000:  # ~1-2 min of marks; results are never older
                del self._mark_samples[:3000], self._mark_times[:3000]

    async def results(self) -> AsyncIterator[Transcript]:
        while True:
            item = await self._queue.get()
            if item is None:
                return
            if isinstance(item, SttError):
                raise item
            yield item

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        started = self._loop is not None
        native = self._native

        def teardown() -> None:
            handles = [native.pop("stream"), native.pop("recognizer")]
            _stop(handles, started)
            release_off_loop(handles)

        try:
            async with asyncio.timeout(SDK_CALL_TIMEOUT_S):
                await self._threads.run(teardown)
        except TimeoutError:
            pass  # a stuck SDK stop: its daemon thread keeps the objects, nothing else does
        self._queue.put_nowait(None)

    # SDK threads below: touch nothing of the loop's except through call_soon_threadsafe.

    def _post(self, item: Transcript | SttError | None) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self._queue.put_nowait, item)
        except RuntimeError:
            pass  # loop shut down between the check and the call

    def _latency(self, result: Any) -> float:
        end_ticks = int(result.offset) + int(result.duration)
        end_sample = end_ticks * self.sample_rate // _TICKS_PER_S
        with self._marks_lock:
            i = bisect.bisect_left(self._mark_samples, end_sample)
            if i >= len(self._mark_times):
                return 0.0
            fed_at = self._mark_times[i]
        return max(0.0, time.monotonic() - fed_at)

    def _on_recognized(self, evt: Any) -> None:
        result = evt.result
        if result.reason == speechsdk.ResultReason.RecognizedSpeech and result.text:
            self._post(Transcript(str(result.text).strip(), self._latency(result), self.name))

    def _on_canceled(self, evt: Any) -> None:
        details = evt.cancellation_details
        if details.reason == speechsdk.CancellationReason.Error:
            self._post(SttError(f"stt backend {self.name!r}: {cancel_text(details)}"))

    def _on_stopped(self, evt: Any) -> None:
        self._post(None)
