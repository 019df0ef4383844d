"""One visitor call's record while it is live, and the one function that decides it.

The call owner (app/calls) creates the record at StasisStart; the dialog fills
in what it learns (who, whom, which numbers it dialed) and decides it once.
`decide` is the only place a `Decision` is made: the audit row, the "decision"
event (and so the webhooks) and the API's views are all built from what it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.records.model import Decision, Outcome


@dataclass
class CallRecord:
    call_id: str
    condominium: str
    visitor_channel: str
    caller: str | None = None  # the intercom's caller id number
    visitor_name: str | None = None
    intent: str | None = None
    apartment: str | None = None  # label, once the visitor's apartment is known
    resident: str | None = None
    resident_channel: str | None = None  # the resident leg that decided, if one answered
    dialed: list[str] = field(default_factory=list)  # numbers tried, in order
    decision: Decision | None = None  # set once, by `decide`

    @property
    def outcome(self) -> Outcome | None:
        return None if self.decision is None else Outcome(self.decision.outcome)

    @property
    def decided(self) -> bool:
        return self.decision is not None


def decide(
    record: CallRecord,
    outcome: Outcome,
    decided_by: str,
    gate_opened: bool = False,
    audit: Callable[[Decision], None] | None = None,
) -> Decision:
    """Put the call's decision on record (once: a second call returns the first decision)."""
    if record.decision is not None:
        return record.decision
    d = Decision(
        condominium=record.condominium,
        outcome=outcome.value,
        decided_by=decided_by,
        call_id=record.call_id,
        visitor_name=record.visitor_name,
        intent=record.intent,
        apartment=record.apartment,
        resident=record.resident,
        gate_opened=gate_opened,
        visitor_channel=record.visitor_channel,
        resident_channel=record.resident_channel,
        dialed=",".join(record.dialed) or None,
        caller=record.caller,
    )
    record.decision = d
    if audit is not None:
        audit(d)
    return d


def decision_event(d: Decision) -> dict[str, Any]:
    """The "decision" bus event's data (webhooks and the live dashboard read it)."""
    return {
        "outcome": d.outcome,
        "gate_opened": d.gate_opened,
        "apartment": d.apartment,
        "resident": d.resident,
    }
