"""Turn-taking: when a caller's words are one turn, whatever pauses they make.

People pause mid-sentence ("Boa noite, aqui é o Marcos, … vim deixar uma
encomenda"). The endpointer cuts at 0.4 s of silence, which is right for
latency, so what a person does when the other goes on talking happens here:

- a fragment that ends like an unfinished sentence waits a little for more;
- speech that starts again before our reply to the previous fragment has been
  heard for `continuation_seconds` (or before it started) is the same turn: the
  reply is not started, or stopped by barge-in, and the fragments are
  recognized together, pause included, so the dialog decides once.

Lives beside the call (not in app/media) because it needs the dialog's pt-BR
knowledge of unfinished sentences; it owns no task of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog

from app.config import EndpointingSettings
from app.dialog.nlu.unfinished import sounds_unfinished
from app.media.listener import Heard, Listener
from app.media.stt import SttHint, Transcript
from app.media.vad import Utterance

log = structlog.get_logger(__name__)

Recognize = Callable[[bytes, int, SttHint | None], Awaitable[Transcript | None]]


@dataclass
class _Fragment:
    pcm: bytes
    sample_rate: int
    start: float
    end: float
    hint: SttHint | None
    reply_at: float | None = None  # when the caller first heard our reply to it


class TurnTaker:
    """Per call: the caller's last fragment per role, and whether new speech continues it."""

    def __init__(self, cfg: EndpointingSettings) -> None:
        self.cfg = cfg
        self._last: dict[str, _Fragment] = {}
        self.joined = 0  # fragments joined into an earlier turn (tests, bench)

    def replied(self, role: str, first_frame_at: float | None) -> None:
        """Our reply to `role` reached them (its first frame was sent)."""
        last = self._last.get(role)
        if last is not None and last.reply_at is None and first_frame_at is not None:
            last.reply_at = first_frame_at

    def caller_resumed(self, role: str, listener: Listener) -> bool:
        """The caller is speaking again after their last fragment: a reply now would talk over them."""
        last = self._last.get(role)
        started = listener.speech_started_at
        return last is not None and last.reply_at is None and started is not None and started > last.end

    def continues(self, role: str, u: Utterance) -> _Fragment | None:
        last = self._last.get(role)
        if last is None or u.start - last.end > self.cfg.continuation_max_gap_seconds:
            return None
        if last.reply_at is not None and u.start > last.reply_at + self.cfg.continuation_seconds:
            return None
        return last

    def remember(self, role: str, pcm: bytes, rate: int, start: float, end: float, hint: SttHint | None) -> None:
        self._last[role] = _Fragment(pcm, rate, start, end, hint)

    def forget(self, role: str) -> None:
        self._last.pop(role, None)

    async def more_after_unfinished(self, role: str, text: str | None, listener: Listener) -> Utterance | None:
        """If `text` ends like an unfinished sentence, the caller's next utterance when they go
        on within `unfinished_wait_seconds`; None (and nothing consumed) otherwise."""
        wait = self.cfg.unfinished_wait_seconds
        if not text or wait <= 0 or not sounds_unfinished(text):
            return None
        if not listener.speaking.is_set():
            try:
                await asyncio.wait_for(listener.speaking.wait(), wait)
            except TimeoutError:
                return None
        heard: Heard = await listener.next(self.cfg.max_utterance_seconds + 2)
        if heard.kind != "speech" or heard.utterance is None:
            listener.push_back(heard)  # a key or a hang-up is not lost
            return None
        log.info("turn_unfinished_continued", role=role, fragment=text)
        return heard.utterance

    def join(self, first: _Fragment | Utterance, then: Utterance) -> tuple[bytes, float]:
        """The two fragments' audio as one, with the pause between them (each keeps its own
        tail and pre-roll of it); returns (pcm, start of the first)."""
        self.joined += 1
        return first.pcm + then.pcm, first.start
