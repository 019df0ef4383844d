"""`make bench`: every benchmark, one after the other, numbers printed.

Call benchmarks need the sandbox Asterisk (make bench starts it). Nothing here
asserts; the README's table is copied from this output with the machine noted.
Each benchmark runs as a module from the repo root (`python -m bench.bench_tts`),
so it imports the app and the test harness (tests/harness) as packages.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PY = sys.executable
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:")

RUNS: list[tuple[Any, ...]] = [
    ("TTS", [PY, "-m", "bench.bench_tts"]),
    ("Kokoro voice", [PY, "-m", "bench.bench_kokoro"]),
    (
        "Intelligibility (Whisper WER at telephone quality)",
        [PY, "-m", "bench.bench_intelligibility"],
    ),
    ("NLU", [PY, "-m", "bench.bench_nlu"]),
    (
        "Stalled cloud backends: time to the fallback",
        [PY, "-m", "bench.bench_stalls", "--runs", "20"],
    ),
    ("Endpointer", [PY, "-m", "bench.bench_endpointer"]),
    ("Webhooks: publishing beside a dead and a stuck receiver", [PY, "-m", "bench.bench_webhooks"]),
    (
        "Pacing, 50 legs (socket-level)",
        [PY, "-m", "bench.bench_pacing", "--legs", "50", "--seconds", "10"],
    ),
    (
        "Pacing, 100 legs (socket-level)",
        [PY, "-m", "bench.bench_pacing", "--legs", "100", "--seconds", "10"],
    ),
    (
        "Pacing, 50 legs, Kokoro synthesizing throughout",
        [PY, "-m", "bench.bench_pacing", "--legs", "50", "--seconds", "10", "--synth"],
    ),
    (
        "Calls on the real Asterisk",
        [PY, "-m", "bench.bench_calls", "--greetings", "10", "--turns", "3"],
    ),
    (
        "Turn-taking: false ends of turn, speculative recognition, resident's presentation",
        [PY, "-m", "bench.bench_turns"],
    ),
    (
        "Soak: 200 mixed calls back to back (20 at a time), then 50 at once",
        [PY, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "tests/test_soak.py"],
        {"PORTARIA_SOAK_CALLS": "200", "PORTARIA_SOAK_STREAMS": "20"},
    ),
]


def main() -> int:
    print(
        f"machine: {platform.machine()}, {platform.processor() or '?'}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    failed = 0
    for title, cmd, *extra_env in RUNS:
        print(f"\n== {title}", flush=True)
        t0 = time.monotonic()
        env = {**os.environ, **(extra_env[0] if extra_env else {})}
        # Numbers only: the app's own log lines (timestamped) are left out.
        with subprocess.Popen(
            cmd,
            cwd=HERE.parent,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                if not LOG_LINE.match(line):
                    print(line, end="", flush=True)
        failed += proc.returncode != 0
        print(f"   ({time.monotonic() - t0:.0f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
