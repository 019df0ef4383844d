"""Azure STT: config errors, and the real SDK driven as far as it goes without a key.

No test here reaches Azure's cloud (no network, no key). Recognition runs for
real against a closed local port, which takes the SDK's whole path (push stream,
recognizer, websocket connect) up to the connection failure.
"""

from __future__ import annotations

import asyncio
import socket
import time

import azure.cognitiveservices.speech as speechsdk
import pytest

from app.media.stt import SttConfigError, SttError, SttSettings, build_stt
from app.media.stt.azure import AzureStt, make_speech_config, push_stream
from app.media.stt.limits import LimitedStt


@pytest.fixture(autouse=True)
def no_azure_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_SPEECH_KEY", raising=False)
    monkeypatch.delenv("AZURE_SPEECH_REGION", raising=False)


def silence(seconds: float, rate: int) -> bytes:
    return b"\x00\x00" * round(seconds * rate)


def closed_host() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"ws://127.0.0.1:{s.getsockname()[1]}"


def test_missing_key_names_the_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_SPEECH_REGION", "brazilsouth")
    with pytest.raises(SttConfigError, match="AZURE_SPEECH_KEY"):
        AzureStt()
    with pytest.raises(SttConfigError, match="AZURE_SPEECH_KEY"):
        build_stt(SttSettings(backend="azure"))


def test_missing_region_names_the_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_SPEECH_KEY", "dummy")
    with pytest.raises(SttConfigError, match="AZURE_SPEECH_REGION"):
        AzureStt()


def test_bad_region_is_a_config_error() -> None:
    with pytest.raises(SttConfigError, match="not an Azure region"):
        AzureStt(key="dummy", region="Brazil South")


def test_env_key_and_region_build_a_limited_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_SPEECH_KEY", "dummy")
    monkeypatch.setenv("AZURE_SPEECH_REGION", "brazilsouth")
    stt = build_stt(SttSettings(backend="azure", max_concurrency=2, timeout_s=3))
    assert isinstance(stt, LimitedStt) and isinstance(stt.inner, AzureStt)
    assert (stt.name, stt.max_concurrency, stt.timeout_s) == ("azure", 2, 3)


def test_speech_config_carries_language_and_region() -> None:
    cfg = make_speech_config(key="dummy", region="brazilsouth")
    assert cfg.speech_recognition_language == "pt-BR"
    assert cfg.region == "brazilsouth"


@pytest.mark.parametrize("rate", [8000, 16000])
def test_sdk_objects_accept_our_pcm(rate: int) -> None:
    stt = AzureStt(key="dummy", region="brazilsouth")
    recognizer = stt.build_recognizer(silence(1.0, rate), rate)
    assert isinstance(recognizer, speechsdk.SpeechRecognizer)
    lang = recognizer.properties.get_property(
        speechsdk.PropertyId.SpeechServiceConnection_RecoLanguage
    )
    assert lang == "pt-BR"
    stream = push_stream(rate)
    stream.write(silence(0.02, rate))  # one AudioSocket frame
    stream.close()


async def test_unsupported_rate_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="8000 or 16000"):
        push_stream(44100)
    stt = AzureStt(key="dummy", region="brazilsouth")
    with pytest.raises(ValueError, match="8000 or 16000"):
        await stt.transcribe(silence(0.5, 48000), 48000)


async def test_recognition_failure_is_an_stt_error_and_never_blocks_the_loop() -> None:
    # Against an unreachable host the SDK either reports the failure (CancellationReason
    # .Error, after ~0.5-1.5 s) or, now and then, never returns: both must end as
    # SttError within the timeout, and the loop must keep running meanwhile (the SDK
    # blocks ~10 s releasing such a recognizer, which must not happen on the loop).
    stt = LimitedStt(AzureStt(key="dummy", host=closed_host()), timeout_s=3)
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    tick = asyncio.create_task(ticker())
    t0 = time.monotonic()
    with pytest.raises(SttError, match=r"'azure'.*(CancellationReason.Error|within 3 s)"):
        await stt.transcribe(silence(0.5, 8000), 8000)
    # Margin 0.5 s: see MARGIN_S in tests/test_cloud_stalls.py.
    assert time.monotonic() - t0 < 3.5
    await asyncio.sleep(0.5)  # the recognizer is being released now, off the loop
    tick.cancel()
    # A release on the loop blocks it ~10 s; a busy 2-core machine alone stalls it up
    # to ~0.8 s (measured with 8 CPU-bound processes beside it): 1 s tells them apart.
    assert max(gaps) < 1.0


async def test_short_audio_is_no_speech_without_the_sdk() -> None:
    stt = AzureStt(key="dummy", host=closed_host())
    assert (await stt.transcribe(silence(0.05, 16000), 16000)).text == ""


async def test_timed_out_thread_keeps_its_slot_until_it_ends() -> None:
    # A timed-out SDK call still holds a thread and a connection: the semaphore must
    # not hand its slot to the next call before that thread really returns.
    stt = AzureStt(key="dummy", region="brazilsouth", max_threads=1)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(stt._run_blocking(lambda: time.sleep(0.4)), 0.05)
    assert stt._threads.running == 1
    t0 = time.monotonic()
    assert await stt._run_blocking(lambda: 42) == 42
    # A lower bound only (the slot frees when the 0.4 s sleep ends): load cannot break it.
    assert time.monotonic() - t0 >= 0.25
