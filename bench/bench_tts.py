"""TTS: espeak-ng synthesis time per phrase, and cache hit latency (memory, disk).

python -m bench.bench_tts
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from app.config import Phrases
from app.logging import configure
from app.media.tts import CachedTts
from app.media.tts.espeak import EspeakTts


def us(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(q * len(xs)))] * 1e6, 1)


async def main() -> None:
    configure("warning")
    phrases = [p for p in Phrases().model_dump().values() if "{" not in p]
    synth: list[float] = []
    with tempfile.TemporaryDirectory() as d:
        cache = CachedTts(EspeakTts(), Path(d))
        for text in phrases:
            t0 = time.perf_counter()
            await cache.synthesize(text, 8000)
            synth.append(time.perf_counter() - t0)
        mem: list[float] = []
        for _ in range(20):
            for text in phrases:
                t0 = time.perf_counter()
                await cache.synthesize(text, 8000)
                mem.append(time.perf_counter() - t0)
        disk: list[float] = []
        for _ in range(5):
            fresh = CachedTts(cache.backend, Path(d))  # empty memory, warm disk
            for text in phrases:
                t0 = time.perf_counter()
                await fresh.synthesize(text, 8000)
                disk.append(time.perf_counter() - t0)
    print(
        json.dumps(
            {
                "metric": "espeak-ng synthesis + resample per phrase (uncached)",
                "phrases": len(phrases),
                "mean_ms": round(statistics.mean(synth) * 1000, 1),
                "max_ms": round(max(synth) * 1000, 1),
            }
        )
    )
    print(
        json.dumps(
            {
                "metric": "TTS cache hit, memory",
                "n": len(mem),
                "p50_us": us(mem, 0.5),
                "p99_us": us(mem, 0.99),
            }
        )
    )
    print(
        json.dumps(
            {
                "metric": "TTS cache hit, disk",
                "n": len(disk),
                "p50_us": us(disk, 0.5),
                "p99_us": us(disk, 0.99),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
