"""The rule extractor and reply classifiers over tests/data/utterances.yaml.

Per-field accuracy thresholds over the whole table (a new phrasing may fail
alone without failing the suite, but the rules must stay good overall);
replies and confirmations must all pass, since a wrong YES opens the gate.
The table and its scoring are in tests/harness/nlu_table.py (bench/bench_nlu.py prints them).
"""

from __future__ import annotations

from typing import Any

import pytest

from app.dialog.nlu import Reply, RuleExtractor, classify_confirmation, classify_reply
from app.directory.directory import Directory
from tests.harness.nlu_table import DIRECTORY, FIELDS, Case, FieldScore, load_table, score

THRESHOLDS = {
    "intent": 0.90,
    "detail": 0.85,
    "apartment": 0.95,
    "visitor": 0.80,
    "resident": 0.85,
    "keypad": 1.0,
}


@pytest.fixture(scope="module")
def table() -> tuple[list[Case], list[tuple[str, Reply]], list[tuple[str, Reply]]]:
    return load_table()


@pytest.fixture(scope="module")
def scores(table: tuple[list[Case], Any, Any]) -> dict[str, FieldScore]:
    rules = RuleExtractor(Directory.load(DIRECTORY))
    rows = (
        table[0]
        + load_table(section="holdout")[0]
        + load_table(section="holdout_identity")[0]
        + load_table(section="blind")[0]
    )
    return score(rows, rules.extract_sync)


def test_table_is_big_and_varied(table: tuple[list[Case], list[Any], list[Any]]) -> None:
    cases, replies, _confirmations = table
    assert len(cases) >= 110
    assert len(replies) >= 30
    intents = {c.expected["intent"] for c in cases}
    assert intents >= {"visita", "entrega", "servico", None}
    assert len({c.text for c in cases}) == len(cases), "duplicate utterances"


@pytest.mark.parametrize("name", FIELDS)
def test_field_accuracy(scores: dict[str, FieldScore], name: str) -> None:
    s = scores[name]
    assert s.accuracy >= THRESHOLDS[name], (
        f"{name}: {s.right}/{s.total} = {s.accuracy:.1%} < {THRESHOLDS[name]:.0%}\n"
        + "\n".join(s.misses)
    )


def test_every_resident_reply(table: tuple[Any, list[tuple[str, Reply]], Any]) -> None:
    wrong = [(t, want, classify_reply(t)) for t, want in table[1] if classify_reply(t) is not want]
    assert not wrong, "\n".join(f"{t!r}: want {w}, got {g}" for t, w, g in wrong)


def test_every_confirmation(table: tuple[Any, Any, list[tuple[str, Reply]]]) -> None:
    wrong = [
        (t, want, classify_confirmation(t))
        for t, want in table[2]
        if classify_confirmation(t) is not want
    ]
    assert not wrong, "\n".join(f"{t!r}: want {w}, got {g}" for t, w, g in wrong)
