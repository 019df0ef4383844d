"""Keypad mode end to end: no speech recognition configured. The visitor types
the apartment, says their name (recorded), the resident hears that recording
and presses 1."""

from __future__ import annotations

import numpy as np
import pytest

from tests.harness.gate import Gate
from tests.harness.live import wait_clean
from tests.harness.phone import frame_rms


@pytest.fixture
def keypad_only() -> bool:
    return True


async def test_keypad_visitor_types_501_resident_presses_1_gate_opens(gate: Gate) -> None:
    assert gate.app.stt is None
    rec = await gate.resident("1003021", says=["DTMF:1"])
    phone = await gate.visitor(["DTMF:501#", "Pedro da Silva"])
    await phone.wait_hung_up(timeout=90)
    d = gate.last_decision()
    assert d is not None and d.outcome == "authorized" and d.decided_by == "resident_dtmf"
    assert d.apartment == "501" and d.dialed == "1003021" and d.gate_opened
    assert gate.tap.dtmf_on(phone.channel_id) == "#9"
    assert len(gate.stt.uploads) == 0
    # The resident heard the visitor's own recorded voice between our two prompts:
    # at least three separate stretches of audio.
    x, rate = await gate_heard(rec)
    loud = frame_rms(x, rate) > 300
    bursts = np.flatnonzero(np.diff(loud.astype(int)) == 1)
    assert len(bursts) >= 3
    assert (await wait_clean(gate.ari, gate.app, timeout=8)) == ([], [], 0)


async def test_keypad_visitor_types_unknown_apartment_then_leaves(gate: Gate) -> None:
    phone = await gate.visitor(["DTMF:999#"], wait=12)
    await phone.wait_hung_up(timeout=60)
    assert (await wait_clean(gate.ari, gate.app, timeout=8)) == ([], [], 0)
    d = gate.last_decision()
    assert d is not None and d.outcome in ("visitor_left", "not_resolved") and not d.gate_opened


async def gate_heard(rec: object) -> tuple[np.ndarray, int]:
    import asyncio
    import wave
    from pathlib import Path

    path = Path(f"{rec}-heard.wav")
    for _ in range(50):
        if path.exists() and path.stat().st_size > 44:
            break
        await asyncio.sleep(0.1)
    with wave.open(str(path), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2"), w.getframerate()
