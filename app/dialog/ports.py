"""What the dialog needs from a live call, as small interfaces.

The dialog decides; it does not know about ARI, sockets or speech backends.
The Stasis app gives it an object satisfying `CallPort`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from app.dialog.session import Session
from app.media.stt.base import SttHint

__all__ = ["CallPort", "Input", "RingOutcome", "Role", "SttHint"]

Role = Literal["visitor", "resident"]
RingOutcome = Literal["answered", "no_answer", "busy", "failed", "visitor_gone"]


@dataclass(frozen=True)
class Input:
    """One thing a party did: said something, pressed a key, stayed silent, or left."""

    kind: Literal["speech", "dtmf", "timeout", "closed"]
    text: str | None = None  # speech: the transcript; None when recognition failed or is off
    digit: str | None = None
    pcm: bytes | None = None  # speech: the utterance audio (keypad mode plays it to the resident)
    sample_rate: int = 8000
    # A closed question's expected phrase the recognizer is sure it heard (see SttHint).
    choice: str | None = None
    # The recognizer scored the expected phrases and none clearly won: `text` is a guess.
    scored: bool = False
    # The text may hold words the recognizer's prompt put there: confirm before acting.
    unsure: bool = False
    # The caller went on with the turn the previous Input began (they spoke again before
    # our reply to it was heard): this is the whole turn, recognized at once; undo
    # whatever the previous Input changed and decide once.
    continues: bool = False


class CallPort(Protocol):
    session: Session

    async def say(self, role: Role, text: str) -> bool:
        """Play `text` to that party; True when fully played, False when cut short."""
        ...

    async def play_audio(self, role: Role, pcm: bytes, sample_rate: int) -> bool: ...

    async def listen(
        self, role: Role, timeout: float, transcribe: bool = True, hint: SttHint | None = None
    ) -> Input:
        """The party's next input; speech is transcribed when `transcribe` and STT is configured.

        `hint`: what this turn expects (names to prompt with, a closed question's answers)."""
        ...

    def party_gone(self, role: Role) -> bool:
        """That party hung up (or its media is gone)."""
        ...

    @property
    def can_transcribe(self) -> bool: ...

    def stt_failures(self) -> int:
        """Recognition failures in a row on this call."""
        ...

    async def call_resident(self, number: str) -> RingOutcome:
        """Originate to the resident's number; on answer their leg is bridged and ready."""
        ...

    async def hangup_resident(self) -> None: ...

    async def open_gate(self) -> bool:
        """Run the condominium's gate action; True when it was carried out."""
        ...

    async def end(self, reason: str) -> None:
        """Hang up every party of the call over ARI and release what it holds."""
        ...
