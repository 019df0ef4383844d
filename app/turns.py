"""Turn-taking: when a caller's words are one turn, whatever pauses they make.

People pause mid-sentence ("Boa noite, aqui é o Marcos, … vim deixar uma
encomenda"). The endpointer cuts at 0.4 s of silence, which is right for
latency, so what a person does when the other goes on talking happens here:

- a fragment that ends like an unfinished sentence waits a little for more;
- speech that starts again before our reply to the previous fragment has been
  heard for `continuation_seconds` (or before it started) is the same turn: the
  reply is not started, or stopped by barge-in, and the fragments are
  recognized together, pause included, so the dialog decides once;
- recognition starts speculatively when the caller pauses (`speculative_seconds`),
  on the turn's audio as it would be if it ended there (joined to the fragment
  it continues, or to the unfinished sentence it completes); the guess is used
  only when the turn's audio is exactly that (app/media/speculation.py).

Lives beside the call (not in app/media) because it needs the dialog's pt-BR
knowledge of unfinished sentences; it owns no task of its own.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import structlog

from app.config import EndpointingSettings
from app.dialog.nlu.unfinished import sounds_unfinished
from app.media.listener import Heard, Listener
from app.media.speculation import Recognize, Speculation
from app.media.stt import SttHint, Transcript
from app.media.vad import Utterance

log = structlog.get_logger(__name__)


@dataclass
class Fragment:
    """A turn's audio so far: one utterance, or several joined, pauses included."""

    pcm: bytes
    sample_rate: int
    start: float
    end: float
    hint: SttHint | None
    continued: bool = False  # joined to a fragment we had already answered (or begun to)
    reply_at: float | None = None  # when the caller first heard our reply to it

    @classmethod
    def of(cls, u: Utterance, hint: SttHint | None) -> Fragment:
        return cls(u.pcm, u.sample_rate, u.start, u.end, hint)


class TurnTaker:
    """Per call: the caller's last fragment per role, and whether new speech continues it."""

    def __init__(self, cfg: EndpointingSettings) -> None:
        self.cfg = cfg
        self._last: dict[str, Fragment] = {}
        self._open: dict[str, Fragment] = {}  # a turn waiting for the rest of its sentence
        self._specs: dict[str, Speculation] = {}
        self.joined = 0  # fragments joined into an earlier turn (tests, bench)

    def replied(self, role: str, first_frame_at: float | None) -> None:
        """Our reply to `role` reached them (its first frame was sent)."""
        last = self._last.get(role)
        if last is not None and last.reply_at is None and first_frame_at is not None:
            last.reply_at = first_frame_at

    def caller_resumed(self, role: str, listener: Listener) -> bool:
        """The caller speaks again after their last fragment: a reply now would talk over them."""
        last = self._last.get(role)
        started = listener.speech_started_at
        return (
            last is not None
            and last.reply_at is None
            and started is not None
            and started > last.end
        )

    def continues(self, role: str, u: Utterance) -> Fragment | None:
        last = self._last.get(role)
        if last is None or u.start - last.end > self.cfg.continuation_max_gap_seconds:
            return None
        if last.reply_at is not None and u.start > last.reply_at + self.cfg.continuation_seconds:
            return None
        return last

    def begin(self, role: str, u: Utterance, hint: SttHint | None) -> Fragment:
        """The turn `u` belongs to: joined to the previous fragment when it continues it."""
        previous = self.continues(role, u)
        if previous is None:
            return Fragment.of(u, hint)
        log.info("turn_continued", role=role)
        turn = self.join(previous, u)
        turn.continued = True
        return turn

    def remember(self, role: str, turn: Fragment) -> None:
        self._last[role] = Fragment(turn.pcm, turn.sample_rate, turn.start, turn.end, turn.hint)

    def forget(self, role: str) -> None:
        self._last.pop(role, None)

    async def more_after_unfinished(
        self, role: str, turn: Fragment, text: str | None, listener: Listener
    ) -> Fragment | None:
        """If `text` ends like an unfinished sentence, `turn` joined to the caller's next
        utterance when they go on within `unfinished_wait_seconds`; None (and nothing
        consumed) otherwise."""
        wait = self.cfg.unfinished_wait_seconds
        if not text or wait <= 0 or not sounds_unfinished(text):
            return None
        self._open[role] = turn  # a pause in the rest is recognized joined to it
        try:
            if not listener.speaking.is_set():
                try:
                    await asyncio.wait_for(listener.speaking.wait(), wait)
                except TimeoutError:
                    return None
            heard: Heard = await listener.next(self.cfg.max_utterance_seconds + 2)
        finally:
            self._open.pop(role, None)
        if heard.kind != "speech" or heard.utterance is None:
            listener.push_back(heard)  # a key or a hang-up is not lost
            return None
        log.info("turn_unfinished_continued", role=role, fragment=text)
        return self.join(turn, heard.utterance)

    def join(self, first: Fragment, then: Utterance) -> Fragment:
        """The two fragments' audio as one, with the pause between them (each keeps its own
        tail and pre-roll of it)."""
        self.joined += 1
        return self.join_quietly(first, then)

    # -- speculative recognition ------------------------------------------------
    def speculate(
        self, role: str, listener: Listener, hint: SttHint | None, recognize: Recognize
    ) -> None:
        """While a turn is listened for: each pause of the caller starts recognizing the turn as
        `begin`/`join` would make it if the utterance ended there."""
        if self.cfg.speculative_seconds <= 0:
            return
        spec = self._specs[role] = Speculation(recognize)

        def paused(u: Utterance) -> None:
            turn = self._open.get(role)
            guess = (
                self._begin_quietly(role, u, hint) if turn is None else self.join_quietly(turn, u)
            )
            spec.start(guess.pcm, guess.sample_rate, guess.hint)

        listener.on_pause, listener.on_resume = paused, spec.cancel

    def stop_speculating(self, role: str, listener: Listener) -> None:
        listener.on_pause = listener.on_resume = None
        spec = self._specs.pop(role, None)
        if spec is not None:
            spec.cancel()

    def speculation(self, role: str) -> Speculation | None:
        return self._specs.get(role)

    async def recognize(self, role: str, turn: Fragment, recognize: Recognize) -> Transcript:
        """The turn's transcript: the speculative one when it was made on exactly this audio."""
        spec = self._specs.get(role)
        if spec is None:
            return await recognize(turn.pcm, turn.sample_rate, turn.hint)
        return await spec.recognize(turn.pcm, turn.sample_rate, turn.hint)

    def _begin_quietly(self, role: str, u: Utterance, hint: SttHint | None) -> Fragment:
        previous = self.continues(role, u)
        return Fragment.of(u, hint) if previous is None else self.join_quietly(previous, u)

    @staticmethod
    def join_quietly(first: Fragment, then: Utterance) -> Fragment:
        # What join() returns, without counting a join that may never happen.
        return Fragment(
            first.pcm + then.pcm,
            first.sample_rate,
            first.start,
            then.end,
            first.hint,
            continued=first.continued,
        )
