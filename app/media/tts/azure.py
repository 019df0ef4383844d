"""Azure AI Speech text-to-speech through the official azure-cognitiveservices-speech SDK.

One SSML request per phrase; the synthesizer has `audio_config=None`, so the
audio comes back in the result (nothing plays on this machine), as raw PCM in
the rate the call leg wants when Azure has it (8 and 16 kHz do).

Threads: the SDK blocks, so `speak_ssml_async(...).get()` runs on daemon threads
behind a semaphore (SdkThreads of app/vendors/azure_speech.py, which says why
not `asyncio.to_thread`). Measured here (SDK 1.53): against a server that
accepts TCP but never answers the WebSocket handshake, `.get()` returns only
after ~80 s ("timeout waiting for the first audio chunk"), and
`stop_speaking_async()` from another thread ends it within ~1 ms. So on our
timeout or a cancellation the synthesis is stopped, which frees its thread and
its concurrency slot instead of holding them for 80 s.
"""

from __future__ import annotations

import asyncio
import re
import threading
from typing import Any
from xml.sax.saxutils import escape

import azure.cognitiveservices.speech as speechsdk
import structlog

from app.media.pcm import resample, trim_silence
from app.media.tts.base import TtsError
from app.media.tts.settings import (
    AZURE_VOICE,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_TIMEOUT_S,
    TtsConfigError,
)
from app.vendors.azure_speech import SdkThreads, credentials, release_off_loop, speech_config
from app.vendors.limits import CallLimits, Expired

log = structlog.get_logger("portaria.tts")

_OUT = speechsdk.SpeechSynthesisOutputFormat
# Raw (headerless) 16-bit mono PCM formats Azure produces, by sample rate.
NATIVE_FORMATS: dict[int, Any] = {
    8000: _OUT.Raw8Khz16BitMonoPcm,
    16000: _OUT.Raw16Khz16BitMonoPcm,
    22050: _OUT.Raw22050Hz16BitMonoPcm,
    24000: _OUT.Raw24Khz16BitMonoPcm,
    44100: _OUT.Raw44100Hz16BitMonoPcm,
    48000: _OUT.Raw48Khz16BitMonoPcm,
}
# XML 1.0 forbids these code points even escaped; one in a phrase would make
# Azure reject the whole request, so they become spaces.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _attr(value: str) -> str:
    return '"' + escape(value, {'"': "&quot;"}) + '"'


def build_ssml(
    text: str, *, voice: str, rate: str = "0%", pitch: str = "0%", lang: str = "pt-BR"
) -> str:
    """The SSML document for one phrase; text and attributes are XML-escaped.

    Pure, so it is tested without the SDK. Phrases come from config and from the
    directory ("Apto 12 <fundos> & cia"), so escaping is not optional.
    """
    body = escape(_XML_ILLEGAL.sub(" ", text))
    return (
        f'<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang={_attr(lang)}>'
        f"<voice name={_attr(voice)}><prosody rate={_attr(rate)} pitch={_attr(pitch)}>"
        f"{body}</prosody></voice></speak>"
    )


def synthesis_rate(sample_rate: int) -> int:
    """The rate to ask Azure for: the leg's own when Azure has it, else the next one up
    (12 kHz -> 16 kHz), so resampling only ever goes down and loses no bandwidth."""
    if sample_rate in NATIVE_FORMATS:
        return sample_rate
    higher = [r for r in NATIVE_FORMATS if r > sample_rate]
    return min(higher) if higher else max(NATIVE_FORMATS)


class _Job:
    """One synthesis, stoppable from another thread (our timeout, or a hang-up)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stopped = False
        self.synthesizer: Any = None

    def stop(self) -> None:
        """Ask the SDK to end the request; runs on a throw-away daemon thread."""
        with self.lock:
            self.stopped = True
            synth = self.synthesizer
        if synth is None:
            return

        def stop_now() -> None:
            try:
                synth.stop_speaking_async().get()
            except Exception as exc:  # noqa: BLE001 - best effort; the thread ends by itself later
                log.debug("tts.azure_stop_failed", error=str(exc))

        threading.Thread(target=stop_now, name="tts-azure-stop", daemon=True).start()


class AzureTts:
    def __init__(
        self,
        *,
        voice: str = AZURE_VOICE,
        rate: str = "0%",
        pitch: str = "0%",
        region: str | None = None,
        host: str | None = None,
        key: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        name: str = "azure",
    ) -> None:
        self._creds = credentials(
            "text-to-speech", "tts", key=key, region=region, host=host, error=TtsConfigError
        )
        # Concurrency is SdkThreads': a slot is freed when the SDK's thread returns.
        self._limits = CallLimits(timeout_s, error=TtsConfigError)
        if max_concurrency < 1:
            raise TtsConfigError(f"max_concurrency must be >= 1, got {max_concurrency}")
        self.name = name
        self.voice, self.rate, self.pitch = voice, rate, pitch
        self.timeout_s = timeout_s
        # One config per output format: a shared config's format must not change
        # under a synthesizer being built on another thread. 8 and 16 kHz now, so
        # that a config the SDK refuses fails at start-up, not on the first call.
        self._configs: dict[int, Any] = {}
        for r in (8000, 16000):
            self.config_for(r)
        self._threads = SdkThreads(max_concurrency, f"tts-{name}")

    @property
    def voice_key(self) -> str:
        # Region and host do not change the audio; voice, rate and pitch do.
        return f"azure:{self.voice}:r{self.rate}:p{self.pitch}"

    def config_for(self, synth_rate: int) -> Any:
        """The SpeechConfig whose output format is raw PCM at `synth_rate` (a native rate)."""
        config = self._configs.get(synth_rate)
        if config is not None:
            return config

        def configure(new: Any) -> None:
            new.speech_synthesis_voice_name = self.voice
            new.set_speech_synthesis_output_format(NATIVE_FORMATS[synth_rate])

        config = speech_config(self._creds, TtsConfigError, configure, f"voice={self.voice!r}")
        self._configs[synth_rate] = config
        return config

    def build_synthesizer(self, synth_rate: int) -> Any:
        """Everything short of the network. `audio_config=None`: audio stays in the result."""
        return speechsdk.SpeechSynthesizer(
            speech_config=self.config_for(synth_rate), audio_config=None
        )

    def ssml(self, text: str) -> str:
        return build_ssml(text, voice=self.voice, rate=self.rate, pitch=self.pitch)

    def _speak_blocking(self, ssml: str, synth_rate: int, job: _Job) -> tuple[bytes, str | None]:
        """(audio, error) as plain values, on an SDK thread.

        No native handle may leave this function (not even in a traceback): they
        are released on a throw-away daemon thread, so this slot frees at once.
        """
        native: list[Any] = []
        try:
            with job.lock:  # a stop() from now on sees the synthesizer and can end it
                if job.stopped:
                    return b"", "stopped before it started"
                native.append(self.build_synthesizer(synth_rate))
                native.append(native[0].speak_ssml_async(ssml))  # returns at once
                job.synthesizer = native[0]
            native.append(native[1].get())
            result = native[2]
            reason = result.reason
            if reason == speechsdk.ResultReason.SynthesizingAudioCompleted:
                outcome: tuple[bytes, str | None] = (bytes(result.audio_data), None)
            elif reason == speechsdk.ResultReason.Canceled:
                d = result.cancellation_details
                details = " ".join(str(d.error_details).split())[:300]  # one log line
                outcome = (b"", f"{d.reason} ({d.error_code}): {details}")
            else:
                outcome = (b"", f"unexpected result reason {reason}")
            del result
        except Exception as exc:  # noqa: BLE001 - becomes TtsError on the loop side
            outcome = (b"", f"{type(exc).__name__}: {exc}")
        with job.lock:
            job.synthesizer = None
        release_off_loop(native)
        return outcome

    async def synthesize(self, text: str, sample_rate: int) -> bytes:
        if sample_rate <= 0:
            raise ValueError(f"sample rate must be positive, got {sample_rate}")
        if not text.strip():
            return b""
        where = f"tts backend {self.name!r} (voice {self.voice})"
        synth_rate = synthesis_rate(sample_rate)
        self.config_for(synth_rate)  # on the loop: the dict is only touched here
        ssml = self.ssml(text)
        job = _Job()
        try:
            async with self._limits.call():
                audio, error = await self._threads.run(
                    lambda: self._speak_blocking(ssml, synth_rate, job)
                )
        except Expired:
            job.stop()
            log.warning("tts.error", backend=self.name, error="timeout", timeout_s=self.timeout_s)
            raise TtsError(f"{where}: no audio within {self.timeout_s:g} s") from None
        except TimeoutError:
            job.stop()
            raise TtsError(f"{where}: TimeoutError from the SDK") from None
        except asyncio.CancelledError:
            job.stop()  # the caller hung up: do not keep Azure (and a slot) busy for nothing
            raise
        if error is not None:
            log.warning("tts.error", backend=self.name, error=error)
            raise TtsError(f"{where}: {error}")
        if len(audio) < 2:
            raise TtsError(f"{where}: Azure returned no audio")
        pcm = resample(audio[: len(audio) & ~1], synth_rate, sample_rate)
        # Neural voices start and end with some silence: pure added latency on a gate call.
        return trim_silence(pcm, sample_rate)

    async def aclose(self) -> None:
        pass  # synthesizers are per phrase; nothing long-lived to release
