"""LimitedStt / SttSettings / build_stt, with in-memory backends."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import ValidationError
from structlog.testing import capture_logs

from app.media.stt import SpeechToText, SttError, SttSettings, Transcript, build_stt
from app.media.stt.limits import LimitedStt


class FakeStt:
    def __init__(self, name: str = "fake", delay_s: float = 0.0, fail: Exception | None = None):
        self.name = name
        self.delay_s = delay_s
        self.fail = fail
        self.calls = 0
        self.closed = False

    async def transcribe(self, pcm: bytes, sample_rate: int, hint: object = None) -> Transcript:
        self.calls += 1
        await asyncio.sleep(self.delay_s)
        if self.fail is not None:
            raise self.fail
        return Transcript(text="ok", latency_s=0.0, backend=self.name)

    async def aclose(self) -> None:
        self.closed = True


PCM = b"\x00\x00" * 8000  # 1 s at 8 kHz


def test_fake_and_wrappers_satisfy_the_protocol() -> None:
    assert isinstance(FakeStt(), SpeechToText)
    assert isinstance(LimitedStt(FakeStt()), SpeechToText)


async def test_latency_includes_the_wait_for_a_slot() -> None:
    stt = LimitedStt(FakeStt(delay_s=0.2), max_concurrency=1, timeout_s=2)
    a, b = await asyncio.gather(stt.transcribe(PCM, 8000), stt.transcribe(PCM, 8000))
    # Lower bounds only (a sleep never ends early): a busy machine makes them truer.
    assert a.latency_s >= 0.18 and b.latency_s >= 0.38


async def test_the_timeout_covers_queueing() -> None:
    stt = LimitedStt(FakeStt(delay_s=0.3), max_concurrency=1, timeout_s=0.45)
    results = await asyncio.gather(
        stt.transcribe(PCM, 8000), stt.transcribe(PCM, 8000), return_exceptions=True
    )
    assert isinstance(results[0], Transcript)
    assert isinstance(results[1], SttError)


async def test_unexpected_exceptions_become_stt_errors() -> None:
    stt = LimitedStt(FakeStt(name="x", fail=OSError("disk on fire")))
    with capture_logs() as logs, pytest.raises(SttError, match="'x'.*OSError.*disk on fire"):
        await stt.transcribe(PCM, 8000)
    assert logs[-1]["outcome"] == "error" and logs[-1]["log_level"] == "warning"


async def test_cancellation_propagates_and_is_logged() -> None:
    stt = LimitedStt(FakeStt(delay_s=5))
    with capture_logs() as logs:
        task = asyncio.create_task(stt.transcribe(PCM, 8000))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert logs[-1]["outcome"] == "cancelled"


async def test_empty_text_is_logged_as_no_speech() -> None:
    class Silent(FakeStt):
        async def transcribe(self, pcm: bytes, sample_rate: int, hint: object = None) -> Transcript:
            return Transcript("", 0.0, self.name)

    with capture_logs() as logs:
        out = await LimitedStt(Silent()).transcribe(PCM, 8000)
    assert out.text == "" and logs[-1]["outcome"] == "no_speech"


def test_bad_limits_are_rejected() -> None:
    with pytest.raises(ValueError):
        LimitedStt(FakeStt(), max_concurrency=0)
    with pytest.raises(ValueError):
        LimitedStt(FakeStt(), timeout_s=0)


def test_settings_defaults_and_validation() -> None:
    cfg = SttSettings()
    assert (cfg.backend, cfg.timeout_s, cfg.max_concurrency) == ("none", 4.0, 3)
    assert (cfg.model, cfg.language) == ("whisper-1", "pt-BR")
    assert build_stt(cfg) is None  # keypad mode
    with pytest.raises(ValidationError, match="timeout"):
        SttSettings.model_validate({"backend": "openai", "timeout": 3})  # misspelt key
    with pytest.raises(ValidationError):
        SttSettings.model_validate({"backend": "google"})
    with pytest.raises(ValidationError):
        SttSettings(timeout_s=0)
    # Removed with Azure's continuous recognition: the error says so, on the key's line.
    with pytest.raises(ValidationError, match="azure_segment_timeout_ms\n.*was removed"):
        SttSettings.model_validate({"backend": "azure", "azure_segment_timeout_ms": 500})


async def test_a_backend_timeout_error_is_not_reported_as_ours() -> None:
    stt = LimitedStt(FakeStt(name="x", fail=TimeoutError("socket read")), timeout_s=2)
    with pytest.raises(SttError, match="'x': TimeoutError: socket read"):
        await stt.transcribe(PCM, 8000)
