"""The dialog on a scripted call: what the visitor says, what the gate says, whom it dials.

A `CallPort` with no audio, no Asterisk and no clock: each `listen` returns
the next scripted line, and the call ends (the visitor "hangs up") when the
script runs out. Every resident answers and says "sim". Runs the real
visitor and resident flows with the real directory matching and rule NLU,
so a table of conversations can run in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.config import CondominiumSettings
from app.dialog.context import Conversation
from app.dialog.nlu import RuleExtractor
from app.dialog.ports import Input, RingOutcome, Role, SttHint
from app.dialog.session import Session
from app.dialog.visitor_flow import run_visitor
from app.directory.directory import Directory


@dataclass
class ScriptedCall:
    visitor_says: list[str]
    session: Session = field(default_factory=lambda: Session("s-1", "apoena", "chan-visitor"))
    said: list[tuple[Role, str]] = field(default_factory=list)
    dialed: list[str] = field(default_factory=list)
    ended: str | None = None

    async def say(self, role: Role, text: str) -> bool:
        self.said.append((role, text))
        return True

    async def play_audio(self, role: Role, pcm: bytes, sample_rate: int) -> bool:
        return True

    async def listen(
        self, role: Role, timeout: float, transcribe: bool = True, hint: SttHint | None = None
    ) -> Input:
        if role == "resident":
            return Input("speech", text="Sim.")
        if not self.visitor_says:
            return Input("closed")
        return Input("speech", text=self.visitor_says.pop(0))

    def party_gone(self, role: Role) -> bool:
        return role == "visitor" and not self.visitor_says

    @property
    def can_transcribe(self) -> bool:
        return True

    def stt_failures(self) -> int:
        return 0

    async def call_resident(self, number: str) -> RingOutcome:
        self.dialed.append(number)
        return "answered"

    async def hangup_resident(self) -> None:
        return None

    async def open_gate(self) -> bool:
        return True

    async def end(self, reason: str) -> None:
        self.ended = reason

    def to_visitor(self) -> list[str]:
        return [text for role, text in self.said if role == "visitor"]


async def converse(
    directory: Directory, visitor_says: list[str], condo: CondominiumSettings | None = None
) -> tuple[ScriptedCall, Conversation]:
    """Run one visitor call to its end; the call shows what was said and dialed, the
    conversation whom the gate settled on."""
    condo = condo or CondominiumSettings(reassure_every_s=0)
    call = ScriptedCall(list(visitor_says))
    conv = Conversation(
        call=call, condo=condo, directory=directory, extractor=RuleExtractor(directory), audit=None
    )
    await run_visitor(conv)
    return call, conv
