"""The one place a call's decision is made: the audit row, the "decision" event and the
API's schema all come from it, and a call is decided once."""

from __future__ import annotations

import json
from dataclasses import asdict, fields

from app.api.models import DecisionRecord
from app.dialog.session import Session
from app.records import Decision, Outcome, decide, decision_event


def test_the_decision_is_made_from_the_record_once() -> None:
    s = Session("c-1", "apoena", "chan-v")
    r = s.record
    r.caller, r.apartment, r.resident, r.dialed = "7301", "501", "Ana", ["1003021", "1003022"]
    rows: list[Decision] = []
    d = decide(r, Outcome.AUTHORIZED, "resident", gate_opened=True, audit=rows.append)
    assert rows == [d] and r.outcome is Outcome.AUTHORIZED
    assert (d.call_id, d.condominium, d.visitor_channel, d.caller) == (
        "c-1",
        "apoena",
        "chan-v",
        "7301",
    )
    assert d.dialed == "1003021,1003022" and d.gate_opened
    # A second decision (the visitor hanging up during the goodbye) changes nothing.
    assert decide(r, Outcome.VISITOR_LEFT, "system", audit=rows.append) is d and rows == [d]


def test_outcome_is_written_as_its_plain_value() -> None:
    r = Session("c-2", "apoena", "chan-v").record
    d = decide(r, Outcome.NOT_RESOLVED, "system")
    assert type(d.outcome) is str and d.outcome == "not_resolved"
    assert json.loads(json.dumps(asdict(d)))["outcome"] == "not_resolved"
    assert decision_event(d) == {
        "outcome": "not_resolved",
        "gate_opened": False,
        "apartment": None,
        "resident": None,
    }


def test_the_api_shows_every_column_of_the_record() -> None:
    d = decide(Session("c-3", "apoena", "chan-v").record, Outcome.ERROR, "system")
    assert list(DecisionRecord.model_fields) == [f.name for f in fields(Decision)]
    assert DecisionRecord.model_validate(asdict(d)).model_dump() == asdict(d)
