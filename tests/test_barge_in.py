"""Barge-in and echo safety on the real Asterisk.

The test phone's MixMonitor records both directions on one clock: what it
hears (our prompt) and what it says. The prompt must stop within 100 ms of the
caller's speech reaching... the phone's own line, and what the caller said must
be captured as an utterance."""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path

import numpy as np

from app.ari import AriClient
from app.calls import Call
from app.config import Settings
from app.service import Service
from tests.harness.audio import build_timeline
from tests.harness.live import wait_clean
from tests.harness.phone import Phones, frame_rms

LONG_PROMPT = (
    "Olá! Este é um aviso longo da portaria do condomínio. Por favor, aguarde enquanto "
    "explicamos todas as regras de entrada, de saída e de estacionamento do prédio."
)


def _read(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2"), w.getframerate()


def _onset_ms(
    x: np.ndarray, rate: int, threshold: float = 300.0, after_ms: float = 0.0
) -> float | None:
    n = rate // 1000  # 1 ms resolution
    a = np.abs(x.astype(np.float64))
    start = int(after_ms * n)
    idx = np.flatnonzero(a[start:] > threshold)
    return None if idx.size == 0 else (start + int(idx[0])) / n


async def test_caller_speaking_over_a_long_prompt_stops_it_within_100_ms(
    app: Service, phones: Phones, ari: AriClient
) -> None:
    captured: list[str] = []
    played_fully: list[bool] = []

    async def long_prompt(call: Call, settings: Settings) -> None:
        played_fully.append(await call.say("visitor", LONG_PROMPT))
        heard = await call.listeners["visitor"].next(5.0)
        captured.append(heard.kind)
        await call.end("test over")

    app.app.flow = long_prompt
    pcm, _truth = build_timeline(["Oi, é uma entrega para o quinhentos e um"], 8000)
    sound = phones.sound("barge-in", pcm, 8000)
    phone = await phones.dial("100", play=sound, predelay=2.0, wait=10)
    await phone.wait_hung_up(timeout=40)
    await asyncio.sleep(0.5)
    heard, rate = _read(Path(f"{phone.rec_local}-heard.wav"))
    said, _ = _read(Path(f"{phone.rec_local}-said.wav"))
    speech_at = _onset_ms(said, rate)
    assert speech_at is not None, "the phone's speech is not in its own recording"
    # The prompt was playing when the caller began...
    assert (frame_rms(heard, rate)[int(speech_at / 20) - 10 : int(speech_at / 20)] > 300).any()
    # ...and the last prompt sample heard comes at most 100 ms after that.
    rms_1ms = np.abs(heard.astype(np.float64))
    tail = np.flatnonzero(rms_1ms[int(speech_at * rate / 1000) :] > 300)
    stop_after = (tail[-1] / (rate / 1000)) if tail.size else 0.0
    print(f"barge-in: prompt stopped {stop_after:.0f} ms after the caller's first sample")
    # The product's promise, kept as it is. Measured in the phone's own recording:
    # 40-60 ms in 4 runs, idle and with 6 CPU-bound processes beside it (60 ms is the
    # configured confirmation). A stalled app loop does not stretch it much: while the
    # loop stands still no prompt frame goes out either, and a late pacer skips frames
    # instead of bursting them, so at most a frame or two more are heard after a stall.
    assert stop_after <= 100, f"prompt went on {stop_after:.0f} ms over the caller"
    assert played_fully == [False]
    assert captured == ["speech"]
    assert (await wait_clean(ari, app)) == ([], [], 0)


async def test_our_own_prompt_is_never_taken_for_the_callers_speech(
    app: Service, phones: Phones, ari: AriClient
) -> None:
    """A silent caller: our prompts play, the endpointer must yield nothing at all."""
    heard: list[str] = []

    async def talk_to_silence(call: Call, settings: Settings) -> None:
        for _ in range(2):
            await call.say("visitor", LONG_PROMPT)
        h = await call.listeners["visitor"].next(1.5)
        heard.append(h.kind)
        await call.end("test over")

    app.app.flow = talk_to_silence
    phone = await phones.dial("100", wait=40)
    await phone.wait_hung_up(timeout=60)
    assert heard == ["timeout"]
    assert (await wait_clean(ari, app)) == ([], [], 0)
