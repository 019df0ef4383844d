"""Call records: what a turn costs the call path, and how fast the writer commits.

    .venv/bin/python -m bench.bench_records [--turns 2000] [--postgres]

The call path only builds a Turn and queues it (CallLog.heard + said, with the
background RecordWriter as sink); the writer thread commits each turn on its
own. Prints µs per turn on the call path (p50/p99/max) and the writer's
sustained commits per second, for SQLite and (with --postgres) a throw-away
PostgreSQL cluster. Numbers only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from app.records import CallLog, RecordWriter
from app.records.sqlite import SqliteStore
from app.records.store import RecordStore


def run(label: str, store: RecordStore, n: int) -> None:
    writer = RecordWriter(store)
    log = CallLog("bench-call", writer.add_turn)
    costs = []
    t_all = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        log.heard("visitor", f"quinhentos e um {i}", source="bench", timings={"speech_end_s": 1.0})
        log.said("visitor", "Qual é o seu nome?", tts_s=0.0001)
        costs.append((time.perf_counter() - t0) * 1e6 / 2)  # two turns per iteration
    queued = time.perf_counter() - t_all
    writer.flush()
    total = time.perf_counter() - t_all
    costs.sort()

    def p(q: float) -> float:
        return costs[min(len(costs) - 1, int(q * len(costs)))]

    print(
        f"  {label:<10} call path per turn: p50 {p(0.5):6.1f} µs  p99 {p(0.99):6.1f} µs  "
        f"max {costs[-1]:7.1f} µs  mean {statistics.fmean(costs):6.1f} µs"
    )
    print(
        f"  {label:<10} writer: {2 * n} turns committed in {total:.2f} s ({2 * n / total:,.0f}/s; "
        f"queueing took {queued:.3f} s)"
    )
    writer.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--turns", type=int, default=2000)
    ap.add_argument(
        "--postgres", action="store_true", help="also on a throw-away PostgreSQL (Debian's)"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        run("sqlite", SqliteStore(Path(d) / "bench.sqlite3"), args.turns)
    if args.postgres:
        from app.records.postgres import PASSWORD_ENV, PostgresStore
        from tests.harness.postgres import PASSWORD, start_postgres

        server = start_postgres()
        os.environ[PASSWORD_ENV] = PASSWORD
        try:
            run("postgres", PostgresStore(server.url), args.turns)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
