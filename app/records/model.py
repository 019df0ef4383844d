"""What is kept of each call: the gate decision and the conversation that led to it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Literal

# Who a turn belongs to: the two callers, and the attendant itself.
Speaker = Literal["visitor", "resident", "portaria"]
# said: what we said (to `party`); heard: what a caller said (recognized, or the
# keypad); event: a step of the call (resident rang, gate opened...).
TurnKind = Literal["said", "heard", "dtmf", "event"]


class Outcome(enum.StrEnum):
    """How a visitor call ended. String-valued: audit rows, events and JSON carry the value."""

    AUTHORIZED = "authorized"
    DENIED = "denied"
    NO_ANSWER = "no_answer"
    NO_DECISION = "no_decision"
    VISITOR_LEFT = "visitor_left"
    NOT_RESOLVED = "not_resolved"
    ERROR = "error"


@dataclass(frozen=True)
class Decision:
    """The audit row of one call, as stored and as every view (API, events, CSV) shows it."""

    condominium: str
    outcome: str  # an Outcome's value (rows read back from the store are plain text)
    decided_by: str  # resident | resident_dtmf | system
    call_id: str
    visitor_name: str | None = None
    intent: str | None = None
    apartment: str | None = None
    resident: str | None = None
    gate_opened: bool = False
    visitor_channel: str | None = None
    resident_channel: str | None = None
    dialed: str | None = None  # comma-separated endpoints tried, in order
    caller: str | None = None  # the intercom's caller id number
    recording: str | None = None  # path of the call's recording(s), comma-separated
    ts: float = 0.0


@dataclass(frozen=True)
class Turn:
    """One step of a conversation, in order (`seq`) within its call.

    `timings` holds the stages measured for it, in seconds: for a heard turn
    speech_start/speech_end (call clock), endpointing_s, stt_s, nlu_s; for a said
    turn tts_s and first_frame_s (how long the caller waited for our first
    sample after their last one).
    """

    call_id: str
    seq: int
    ts: float
    speaker: Speaker
    kind: TurnKind
    text: str
    party: str | None = None  # for said turns: who heard it (visitor/resident)
    confidence: float | None = None
    source: str | None = None  # recognizer name, "keypad", ...
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "ts": self.ts,
            "speaker": self.speaker,
            "kind": self.kind,
            "text": self.text,
            "party": self.party,
            "confidence": self.confidence,
            "source": self.source,
            "timings": dict(self.timings),
        }
