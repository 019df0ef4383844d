"""The rule extractor's table: tests/data/utterances.yaml read into cases, and the
per-field score of an extractor over them (tests/test_nlu_table.py asserts thresholds
on it; bench/bench_nlu.py prints it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.dialog.nlu import (
    Extraction,
    Intent,
    Reply,
    VisitState,
)
from app.directory.normalize import canonical_name
from app.directory.numbers import ApartmentRef
from tests.harness.asterisk import REPO

TABLE = REPO / "tests" / "data" / "utterances.yaml"
DIRECTORY = REPO / "data" / "apartamentos.json"

FIELDS = ("intent", "detail", "apartment", "visitor", "resident", "keypad")


@dataclass(frozen=True)
class Case:
    text: str
    expected: dict[str, Any]  # field -> expected value (only fields the row checks)
    state: dict[str, Any]


@dataclass
class FieldScore:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


def _ref(value: Any) -> ApartmentRef | None:
    if value is None:
        return None
    return ApartmentRef(str(value["number"]), value.get("block"))


def make_state(raw: dict[str, Any]) -> VisitState:
    return VisitState(
        intent=Intent(raw["intent"]) if raw.get("intent") else None,
        intent_detail=raw.get("intent_detail"),
        # A purpose known with its detail came from a trade or company (weight 3).
        intent_strength=(3 if raw.get("intent_detail") else 2) if raw.get("intent") else 0,
        visitor_name=raw.get("visitor_name"),
        resident_name=raw.get("resident_name"),
        apartment=_ref(raw.get("apartment")),
        awaiting=raw.get("awaiting"),
    )


Table = tuple[list[Case], list[tuple[str, Reply]], list[tuple[str, Reply]]]


def load_table(path: Path = TABLE, section: str = "utterances") -> Table:
    """(utterance cases of `section`, resident replies, visitor confirmations)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for row in data[section]:
        state = row.get("state", {})
        # With a state, the row describes the visit after the turn is merged.
        s = make_state(state)
        expected = {
            "intent": row.get("intent"),
            "apartment": (
                ApartmentRef(str(row["apartment"]), row.get("block"))
                if "apartment" in row
                else s.apartment
            ),
            "visitor": row.get("visitor", s.visitor_name),
            "resident": row.get("resident", s.resident_name),
            "keypad": bool(row.get("keypad", False)),
        }
        if "detail" in row:
            expected["detail"] = str(row["detail"])
        cases.append(Case(row["text"], expected, state))
    replies = [(r["text"], Reply(r["reply"])) for r in data["replies"]]
    confirmations = [(r["text"], Reply(r["reply"])) for r in data["confirmations"]]
    return cases, replies, confirmations


def _same_name(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return canonical_name(a) == canonical_name(b)


def observed(case: Case, extraction: Extraction) -> dict[str, Any]:
    state = make_state(case.state)
    state.merge(extraction)
    return {
        "intent": state.intent.value if state.intent else None,
        "detail": state.intent_detail,
        "apartment": state.apartment,
        "visitor": state.visitor_name,
        "resident": state.resident_name,
        "keypad": extraction.wants_keypad,
    }


def score(
    cases: list[Case], extract: Callable[[str, VisitState], Extraction]
) -> dict[str, FieldScore]:
    scores = {f: FieldScore() for f in FIELDS}
    for case in cases:
        got = observed(case, extract(case.text, make_state(case.state)))
        for name, want in case.expected.items():
            ok = (
                _same_name(want, got[name])
                if name in ("visitor", "resident")
                else want == got[name]
            )
            s = scores[name]
            s.total += 1
            s.right += ok
            if not ok:
                s.misses.append(f"{case.text!r}: want {want!r}, got {got[name]!r}")
    return scores
