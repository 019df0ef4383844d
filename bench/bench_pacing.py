"""Outbound pacing: one 20 ms frame every 20 ms per leg, measured at the receiving socket.

Opens N AudioSocket legs over real loopback TCP to the app's own server and
legs; a separate process plays Asterisk's part (connects, sends the UUID,
timestamps every frame it receives), so the receiving side does not share
the app's event loop. Audio plays on all legs for D seconds. Prints the frame-interval jitter
(|interval - 20 ms|) p50/p99/max over all legs, and the pacer's own tick jitter.

    python -m bench.bench_pacing [--legs 50] [--seconds 10] [--synth]

--synth keeps Kokoro synthesizing new phrases in the same process for the whole
run (as a call with an unknown visitor name, or a prewarm after a reload, does),
to compare the jitter with synthesis running against the jitter without it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import selectors
import socket
import time
import uuid

import numpy as np

from app.logging import configure
from app.media.audiosocket import Decoder, encode_uuid
from app.media.pacer import Pacer
from app.media.server import AudioSocketServer, LegRegistry


def receiver(port: int, ids: list[bytes], seconds: float, out: mp.Queue[list[list[float]]]) -> None:
    """Asterisk's side: one TCP connection per leg, every frame timestamped on arrival."""
    sel = selectors.DefaultSelector()
    arrivals: list[list[float]] = [[] for _ in ids]
    decoders = [Decoder() for _ in ids]
    for i, leg_id in enumerate(ids):
        s = socket.create_connection(("127.0.0.1", port))
        s.setblocking(False)
        s.sendall(encode_uuid(uuid.UUID(bytes=leg_id)))
        sel.register(s, selectors.EVENT_READ, i)
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for key, _ in sel.select(0.05):
            try:
                data = key.fileobj.recv(65536)  # type: ignore[union-attr]
            except BlockingIOError:
                continue
            now = time.perf_counter()
            for _ in decoders[key.data].feed(data):
                arrivals[key.data].append(now)
    out.put(arrivals)


async def keep_synthesizing(stop: asyncio.Event, priority: str) -> int:
    """Kokoro on new text until `stop`: nothing cached, the engine never idle."""
    from app.media.tts.kokoro import KokoroTts

    tts = KokoroTts("pm_alex", priority="nice" if priority == "nice" else "idle")
    n = 0
    while not stop.is_set():
        await tts.synthesize(f"Visitante número {n}, Pedro da Silva, está na portaria.", 8000)
        n += 1
    return n


async def run(
    legs: int, seconds: float, rate: int, synth: bool = False, priority: str = "idle"
) -> dict[str, object]:
    stop = asyncio.Event()
    synthesizing = asyncio.ensure_future(keep_synthesizing(stop, priority)) if synth else None
    if synth:
        await asyncio.sleep(3)  # the model loaded and the first phrase under way
    pacer, reg = Pacer(), LegRegistry()
    srv = AudioSocketServer("visitor", "127.0.0.1", 0, reg, pacer)
    await srv.start()
    ids = [uuid.uuid4() for _ in range(legs)]
    waiters = [reg.expect(i, "visitor", rate) for i in ids]
    q: mp.Queue[list[list[float]]] = mp.Queue()
    proc = mp.Process(target=receiver, args=(srv.port, [i.bytes for i in ids], seconds + 1, q))
    proc.start()
    legs_up = await asyncio.gather(*waiters)
    for leg in legs_up:
        leg.play(b"\x10\x00" * (rate * int(seconds + 3)))
    arrivals = await asyncio.to_thread(q.get)
    proc.join()
    stop.set()
    phrases = await synthesizing if synthesizing is not None else 0
    for leg in legs_up:
        leg.close("bench over")
    await srv.stop()
    jit = (
        np.concatenate([np.abs(np.diff(np.array(a[10:])) - 0.020) for a in arrivals if len(a) > 20])
        * 1000
    )
    tick = np.abs(np.array(list(pacer.intervals)[10:]) - 0.020) * 1000
    frames = sum(len(a) for a in arrivals)
    return {
        "legs": legs,
        "rate": rate,
        "seconds": seconds,
        "frames": frames,
        "synthesis_running": synth,
        "phrases_synthesized": phrases,
        **({"kokoro_priority": priority} if synth else {}),
        "frames_per_leg_per_s": round(frames / legs / (seconds + 1), 2),
        "jitter_p50_ms": round(float(np.percentile(jit, 50)), 3),
        "jitter_p99_ms": round(float(np.percentile(jit, 99)), 3),
        "jitter_max_ms": round(float(jit.max()), 3),
        "tick_jitter_p99_ms": round(float(np.percentile(tick, 99)), 3),
        "pacer_resets": pacer.resets,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--legs", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--rate", type=int, default=8000, choices=[8000, 16000])
    ap.add_argument("--synth", action="store_true", help="Kokoro synthesizing throughout")
    ap.add_argument(
        "--priority",
        default="idle",
        choices=["idle", "nice"],
        help="Kokoro's (tts.kokoro_priority)",
    )
    a = ap.parse_args()
    configure("warning")
    print(json.dumps(asyncio.run(run(a.legs, a.seconds, a.rate, a.synth, a.priority))))


if __name__ == "__main__":
    main()
