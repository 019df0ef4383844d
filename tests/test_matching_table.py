"""Whom the visitor means: tests/data/matching.yaml, each row a whole call through the real dialog.

Every row runs the visitor flow on a scripted call (tests/harness/fakes/dialog_call.py)
with the rule NLU over tests/data/lookalikes.json, and is judged on what the
gate said to the visitor and whom it called. The targets (issue 15): every
clear request called without a question, every true ambiguity asked, and
never a wrong resident called. bench/bench_nlu.py prints the same tally.
"""

from __future__ import annotations

import pytest

from tests.harness.matching_table import DIRECTORY, ROWS, Row, judge, run, tally


def test_table_is_big_and_varied() -> None:
    kinds = [row.kind for row in ROWS]
    assert len(ROWS) >= 80
    assert kinds.count("match") >= 30 and kinds.count("ask") >= 15 and kinds.count("answer") >= 30
    assert kinds.count("confirm") >= 5
    assert len({str(row) for row in ROWS}) == len(ROWS), "duplicate rows"
    # Every resident of the fixture building is the answer somewhere.
    meant = {row.expected for row in ROWS} | {o for row in ROWS for o in row.options}
    everyone = {f"{r.name} {a.label()}" for a in DIRECTORY.apartments for r in a.residents}
    assert everyone <= meant, sorted(everyone - meant)


@pytest.mark.parametrize("row", ROWS, ids=str)
async def test_row(row: Row) -> None:
    got = await run(row)
    assert judge(row, got) == [], f"gate asked {got.questions}, called {got.called!r}"


async def test_targets_of_issue_15() -> None:
    result = await tally(ROWS)
    print("\n" + "\n".join(result.lines()))
    assert result.right.get("match") == result.total["match"], "\n".join(result.failures)
    assert result.right.get("ask") == result.total["ask"], "\n".join(result.failures)
    assert result.wrong_resident == []
