"""The start-up heap is kept out of the cyclic GC's walks (a full collection blocks the loop)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# A fresh interpreter: the test process's own heap (pytest, every test module)
# would say nothing about the app's.
PROBE = """
import asyncio, gc, json, tempfile
from app.config import Secrets
from app.service import Service, freeze_start_up_heap
from tests.harness.live import make_settings

svc = Service(
    make_settings(audit={"path": tempfile.mktemp()}), Secrets(ari_password="x", api_token=None)
)


async def prewarmed() -> None:
    await svc.prewarm()
    # The rest of the phrases too: ending the loop while the background prewarm starts an
    # espeak-ng process hangs in asyncio's subprocess set-up (a cold TTS cache), for ever.
    await svc.prewarmer.done.wait()


asyncio.run(prewarmed())
before = len(gc.get_objects())
freeze_start_up_heap()
frozen, walked = gc.get_freeze_count(), len(gc.get_objects())
freeze_start_up_heap()
print(json.dumps({"before": before, "frozen": frozen, "walked": walked,
                  "frozen_again": gc.get_freeze_count()}))
"""


def test_start_up_heap_is_frozen_once() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    # Everything the app holds after start-up leaves the collector's walks: what is
    # left to walk is a few objects, not the ~130k of modules, settings and clients.
    assert got["before"] > 50_000, got
    assert got["frozen"] >= 0.9 * got["before"] and got["walked"] < 1_000, got
    assert got["frozen_again"] == got["frozen"], (
        "a second call froze more: only the first start may"
    )
