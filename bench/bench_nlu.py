"""Deterministic NLU benchmark: accuracy per field and time per utterance.

    .venv/bin/python -m bench.bench_nlu [--repeat N]

Prints numbers only (no asserts; the tests hold the thresholds). Over
tests/data/utterances.yaml: per-field accuracy of the rule extractor on the
main table, the held-out set and the blind set (every miss listed),
reply/confirmation accuracy, the matching table's tally (tests/data/matching.yaml:
whole calls through the visitor flow), and wall time per call (mean, p50, p99, max in µs)
with the real directory and with a synthetic 600-apartment one (the budget is 5 ms per
utterance).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
from collections.abc import Callable
from functools import partial

from app.dialog.nlu import RuleExtractor, classify_confirmation, classify_reply
from app.directory.directory import Directory
from tests.harness.matching_table import ROWS, tally
from tests.harness.nlu_table import DIRECTORY, FIELDS, load_table, make_state, score

FIRST = (
    "Ana",
    "Bruno",
    "Carla",
    "Diego",
    "Eduarda",
    "Fábio",
    "Gabriela",
    "Heitor",
    "Isabela",
    "Jorge",
    "Karina",
    "Leonardo",
    "Mariana",
    "Nelson",
    "Otávio",
    "Patrícia",
    "Quésia",
    "Renato",
    "Sabrina",
    "Tiago",
    "Úrsula",
    "Valter",
    "Wellington",
    "Yasmin",
    "Zuleica",
)
LAST = (
    "Almeida",
    "Barbosa",
    "Cardoso",
    "Duarte",
    "Esteves",
    "Fagundes",
    "Gonçalves",
    "Henriques",
    "Ibrahim",
    "Junqueira",
    "Kowalski",
    "Lacerda",
    "Magalhães",
    "Nascimento",
    "Oliveira",
    "Pacheco",
    "Queiroz",
    "Rezende",
    "Siqueira",
    "Teixeira",
    "Uchoa",
    "Vasconcelos",
    "Xavier",
)


def big_directory(apartments: int = 600) -> Directory:
    """A tall building: 30 floors x 4 doors x 5 blocks, two residents each."""
    entries: list[dict[str, object]] = []
    for n in range(apartments):
        block, rest = divmod(n, apartments // 5)
        floor, door = divmod(rest, 4)
        names = [
            f"{FIRST[(n * 7 + k) % len(FIRST)]} {LAST[(n * 3 + k * 5) % len(LAST)]}"
            for k in range(2)
        ]
        entries.append(
            {
                "apartment_number": f"{floor + 1}{door + 1:02d}",
                "block": "ABCDE"[block],
                "residents": names,
                "voip_number": f"{1000 + n}",
            }
        )
    return Directory.from_entries(entries)


def timed(call: Callable[[], object]) -> float:
    """Wall time of one call, in µs."""
    t0 = time.perf_counter()
    call()
    return (time.perf_counter() - t0) * 1e6


def summary(label: str, micros: list[float]) -> None:
    micros = sorted(micros)

    def p(q: float) -> float:
        return micros[min(len(micros) - 1, int(q * len(micros)))]

    print(
        f"  {label:<38} n={len(micros):>6}  mean {statistics.mean(micros):7.1f}  "
        f"p50 {p(0.50):7.1f}  p99 {p(0.99):7.1f}  max {micros[-1]:8.1f}  µs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over the table for timing")
    args = parser.parse_args()

    cases, replies, confirmations = load_table()
    sections = {
        "table": cases,
        "held-out": load_table(section="holdout")[0],
        "held-out id": load_table(section="holdout_identity")[0],
        "blind": load_table(section="blind")[0],
    }
    rules = RuleExtractor(Directory.load(DIRECTORY))

    print("accuracy (rule extractor; held-out was tuned on after one measurement, blind never)")
    scores = {name: score(rows, rules.extract_sync) for name, rows in sections.items()}
    print(f"  {'field':<10}" + "".join(f"{name:>18}" for name in sections))
    for field in FIELDS:
        cells = [scores[name][field] for name in sections]
        print(
            f"  {field:<10}"
            + "".join(f"  {c.right:>4}/{c.total:<4} {c.accuracy:6.1%}" for c in cells)
        )
    ok_replies = sum(classify_reply(t) is want for t, want in replies)
    ok_confirms = sum(classify_confirmation(t) is want for t, want in confirmations)
    print(
        f"  replies {ok_replies}/{len(replies)}, confirmations {ok_confirms}/{len(confirmations)}"
    )
    for name in sections:
        for field in FIELDS:
            for miss in scores[name][field].misses:
                print(f"  miss [{name}] {field}: {miss}")

    print(f"whom the visitor means (tests/data/matching.yaml, {len(ROWS)} calls)")
    for line in asyncio.run(tally(ROWS)).lines():
        print(f"  {line}")

    print("time per call (wall clock, one core)")
    texts = [(c.text, make_state(c.state)) for rows in sections.values() for c in rows]
    big = RuleExtractor(big_directory())
    for label, extractor in (
        ("extract, real directory", rules),
        (f"extract, {len(big.directory)}-apartment directory", big),
    ):
        for text, state in texts:  # warm caches (regexes, rapidfuzz) before measuring
            extractor.extract_sync(text, state)
        gc.collect()
        micros = [
            timed(partial(extractor.extract_sync, text, state))
            for _ in range(args.repeat)
            for text, state in texts
        ]
        summary(label, micros)
    reply_texts = [t for t, _ in replies + confirmations]
    summary(
        "classify_reply",
        [timed(partial(classify_reply, t)) for _ in range(args.repeat) for t in reply_texts],
    )


if __name__ == "__main__":
    main()
