"""Whom the visitor means, as a table: tests/data/matching.yaml, each row a whole call
through the real dialog (a scripted call, tests/harness/fakes/dialog_call.py) with the
rule NLU over tests/data/lookalikes.json, judged on what the gate said to the visitor
and whom it called. tests/test_matching_table.py asserts the targets; bench/bench_nlu.py
prints the tally."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.config import Phrases
from app.directory.directory import Directory
from tests.harness.asterisk import REPO
from tests.harness.fakes.dialog_call import converse

TABLE = REPO / "tests" / "data" / "matching.yaml"
DIRECTORY = Directory.load(REPO / "tests" / "data" / "lookalikes.json")
PHRASES = Phrases()
VISITOR_NAME = "Meu nome é Bruno."  # for when the gate asks who is at the gate

Question = tuple[str, frozenset[str]]  # ("choice", options) | ("confirm", {who}) | ("again", {})


@dataclass(frozen=True)
class Row:
    section: str  # requests | answers
    kind: str  # match | confirm | ask (requests); answer (answers)
    say: str
    then: tuple[str, ...]  # answers to the gate's question about the resident
    expected: str | None  # the resident (or apartment) finally called
    options: frozenset[str] = frozenset()
    again: bool = False

    @property
    def script(self) -> list[str]:
        if self.kind == "ask":
            return [self.say]  # then hangs up: nobody may be called
        confirm = ["Sim."] if self.kind == "confirm" else []
        return [self.say, *confirm, *self.then, VISITOR_NAME]

    def __str__(self) -> str:
        return " / ".join((self.say, *self.then))


def _row(section: str, raw: dict[str, Any]) -> Row:
    if section == "answers":
        return Row(
            section,
            "answer",
            raw["say"],
            tuple(raw["then"]),
            raw["match"],
            again=bool(raw.get("again")),
        )
    kind = next(k for k in ("match", "confirm", "ask") if k in raw)
    if kind == "ask":
        return Row(section, kind, raw["say"], (), None, frozenset(raw["ask"]))
    return Row(section, kind, raw["say"], (), raw[kind])


def load_rows(path: Path = TABLE) -> list[Row]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [_row(section, raw) for section in ("requests", "answers") for raw in data[section]]


def _spoken_options() -> dict[str, re.Pattern[str]]:
    """How each resident and apartment is named in a choice question, by its table name."""
    said: dict[str, re.Pattern[str]] = {}
    for apartment in DIRECTORY.apartments:
        label = apartment.label()
        said[label] = re.compile(re.escape(f"o apartamento {label}") + r"(?![\w])")
        for resident in apartment.residents:
            said[f"{resident.name} {label}"] = re.compile(
                re.escape(f"{resident.name}, do {label}") + r"(?![\w])"
            )
    return said


OPTIONS = _spoken_options()
CHOICE_START, CHOICE_END = PHRASES.ask_choice.split("{options}")


def question(text: str) -> Question | None:
    """What a line the gate said asks about the resident, if anything."""
    if text == PHRASES.ask_resident_again:
        return ("again", frozenset())
    if text.startswith(CHOICE_START) and text.endswith(CHOICE_END):
        return ("choice", frozenset(name for name, said in OPTIONS.items() if said.search(text)))
    for apartment in DIRECTORY.apartments:
        for resident in apartment.residents:
            if text == PHRASES.confirm_match.format(
                resident=resident.name, apartment=apartment.label()
            ):
                return ("confirm", frozenset({f"{resident.name} {apartment.label()}"}))
    return None


@dataclass
class Outcome:
    questions: list[Question]
    called: str | None


async def run(row: Row) -> Outcome:
    call, conv = await converse(DIRECTORY, row.script)
    asked = [q for text in call.to_visitor() if (q := question(text)) is not None]
    called = None
    if call.dialed and conv.apartment is not None:
        label = conv.apartment.label()
        called = label if conv.resident is None else f"{conv.resident.name} {label}"
    return Outcome(asked, called)


def judge(row: Row, got: Outcome) -> list[str]:
    """What went wrong with this row's call; empty when it went as the row says."""
    problems = []
    if got.called != row.expected:
        problems.append(f"called {got.called!r}, want {row.expected!r}")
    kinds = [kind for kind, _ in got.questions]
    if row.kind == "match" and got.questions:
        problems.append(f"asked {got.questions} about a clear request")
    if row.kind == "confirm" and got.questions != [("confirm", frozenset({row.expected}))]:
        problems.append(f"asked {got.questions}, want only a confirmation of {row.expected!r}")
    if row.kind == "ask" and got.questions != [("choice", row.options)]:
        problems.append(f"asked {got.questions}, want a choice between {sorted(row.options)}")
    if row.kind == "answer":
        if not kinds or kinds[0] != "choice":
            problems.append(f"asked {got.questions}: the request should have been asked about")
        if ("again" in kinds) != row.again:
            problems.append(
                f"asked {got.questions}: 'who, then?' {'missing' if row.again else 'unwanted'}"
            )
        if "confirm" in kinds:
            problems.append(f"asked {got.questions}: an answer to the choice needs no confirmation")
    return problems


@dataclass
class Tally:
    """The issue's three numbers, plus confirmations and answers, over the whole table."""

    right: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    wrong_resident: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(self, row: Row, got: Outcome) -> None:
        problems = judge(row, got)
        self.total[row.kind] = self.total.get(row.kind, 0) + 1
        self.right[row.kind] = self.right.get(row.kind, 0) + (not problems)
        if got.called is not None and got.called != row.expected:
            self.wrong_resident.append(f"{row}: called {got.called!r}, want {row.expected!r}")
        self.failures += [f"{row}: {p}" for p in problems]

    def lines(self) -> list[str]:
        names = {
            "match": "clear requests called without a question",
            "ask": "true ambiguities asked",
            "confirm": "weak matches confirmed first",
            "answer": "answers to the question that reached the right one",
        }
        out = [
            f"{names[k]:<52} {self.right.get(k, 0):>3}/{n:<3} {self.right.get(k, 0) / n:6.1%}"
            for k, n in self.total.items()
        ]
        return [*out, f"{'wrong residents called':<52} {len(self.wrong_resident):>3}"]


async def tally(rows: list[Row]) -> Tally:
    result = Tally()
    for row in rows:
        result.add(row, await run(row))
    return result


ROWS = load_rows()
