"""Embedded recognizer benchmark: key-detail accuracy per class and latency.

    .venv/bin/python -m bench.bench_stt [--full N] [--capacity]

Over bench/stt_evalset.py (48 phrasings x 3 Kokoro voices, telephone quality;
clips cached in ~/.cache/portaria/testaudio, several minutes to make the first
time), with the app's own hints (directory prompt for open turns, expected
answers for closed ones) and its own understanding (rule extractor, directory,
reply classifiers). Prints numbers only, no asserts:
  - accuracy per class and per detail, every miss listed;
  - gate openings without a yes: decisions read as yes when the resident did not say yes;
  - STT latency p50/p95/max per utterance with the short encoder window, and with
    Whisper's full 30 s window on the first N clips (--full, default 24);
  - model load time and the process's peak memory;
  - --capacity: simultaneous conversations (one utterance every ~6 s each) until the
    recognizer's turn latency (queue + decode + endpointing silence) passes 1.5 s at p95.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import time
from collections import defaultdict
from pathlib import Path

from app.dialog.hints import CONFIRM_HINT, RESIDENT_HINT, apartment_choices, read_reply
from app.dialog.nlu import RuleExtractor, VisitState, classify_confirmation, classify_reply
from app.dialog.ports import Input, SttHint
from app.directory.directory import Directory
from app.directory.normalize import normalize
from app.media.stt.prompt import directory_prompt
from app.media.stt.whisper import WhisperStt
from bench.stt_evalset import KINDS, UTTERANCES, VOICES, Utterance
from tests.harness.speech_audio import natural_clip

DIRECTORY = Path(__file__).resolve().parents[1] / "data" / "apartamentos.json"
RATE = 8000
ENDPOINT_SILENCE_S = 0.4  # the endpointer's default silence before a turn ends


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def hint_for(u: Utterance, prompt: str) -> SttHint:
    if u.kind == "number":  # as the dialog asks "para qual apartamento?"
        return SttHint(
            prompt=prompt, choices=apartment_choices(list(Directory.load(DIRECTORY).apartments))
        )
    if u.kind == "confirmation":
        return CONFIRM_HINT
    if u.kind == "decision":
        return RESIDENT_HINT
    if u.kind == "name":
        return SttHint()  # as the dialog asks: no directory names for the visitor's own name
    return SttHint(prompt=prompt)


def understood(
    u: Utterance, heard: Input, rules: RuleExtractor, directory: Directory
) -> dict[str, str | None]:
    """The details the app takes from what was heard, as the dialog would."""
    if u.kind == "confirmation":
        return {"reply": read_reply(heard, classify_confirmation).value}
    if u.kind == "decision":
        return {"reply": read_reply(heard, classify_reply).value}
    awaiting = {"name": "visitor_name", "number": "apartment"}.get(u.kind)
    e = rules.extract_sync(heard.text or "", VisitState(awaiting=awaiting))  # type: ignore[arg-type]
    res = directory.resolve(e.resident_name, e.apartment)
    apartment = (
        res.apartments[0].label()
        if res.status in ("ok", "apartment_only") and len(res.apartments) == 1
        else None
    )
    resident = res.matches[0].resident.name if res.status == "ok" and res.matches else None
    visitor = (e.visitor_name or "").split()[0] if e.visitor_name else None
    return {"apartment": apartment, "resident": resident, "visitor": visitor}


def same(want: str, got: str | None) -> bool:
    return got is not None and normalize(want) == normalize(got)


async def evaluate(stt: WhisperStt, prompt: str) -> None:
    rules, directory = RuleExtractor(Directory.load(DIRECTORY)), Directory.load(DIRECTORY)
    right: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[str] = []
    latency: dict[str, list[float]] = defaultdict(list)
    unsafe_yes = unsure = 0
    for u in UTTERANCES:
        for voice in VOICES:
            pcm = natural_clip(u.text, voice, RATE)
            t0 = time.perf_counter()
            t = await stt.transcribe(pcm, RATE, hint_for(u, prompt))
            latency[u.kind].append(time.perf_counter() - t0)
            heard = Input("speech", text=t.text, choice=t.choice, scored=t.scored, unsure=t.unsure)
            unsure += t.unsure
            got = understood(u, heard, rules, directory)
            for detail, want in u.expect.items():
                ok = same(want, got.get(detail))
                right[u.kind][0] += ok
                right[u.kind][1] += 1
                if not ok:
                    misses.append(
                        f"  {u.kind:12} {voice:8} {u.text!r} -> {t.text!r}: "
                        f"{detail} {got.get(detail)!r} (want {want!r})"
                    )
            if u.kind == "decision" and got["reply"] == "yes" and u.expect["reply"] != "yes":
                unsafe_yes += 1
    total = [0, 0]
    print(
        f"key-detail accuracy ({len(UTTERANCES) * len(VOICES)} clips, voices {', '.join(VOICES)}):"
    )
    for kind in KINDS:
        r, n = right[kind]
        total[0] += r
        total[1] += n
        print(f"  {kind:12} {r}/{n} = {100 * r / n:.1f} %")
    open_r = sum(right[k][0] for k in ("opening", "name", "number"))
    open_n = sum(right[k][1] for k in ("opening", "name", "number"))
    closed_r = sum(right[k][0] for k in ("confirmation", "decision"))
    closed_n = sum(right[k][1] for k in ("confirmation", "decision"))
    print(f"  open turns   {open_r}/{open_n} = {100 * open_r / open_n:.1f} %")
    print(f"  closed       {closed_r}/{closed_n} = {100 * closed_r / closed_n:.1f} %")
    print(f"  all          {total[0]}/{total[1]} = {100 * total[0] / total[1]:.1f} %")
    print(f"gate openings without a yes: {unsafe_yes}")
    print(f"transcripts flagged unsure (the app confirms them): {unsure}")
    all_lat = [x for xs in latency.values() for x in xs]
    print(
        "STT latency, short window (ms): "
        + "  ".join(
            f"{k} p50 {1000 * pct(v, 0.5):.0f} p95 {1000 * pct(v, 0.95):.0f}"
            for k, v in latency.items()
        )
    )
    print(
        f"  all: p50 {1000 * pct(all_lat, 0.5):.0f}  p95 {1000 * pct(all_lat, 0.95):.0f}  "
        f"max {1000 * max(all_lat):.0f}"
    )
    if misses:
        print("misses:")
        print("\n".join(misses))


async def full_window(prompt: str, n: int) -> None:
    stt = WhisperStt(window_frames=3000)
    lat = []
    for u in [u for u in UTTERANCES if u.kind in ("opening", "name", "number")][:n]:
        pcm = natural_clip(u.text, VOICES[0], RATE)
        t0 = time.perf_counter()
        await stt.transcribe(pcm, RATE, SttHint(prompt=prompt))
        lat.append(time.perf_counter() - t0)
    print(
        f"STT latency, full 30 s window, {len(lat)} open-turn clips (ms): "
        f"p50 {1000 * pct(lat, 0.5):.0f}  p95 {1000 * pct(lat, 0.95):.0f}"
    )
    await stt.aclose()


async def _conversations(
    stt: WhisperStt, clips: list[tuple[bytes, SttHint]], calls: int, seconds: float = 45
) -> tuple[list[float], int]:
    """`calls` conversations for `seconds`: each speaks a clip, waits its turn, listens 2-5 s."""
    lat: list[float] = []
    failed = 0
    rng = random.Random(calls)

    async def conversation() -> None:
        nonlocal failed
        await asyncio.sleep(rng.uniform(0, 6))
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pcm, hint = clips[rng.randrange(len(clips))]
            t0 = time.perf_counter()
            try:
                await asyncio.wait_for(stt.transcribe(pcm, RATE, hint), 4)
                lat.append(ENDPOINT_SILENCE_S + time.perf_counter() - t0)
            except Exception:  # noqa: BLE001 - busy or timed out: a failed turn
                failed += 1
            await asyncio.sleep(len(pcm) / 2 / RATE + rng.uniform(2, 5))

    await asyncio.gather(*(conversation() for _ in range(calls)))
    return lat, failed


async def capacity(
    stt: WhisperStt, prompt: str, levels: tuple[int, ...] = (1, 2, 3, 4, 6, 8, 12, 16)
) -> None:
    clips = [
        (natural_clip(u.text, v, RATE), hint_for(u, prompt)) for u in UTTERANCES for v in VOICES
    ]
    print(
        "capacity (turn latency = endpointing silence + queue + decode; "
        "each call one utterance per ~6 s):"
    )
    for calls in levels:
        lat, failed = await _conversations(stt, clips, calls, seconds=60)
        print(
            f"  {calls:3} calls: {len(lat)} turns, "
            f"p50 {pct(lat, 0.5):.2f} s, p95 {pct(lat, 0.95):.2f} s, "
            f"failed {failed}, load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        if not lat or pct(lat, 0.5) > 1.5 or failed > len(lat) // 10:
            break


async def _ticks(seconds: float) -> list[float]:
    """Lateness of a 20 ms asyncio clock, as the pacer runs it (absolute deadlines)."""
    loop = asyncio.get_running_loop()
    late: list[float] = []
    deadline = loop.time()
    end = deadline + seconds
    while deadline < end:
        deadline += 0.02
        await asyncio.sleep(max(0.0, deadline - loop.time()))
        late.append(max(0.0, loop.time() - deadline))
        deadline = max(deadline, loop.time())
    return late


async def jitter(stt: WhisperStt, prompt: str, seconds: float = 20) -> None:
    """Does decoding on the worker thread disturb the event loop's 20 ms clock?"""
    idle = await _ticks(seconds)
    clips = [
        (natural_clip(u.text, v, RATE), hint_for(u, prompt)) for u in UTTERANCES for v in VOICES
    ]
    stop = asyncio.Event()

    async def decode() -> None:
        i = 0
        while not stop.is_set():
            pcm, hint = clips[i % len(clips)]
            await stt.transcribe(pcm, RATE, hint)
            i += 1

    worker = asyncio.create_task(decode())
    busy = await _ticks(seconds)
    stop.set()
    await worker
    for name, xs in (("idle", idle), ("decoding back to back", busy)):
        print(
            f"20 ms clock lateness, {name}: p50 {1000 * pct(xs, 0.5):.2f} ms, "
            f"p99 {1000 * pct(xs, 0.99):.2f} ms, max {1000 * max(xs):.1f} ms"
        )


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--full", type=int, default=24, help="clips to time with the full 30 s window (0: skip)"
    )
    ap.add_argument("--capacity", action="store_true")
    ap.add_argument("--capacity-only", action="store_true", help="skip the accuracy pass")
    ap.add_argument(
        "--jitter", action="store_true", help="event-loop clock lateness while decoding"
    )
    ap.add_argument(
        "--levels", default="1,2,3,4,6,8,12,16", help="simultaneous conversations to try"
    )
    args = ap.parse_args()
    directory = Directory.load(DIRECTORY)
    prompt = directory_prompt(
        dict.fromkeys(r.name for a in directory.apartments for r in a.residents),
        [a.label() for a in directory.apartments],
    )
    print(
        f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} on {os.cpu_count()} cores"
    )
    t0 = time.perf_counter()
    stt = WhisperStt()
    print(
        f"model load {time.perf_counter() - t0:.2f} s, "
        f"workers {stt.workers} x {stt.threads} threads, "
        f"peak RSS after load {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    for u in UTTERANCES:  # make every clip before timing anything
        for v in VOICES:
            natural_clip(u.text, v, RATE)
    if args.jitter:
        await jitter(stt, prompt)
    levels = tuple(int(x) for x in args.levels.split(","))
    if args.capacity_only:
        await capacity(stt, prompt, levels)
        return
    await evaluate(stt, prompt)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.full:
        await full_window(prompt, args.full)
    if args.capacity:
        await capacity(stt, prompt, levels)
    await stt.aclose()
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
