"""Call benchmarks against the sandbox Asterisk (make bench): greeting latency,
turn latency split by stage, a whole happy-path call, and capacity.

Test phones are Local channels that play espeak-ng pt-BR audio and record what
they hear (tests/asterisk/extensions_test.conf); STT is the scripted
OpenAI-compatible server (tests/harness/fakes), so the numbers are the app's own cost
plus Asterisk's transport, not a cloud recognizer's. Prints numbers, asserts
nothing.

    python -m bench.bench_calls [--greetings 20] [--turns 8] [--capacity 50] [--tts kokoro|espeak]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from app.ari import AriClient
from app.calls import Call
from app.config import Settings
from app.logging import configure
from app.service import Service
from tests.harness.asterisk import asterisk_env
from tests.harness.fakes.openai_server import ScriptedTranscriptionServer
from tests.harness.gate import Gate, running_gate
from tests.harness.live import wait_clean
from tests.harness.phone import PhoneCall, Phones, dead_air, speech_onset


def pct(xs: list[float], q: float) -> float:
    return round(float(np.percentile(np.array(xs), q)) * 1000, 1) if xs else float("nan")


def summary(name: str, xs: list[float]) -> dict[str, Any]:
    return {
        "metric": name,
        "n": len(xs),
        "p50_ms": pct(xs, 50),
        "p95_ms": pct(xs, 95),
        "p99_ms": pct(xs, 99),
        "max_ms": round(max(xs) * 1000, 1) if xs else None,
    }


class Recorder:
    """Keeps every Call the app runs, so their timings survive the call."""

    def __init__(self, svc: Service) -> None:
        self.calls: list[Call] = []
        inner = svc.app.flow

        async def flow(call: Call, settings: Settings) -> None:
            self.calls.append(call)
            await inner(call, settings)

        svc.app.flow = flow


async def bench_greeting(gate: Gate, rec: Recorder, n: int) -> list[dict[str, Any]]:
    app_side, phone_side = [], []
    for i in range(n):
        before = len(rec.calls)
        phone = await gate.phones.dial("100", caller=str(7500 + i), wait=3.5)
        await phone.wait_hung_up(timeout=20)
        x, rate = await phone.heard()
        onset = speech_onset(x, rate)
        if onset is not None:
            phone_side.append(onset)
        for c in rec.calls[before:]:
            if "greeting_s" in c.timings:
                app_side.append(c.timings["greeting_s"])
        await wait_clean(gate.ari, gate.app)
    return [
        summary("greeting: StasisStart -> first greeting frame sent (app)", app_side),
        summary("greeting: answer -> first greeting sample heard (phone recording)", phone_side),
    ]


async def bench_turns(gate: Gate, rec: Recorder, n: int) -> list[dict[str, Any]]:
    stt = gate.stt
    endpointing, stt_s, reply, whole, at_phone = [], [], [], [], []
    for i in range(n):
        before = len(rec.calls)
        stt.push(
            "Boa tarde, tenho uma entrega para o apartamento quinhentos e um.",
            "Meu nome é Pedro da Silva.",
            "Sim, pode entrar.",
        )
        await gate.resident("1003021", says=["Sim, pode entrar."])
        t0 = time.monotonic()
        phone = await gate.visitor(
            [
                "Boa tarde, tenho uma entrega para o apartamento quinhentos e um.",
                "Meu nome é Pedro da Silva.",
            ],
            caller=str(7600 + i),
        )
        await phone.wait_hung_up(timeout=120)
        whole.append(time.monotonic() - t0)
        said, rate = await phone.said()
        heard, _ = await phone.heard()
        at_phone.extend(dead_air(said, heard, rate))
        for c in rec.calls[before:]:
            for t in c.turns:
                endpointing.append(t["endpointing_s"])
                stt_s.append(t.get("stt_s", 0.0))
                reply.append(t["first_reply_audio_s"])
        await wait_clean(gate.ari, gate.app)
    rest = [r - e - s for r, e, s in zip(reply, endpointing, stt_s)]
    return [
        summary(
            "turn at the phone: visitor's last speech sample -> first reply sample heard "
            "(recordings)",
            at_phone,
        ),
        summary("turn in the app: last speech frame received -> first reply frame sent", reply),
        summary("turn stage: endpointing (silence wait)", endpointing),
        summary("turn stage: STT (scripted local server)", stt_s),
        summary("turn stage: NLU + TTS (cached) + pacing to first frame", rest),
        summary("happy path: dial -> both calls hung up, gate opened", whole),
    ]


async def bench_capacity(gate: Gate, rec: Recorder, n: int, seconds: float) -> list[dict[str, Any]]:
    svc = gate.app
    rss0 = _rss_kb()
    # Calls arrive 5 a second: a flood of simultaneous set-ups makes the sandbox
    # Asterisk (2 cores, shared with the test phones) time out ARI requests.
    arrivals_per_s = 5.0
    hold = n / arrivals_per_s + seconds + 10

    async def dial(i: int) -> PhoneCall:
        await asyncio.sleep(i / arrivals_per_s)
        return await gate.phones.dial("100", caller=str(8100 + i), wait=hold, record=False)

    phones = await asyncio.gather(*(dial(i) for i in range(n)))
    for _ in range(int(hold * 20)):
        if sum(1 for c in svc.app.calls.values() if "visitor" in c.legs) >= n:
            break
        await asyncio.sleep(0.05)
    up = sum(1 for c in svc.app.calls.values() if "visitor" in c.legs)
    svc.pacer.intervals.clear()
    cpu0, wall0 = time.process_time(), time.monotonic()
    await asyncio.sleep(seconds)
    cpu = (time.process_time() - cpu0) / (time.monotonic() - wall0)
    rss = _rss_kb()
    jitter = [abs(x - 0.020) for x in list(svc.pacer.intervals)[5:]]
    await asyncio.gather(*(p.hang_up() for p in phones), return_exceptions=True)
    await asyncio.gather(*(p.wait_hung_up(timeout=60) for p in phones), return_exceptions=True)
    await wait_clean(gate.ari, gate.app, timeout=15)
    out = summary(f"capacity: outbound tick jitter with {up} calls up", jitter)
    out.update(
        {
            "calls_up": up,
            "app_cpu_percent_of_one_core": round(cpu * 100, 1),
            "app_cpu_percent_per_call": round(cpu * 100 / max(up, 1), 2),
            "rss_mb": round(rss / 1024, 1),
            "rss_kb_per_call": round((rss - rss0) / max(up, 1), 1),
        }
    )
    return [out]


def emit(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for r in rows:
        print(json.dumps(r, ensure_ascii=False), flush=True)
    return rows


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def main(args: argparse.Namespace) -> None:
    configure("warning")
    env = asterisk_env()
    ari = AriClient(env.ari_url, env.username, env.password, "portaria-bench", timeout=20)
    # max_calls lifted: the capacity run looks for the limit itself.
    top = {"max_calls": 1000, "tts": {"backend": args.tts}}
    results: list[dict[str, Any]] = []
    async with (
        ScriptedTranscriptionServer([]) as stt,
        running_gate(env, ari, Phones(env, ari), stt, Path(tempfile.mkdtemp()), top) as gate,
    ):
        svc, rec = gate.app, Recorder(gate.app)
        emit([{"metric": "voice", "backend": svc.voice.primary.voice_key}])
        results += emit(await bench_greeting(gate, rec, args.greetings))
        results += emit(await bench_turns(gate, rec, args.turns))
        voices = [svc.voice, *svc.voice.condominiums.values()]
        waits = [w for v in voices for w in v.waits]
        emit(
            [
                {
                    "metric": "reply segments: longest wait past due, fallbacks to espeak-ng",
                    "segments": len(waits),
                    "longest_wait_ms": round(max(waits, default=0) * 1000, 1),
                    "deadline_fallbacks": sum(v.deadline_misses for v in voices),
                }
            ]
        )
        await gate.tap.stop()  # its subscribe-all event stream would load this process
        for n in args.capacity:
            results += emit(await bench_capacity(gate, rec, n, args.seconds))
    await ari.aclose()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--greetings", type=int, default=20)
    ap.add_argument("--turns", type=int, default=5)
    ap.add_argument("--capacity", type=int, nargs="*", default=[25, 50])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument(
        "--tts",
        default="kokoro",
        choices=["kokoro", "espeak"],
        help="the voice (default: the app's)",
    )
    asyncio.run(main(ap.parse_args()))
