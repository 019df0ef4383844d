"""Soak: 200 mixed calls back to back, then 50 at once, on the real Asterisk.

Calls are keypad-mode (no recognizer: DTMF is exact whatever the load, so each
call's expected outcome is known): a third authorized by the resident, a third
denied, a third where the visitor hangs up at a random moment. Prompts are short
so the suite stays quick; the code paths are the same as with the long ones.

Afterwards ARI lists no channels or bridges, the app holds no session, leg or
call, the gate opened exactly for the authorized calls, and the process's file
descriptors and memory are back at their baseline.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import logging
import os
import random
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from app.ari import AriClient, AriError, AriUnavailable
from app.calls import Call
from app.media.leg import MediaLeg
from tests.harness.asterisk import AsteriskEnv, asterisk_env
from tests.harness.gate import Gate, running_gate
from tests.harness.live import wait_clean
from tests.harness.phone import PhoneCall, Phones

# `make test` runs 40 back to back; `make bench` runs the 200 (PORTARIA_SOAK_CALLS=200).
BACK_TO_BACK = int(os.environ.get("PORTARIA_SOAK_CALLS", "40"))
AT_ONCE = int(os.environ.get("PORTARIA_SOAK_AT_ONCE", "50"))
# Back-to-back calls run as this many phones dialing again as soon as they hang up.
STREAMS = int(os.environ.get("PORTARIA_SOAK_STREAMS", "10"))
# The burst's calls arrive this fast (faster, the sandbox Asterisk stalls for 20 s and more).
ARRIVALS_PER_S = 3.0
SEED = 20261127
CALLERS = itertools.count(20000)  # each call's caller id: how its decision is found

SHORT_PHRASES = {
    "greeting": "Portaria.",
    "keypad_apartment": "Apartamento?",
    "keypad_name": "Nome?",
    "calling_resident": "Chamando.",
    "resident_keypad_prompt": "Apartamento {apartment}, visitante:",
    "resident_keypad_question": "Um sim, dois não.",
    "resident_thanks_yes": "Certo.",
    "resident_thanks_no": "Certo.",
    "visitor_authorized": "Pode entrar.",
    "visitor_denied": "Negado.",
    "visitor_no_answer": "Sem resposta.",
    "goodbye": "Tchau.",
}
# apartment typed -> the resident's number and what they press
KINDS = {
    "authorized": ("501", "1003021", "DTMF:1"),
    "denied": ("101", "1001101", "DTMF:2"),
    "hangup": ("404", "1001404", "DTMF:2"),
}


@dataclass
class Placed:
    kind: str
    phone: PhoneCall
    caller: str


def fds() -> tuple[int, int]:
    """(descriptors that are not HTTP connections to Asterisk, those that are).

    Kept-alive ARI connections are a bounded pool (closed lazily by httpx), so
    they are counted apart; everything else must return to its baseline."""
    ari_port = urlsplit(asterisk_env().ari_url).port or 80
    to_ari: set[str] = set()
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                cols = line.split()
                if int(cols[2].rsplit(":", 1)[1], 16) == ari_port:
                    to_ari.add(cols[9])
    other = pooled = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            if target.startswith("socket:[") and target[8:-1] in to_ari:
                pooled += 1
            else:
                other += 1
    return other, pooled


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def live(kind: type) -> int:
    drop_captured_tracebacks()
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, kind))


def drop_captured_tracebacks() -> None:
    """pytest's log capture keeps every record, and the record of a call that failed
    (`log.exception("call_failed")`) keeps its traceback, whose frames hold that Call:
    the harness's reference, not the app's (seen: 4 calls failed in a burst, 4 "leaked")."""
    for handler in logging.getLogger().handlers:
        for record in getattr(handler, "records", ()):
            record.exc_info = None


async def hang_up_later(phone: PhoneCall, after_s: float) -> None:
    await asyncio.sleep(after_s)
    try:
        await phone.hang_up()
    except AriUnavailable as exc:
        # A stalled Asterisk: the phone then hangs up at the end of its WAIT instead.
        print(f"\nharness could not hang up {phone.channel_id}: {exc}")
    except AriError as exc:
        if not exc.not_found:  # the call may have ended by itself already
            raise


async def one_call(g: Gate, kind: str, n: int, rng: random.Random) -> Placed:
    apartment = KINDS[kind][0]
    caller = str(next(CALLERS))
    phone = await g.visitor(
        [f"DTMF:{apartment}#", "Pedro da Silva"], caller=caller, wait=60, record=False
    )
    if kind == "hangup":
        await hang_up_later(phone, rng.uniform(0.5, 9.0))
    await phone.wait_hung_up(timeout=120)
    return Placed(kind, phone, caller)


async def back_to_back(g: Gate, total: int, rng: random.Random) -> list[Placed]:
    kinds = [list(KINDS)[i % 3] for i in range(total)]
    rng.shuffle(kinds)
    queue = list(enumerate(kinds))
    done: list[Placed] = []

    async def stream() -> None:
        while queue:
            n, kind = queue.pop()
            done.append(await one_call(g, kind, n, rng))

    await asyncio.gather(*(stream() for _ in range(STREAMS)))
    return done


async def at_once(g: Gate, total: int, rng: random.Random) -> list[Placed]:
    kinds = [list(KINDS)[i % 3] for i in range(total)]

    async def call(n: int, kind: str) -> Placed:
        await asyncio.sleep(n / ARRIVALS_PER_S)
        caller = str(next(CALLERS))
        phone = await g.visitor(
            [f"DTMF:{KINDS[kind][0]}#", "Pedro da Silva"], caller=caller, wait=60, record=False
        )
        if kind == "hangup":
            await hang_up_later(phone, rng.uniform(0.5, 9.0))
        await phone.wait_hung_up(timeout=180)
        return Placed(kind, phone, caller)

    peak = 0

    async def sample() -> None:
        nonlocal peak
        while True:
            peak = max(peak, len(g.app.sessions))
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample())
    placed = list(await asyncio.gather(*(call(n, k) for n, k in enumerate(kinds))))
    sampler.cancel()
    print(f"\nburst: {peak} visitor calls up at the same time at the peak")
    return placed


def check_outcomes(g: Gate, placed: list[Placed], may_degrade: float = 0.0) -> dict[str, int]:
    """Every call is on record and the gate opened only after a resident's yes. Under an
    overloaded Asterisk (the burst) a call may fail: that is allowed for at most
    `may_degrade` of them, and only as a recorded, clean failure."""
    by_caller = {d.caller: d for d in g.app.audit.query(limit=100_000)}
    outcomes: dict[str, int] = {}
    degraded: list[str] = []
    for p in placed:
        d = by_caller.get(p.caller)
        assert d is not None, f"call from {p.caller} ({p.kind}) left no decision on record"
        outcomes[d.outcome] = outcomes.get(d.outcome, 0) + 1
        dtmf = g.tap.dtmf_on(p.phone.channel_id)
        if d.gate_opened:
            assert (
                p.kind == "authorized"
                and d.outcome == "authorized"
                and d.decided_by.startswith("resident")
            ), f"{p.kind} call from {p.caller}: gate opened with {d}"
            assert dtmf == "#9", f"{p.caller}: gate recorded open but the intercom got {dtmf!r}"
        else:
            assert "9" not in dtmf, (
                f"{p.kind} call from {p.caller}: gate DTMF without a recorded yes"
            )
        expected = {
            "authorized": ("authorized",),
            "denied": ("denied",),
            "hangup": ("visitor_left", "denied"),
        }[p.kind]
        if d.outcome not in expected:
            degraded.append(f"{p.caller} {p.kind} -> {d.outcome}")
    if degraded:
        print(f"\ndegraded calls: {degraded}")
    assert len(degraded) <= may_degrade * len(placed), (
        f"{len(degraded)} of {len(placed)} calls failed: {degraded}"
    )
    return outcomes


async def settled(g: Gate) -> tuple[tuple[int, int], float]:
    assert (await wait_clean(g.ari, g.app, timeout=20)) == ([], [], 0)
    await asyncio.sleep(1.0)  # sockets closed by the peer a moment ago
    gc.collect()
    return fds(), rss_mb()


async def test_200_mixed_calls_back_to_back_then_50_at_once_leave_nothing_behind(
    aenv: AsteriskEnv, ari: AriClient, phones: Phones, clean_asterisk: None, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    # Under the burst Asterisk is slow: the resident's phone gets more time to answer.
    resident_call = {
        "endpoint_template": "Local/{number}@resident-test",
        "ring_timeout_s": 20,
        "silence_timeout_s": 25,
    }
    async with running_gate(
        aenv,
        ari,
        phones,
        None,
        tmp_path,
        top={"max_calls": 200},
        phrases=SHORT_PHRASES,
        resident_call=resident_call,
    ) as g:
        for apartment, number, press in KINDS.values():
            await g.resident(number, says=[press], record=False)
        # Warm-up: the HTTP pools and caches reach their working size first.
        warm = await back_to_back(g, STREAMS, rng)
        fd0, mem0 = await settled(g)
        check_outcomes(g, warm)

        loop = asyncio.get_running_loop()
        t0 = loop.time()
        seq = await back_to_back(g, BACK_TO_BACK, rng)
        fd1, mem1 = await settled(g)
        seq_outcomes = check_outcomes(g, seq)
        t1 = loop.time()
        burst = await at_once(g, AT_ONCE, rng)
        fd2, mem2 = await settled(g)
        # 50 set-ups in 17 s overload the sandbox Asterisk (it also plays all ~100
        # test phones on 2 cores): ARI requests time out after 10 s and those calls
        # fail. What must hold is that they fail cleanly, on record, gate shut.
        burst_outcomes = check_outcomes(g, burst, may_degrade=0.5)
        t2 = loop.time()

        print(
            f"\n{BACK_TO_BACK} back to back ({STREAMS} streams) in {t1 - t0:.0f} s: {seq_outcomes}"
        )
        print(f"{AT_ONCE} at once in {t2 - t1:.0f} s: {burst_outcomes}")
        print(
            f"file descriptors (other, pooled ARI connections): baseline {fd0}, "
            f"after back-to-back {fd1}, after burst {fd2}"
        )
        print(f"RSS MB: baseline {mem0:.1f}, after back-to-back {mem1:.1f}, after burst {mem2:.1f}")
        svc = g.app
        assert set(svc.app.held().values()) == {0}, (svc.app.held(), svc.app.sessions.bound())
        assert live(Call) == 0 and live(MediaLeg) == 0, (
            "calls or legs still referenced after the soak"
        )
        # A leak of one descriptor per call would show as dozens; 2 is noise (a log rotation,
        # a WAL).
        assert max(fd1[0], fd2[0]) <= fd0[0] + 2, f"file descriptors grew: {fd0} -> {fd1} -> {fd2}"
        assert fd2[1] <= 40, "more kept-alive ARI connections than the two pools allow (20 each)"
        assert mem2 - mem0 < 25, (
            f"memory grew {mem2 - mem0:.1f} MB over {BACK_TO_BACK + AT_ONCE} calls"
        )
