"""Speculative recognition: start recognizing when the caller pauses, keep the result
only if the turn's audio turns out to be exactly what was recognized.

The endpointer offers the utterance as it would end (SpeechPaused) `speculative_seconds`
after the caller's last voiced frame; the turn ends at `silence_seconds`. Starting then
hides up to that difference of recognition time from the caller. A guess is keyed by
its exact audio, rate and hint: speech that resumes, a fragment joined to another, or
frames that arrived late all make the turn's audio differ, and the guess is cancelled
(a recognizer job not yet started is never run) and the audio recognized afresh.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import structlog

from app.media.stt import SttHint, Transcript
from app.metrics import STT_SPECULATION

log = structlog.get_logger(__name__)

Recognize = Callable[[bytes, int, SttHint | None], Coroutine[Any, Any, Transcript]]


@dataclass(frozen=True)
class _Guess:
    pcm: bytes
    sample_rate: int
    hint: SttHint | None
    task: asyncio.Task[Transcript]


def _retrieved(task: asyncio.Task[Transcript]) -> None:
    # A discarded guess's error (SttError, a timeout) is nobody's: not "never retrieved".
    if not task.cancelled():
        task.exception()


class Speculation:
    """At most one guess at a time for one listener; `recognize` claims or replaces it."""

    def __init__(self, recognize: Recognize) -> None:
        self._recognize = recognize
        self._guess: _Guess | None = None
        self.started = self.used = self.discarded = 0

    def start(self, pcm: bytes, sample_rate: int, hint: SttHint | None) -> None:
        self.cancel()
        task = asyncio.get_running_loop().create_task(self._recognize(pcm, sample_rate, hint))
        task.add_done_callback(_retrieved)
        self._guess = _Guess(pcm, sample_rate, hint, task)
        self.started += 1

    def cancel(self) -> None:
        """Speech resumed (or the turn is over): the guess is void."""
        guess, self._guess = self._guess, None
        if guess is not None:
            guess.task.cancel()
            self.discarded += 1
            STT_SPECULATION.labels(outcome="discarded").inc()
            log.debug("stt_speculation_discarded")

    async def recognize(self, pcm: bytes, sample_rate: int, hint: SttHint | None) -> Transcript:
        """The transcript of exactly this audio: the guess's when it is the same audio."""
        guess = self._guess
        same = guess is not None and (guess.pcm, guess.sample_rate, guess.hint) == (
            pcm,
            sample_rate,
            hint,
        )
        if guess is not None and same:
            self._guess = None
            self.used += 1
            STT_SPECULATION.labels(outcome="used").inc()
            log.debug("stt_speculation_used")
            return await guess.task
        self.cancel()
        return await self._recognize(pcm, sample_rate, hint)
