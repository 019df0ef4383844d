"""`make bench`: every benchmark, one after the other, numbers printed.

Call benchmarks need the sandbox Asterisk (make bench starts it). Nothing here
asserts; the README's table is copied from this output with the machine noted.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable

RUNS = [
    ("TTS", [PY, str(HERE / "bench_tts.py")]),
    ("NLU", [PY, str(HERE / "bench_nlu.py")]),
    ("Endpointer", [PY, str(HERE / "bench_endpointer.py")]),
    ("Pacing, 50 legs (socket-level)", [PY, str(HERE / "bench_pacing.py"), "--legs", "50", "--seconds", "10"]),
    ("Pacing, 100 legs (socket-level)", [PY, str(HERE / "bench_pacing.py"), "--legs", "100", "--seconds", "10"]),
    ("Calls on the real Asterisk", [PY, str(HERE / "bench_calls.py")]),
]


def main() -> int:
    print(f"machine: {platform.machine()}, {platform.processor() or '?'}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    failed = 0
    for title, cmd in RUNS:
        print(f"\n== {title}", flush=True)
        t0 = time.monotonic()
        res = subprocess.run(cmd, cwd=HERE.parent, check=False)
        failed += res.returncode != 0
        print(f"   ({time.monotonic() - t0:.0f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
