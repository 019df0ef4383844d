"""Speculative recognition without Asterisk: a guess is used only for exactly its audio,
and a voided guess is cancelled (a recognizer job not yet started never runs)."""

from __future__ import annotations

import asyncio

import pytest

from app.media.speculation import Speculation
from app.media.stt import SttError, SttHint, Transcript


class Recognizer:
    def __init__(self, delay_s: float = 0.05) -> None:
        self.delay_s = delay_s
        self.started: list[bytes] = []
        self.finished: list[bytes] = []
        self.fail = False

    async def __call__(self, pcm: bytes, rate: int, hint: SttHint | None) -> Transcript:
        self.started.append(pcm)
        await asyncio.sleep(self.delay_s)
        if self.fail:
            raise SttError("backend down")
        self.finished.append(pcm)
        return Transcript(text=f"{len(pcm)} bytes", latency_s=self.delay_s, backend="test")


async def test_the_guess_is_used_for_the_same_audio_and_hint() -> None:
    rec = Recognizer()
    spec = Speculation(rec)
    hint = SttHint(prompt="Ana")
    spec.start(b"ab" * 100, 8000, hint)
    await asyncio.sleep(0.02)  # the turn ends while the guess is being recognized
    got = await spec.recognize(b"ab" * 100, 8000, SttHint(prompt="Ana"))
    assert got.text == "200 bytes" and rec.started == [b"ab" * 100]
    assert (spec.used, spec.discarded) == (1, 0)


@pytest.mark.parametrize("pcm, hint", [(b"ab" * 101, None), (b"ab" * 100, SttHint(prompt="x"))])
async def test_other_audio_or_hint_cancels_the_guess_and_recognizes_afresh(
    pcm: bytes, hint: SttHint | None
) -> None:
    rec = Recognizer()
    spec = Speculation(rec)
    spec.start(b"ab" * 100, 8000, None)
    await asyncio.sleep(0.01)
    got = await spec.recognize(pcm, 8000, hint)
    assert got.text == f"{len(pcm)} bytes" and (spec.used, spec.discarded) == (0, 1)
    await asyncio.sleep(0.1)
    assert rec.finished == [pcm]  # the guess never finished: cancelled


async def test_a_guess_voided_before_it_ran_never_reaches_the_recognizer() -> None:
    rec = Recognizer()
    spec = Speculation(rec)
    spec.start(b"ab" * 100, 8000, None)
    spec.cancel()  # speech resumed in the same 20 ms tick
    await asyncio.sleep(0.1)
    assert rec.started == [] and spec.discarded == 1


async def test_a_guess_that_failed_fails_the_turn_only_when_used() -> None:
    rec = Recognizer(delay_s=0.0)
    rec.fail = True
    spec = Speculation(rec)
    spec.start(b"ab" * 100, 8000, None)
    await asyncio.sleep(0.02)
    with pytest.raises(SttError):
        await spec.recognize(b"ab" * 100, 8000, None)
    spec.start(b"cd" * 100, 8000, None)
    await asyncio.sleep(0.02)
    spec.cancel()  # its error is nobody's; asyncio must not report it as never retrieved
