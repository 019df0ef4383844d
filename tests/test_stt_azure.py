"""Azure STT: config errors, and the real SDK driven as far as it goes without a key.

No test here reaches Azure's cloud (no network, no key). Recognition runs for
real against a closed local port, which takes the SDK's whole path (push stream,
recognizer, websocket connect) up to the connection failure.
"""

from __future__ import annotations

import asyncio
import socket
import time
from types import SimpleNamespace

import azure.cognitiveservices.speech as speechsdk
import pytest

from app.media.stt import (
    AzureContinuousStt,
    AzureStt,
    LimitedStt,
    SttConfigError,
    SttError,
    SttSettings,
    build_stt,
)
from app.media.stt.azure import make_speech_config, push_stream
from app.media.stt.factory import build_azure_continuous


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


def test_bad_region_and_segment_timeout_are_config_errors() -> None:
    with pytest.raises(SttConfigError, match="not an Azure region"):
        AzureStt(key="dummy", region="Brazil South")
    with pytest.raises(SttConfigError, match="azure_segment_timeout_ms=50"):
        AzureStt(key="dummy", region="brazilsouth", segment_timeout_ms=50)


def test_env_key_and_region_build_a_limited_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_SPEECH_KEY", "dummy")
    monkeypatch.setenv("AZURE_SPEECH_REGION", "brazilsouth")
    stt = build_stt(SttSettings(backend="azure", max_concurrency=2, timeout_s=3))
    assert isinstance(stt, LimitedStt) and isinstance(stt.inner, AzureStt)
    assert (stt.name, stt.max_concurrency, stt.timeout_s) == ("azure", 2, 3)


def test_speech_config_carries_language_and_segmentation() -> None:
    cfg = make_speech_config(key="dummy", region="brazilsouth", segment_timeout_ms=800)
    assert cfg.speech_recognition_language == "pt-BR"
    assert cfg.region == "brazilsouth"
    seg = cfg.get_property(speechsdk.PropertyId.Speech_SegmentationSilenceTimeoutMs)
    assert seg == "800"


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


async def test_continuous_mode_reports_sdk_errors() -> None:
    cont = AzureContinuousStt(sample_rate=8000, key="dummy", host=closed_host())
    await cont.start()
    for _ in range(25):
        cont.feed(silence(0.02, 8000))
    with pytest.raises(SttError, match="Connection failed"):
        async with asyncio.timeout(10):
            async for _ in cont.results():
                pass
    await cont.aclose()
    await cont.aclose()  # idempotent


async def test_continuous_mode_closes_cleanly_without_starting() -> None:
    cfg = SttSettings(backend="azure", azure_region="brazilsouth", azure_segment_timeout_ms=700)
    with pytest.raises(SttConfigError, match="AZURE_SPEECH_KEY"):
        build_azure_continuous(cfg, 16000)
    cont = AzureContinuousStt(sample_rate=16000, key="dummy", region="brazilsouth",
                              segment_timeout_ms=700)
    cont.feed(silence(0.02, 16000))
    await cont.aclose()
    assert [t async for t in cont.results()] == []


async def test_continuous_latency_counts_from_the_end_of_speech() -> None:
    cont = AzureContinuousStt(sample_rate=8000, key="dummy", region="brazilsouth")
    t_a = time.monotonic()
    for _ in range(50):  # the first 1.0 s
        cont.feed(silence(0.02, 8000))
    t_b = time.monotonic()
    await asyncio.sleep(0.3)
    for _ in range(50):  # 1.0 s more, later
        cont.feed(silence(0.02, 8000))
    # A phrase ending at 1.0 s: its last sample was fed between t_a and t_b, so its
    # latency is "now" minus then, at least the 0.3 s pause (counting from the last
    # frame fed would give ~0). Bounds read from the clock around the calls: they
    # hold whatever the machine's load (was: < 0.5 s for a ~0 s latency).
    result = SimpleNamespace(offset=0, duration=10_000_000)
    t_c = time.monotonic()
    latency = cont._latency(result)
    assert t_c - t_b <= latency <= time.monotonic() - t_a, (t_c - t_b, latency)
    # A phrase ending beyond what was fed (clock skew): no negative or bogus latency.
    assert cont._latency(SimpleNamespace(offset=0, duration=100_000_000)) == 0.0
    await cont.aclose()
