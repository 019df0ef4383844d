"""Stalled cloud backends: time until each client's fallback takes over, per stall mode.

    python -m bench.bench_stalls [--runs 20] [--load 8]

For every cloud client (OpenAI-compatible voice, recognizer and LLM; Azure
voice and recognizer) and every stall mode of tests/harness/fakes/stall.py, the time
from the request to the fallback, minus the configured timeout, over `--runs`
runs one after the other. `--load N` keeps N CPU-bound processes running beside
it (what a busy shared machine looks like); they are this script's own children
and are stopped at the end. Printed, not asserted: tests/test_cloud_stalls.py
asserts the bound.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys

from app.logging import configure
from tests.harness.cloud_stalls import BACKENDS, TIMEOUT_S, time_to_fallback
from tests.harness.fakes.stall import Stall


async def main(runs: int) -> None:
    configure("error")
    print(
        f"{'backend':14s} {'stall':13s} {'timeout':>8s}   over the timeout, ms: "
        f"{'min':>6s} {'median':>7s} {'max':>6s}"
    )
    for backend in BACKENDS:
        for stall in Stall:
            over = [t - TIMEOUT_S[backend] for t in await time_to_fallback(backend, stall, runs)]
            print(
                f"{backend:14s} {stall.value:13s} {TIMEOUT_S[backend]:7.1f}s   {'':21s}"
                f"{min(over) * 1000:6.1f} {statistics.median(over) * 1000:7.1f} "
                f"{max(over) * 1000:6.1f}",
                flush=True,
            )


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--load", type=int, default=0, help="CPU-bound processes to run beside it")
    args = ap.parse_args()
    burners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.load)
    ]
    try:
        print(f"{args.runs} runs each, {args.load} CPU-bound processes beside")
        asyncio.run(main(args.runs))
    finally:
        for p in burners:
            p.kill()
            p.wait()
