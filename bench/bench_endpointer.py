"""Endpointer benchmark: per-frame cost and end-of-speech detection delay.

    .venv/bin/python -m bench.bench_endpointer

Prints numbers only (no asserts). Speech is espeak-ng pt-BR from
tests/harness/audio.py (cached on disk after the first run).

- cost: wall time of Endpointer.push() per 20 ms frame over ~60 s of mixed
  audio (speech, digital silence, noise floors, clicks) at 8 and 16 kHz.
- delay: stream time from a phrase's true last sample to the UtteranceEnded
  that carries it, over timelines like the tests' (several noise floors, with
  and without frames during silence, tick() every 20 ms like the pacing loop).
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from app.media.endpointing import EndpointerConfig
from app.media.vad import (
    FRAME_SECONDS,
    Endpointer,
    SpeechStarted,
    UtteranceEnded,
)
from tests.harness.audio import build_timeline, click, frames, white_noise

PHRASES = [
    "Bom dia, vim entregar uma encomenda",
    "para o apartamento quinhentos e um",
    "meu nome é Pedro da Silva",
    "Oi, é da portaria?",
    "Entrega do Mercado Livre para o bloco B",
    "Pode liberar, obrigado",
    "Não, não estou esperando ninguém",
    "Sou o técnico da internet, vim fazer a instalação",
]


def pct(xs: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(xs), p))


def mixed_audio(rate: int) -> bytes:
    """~60 s: phrases over varied floors, pauses, noise bursts and clicks."""
    segs: list[object] = []
    for i, text in enumerate(PHRASES * 2):
        segs += [0.6 + 0.3 * (i % 4), text]
        if i % 3 == 0:
            segs += [white_noise(1.0, rate, -50.0, seed=i)]
        if i % 4 == 1:
            segs += [0.4, click(0.1, rate, seed=i)]
    segs += [2.0]
    tl = build_timeline(segs, rate, noise_dbfs=-58.0)  # type: ignore[arg-type]
    return tl.pcm


def bench_cost(rate: int, repeats: int = 3) -> None:
    pcm = mixed_audio(rate)
    fr = list(frames(pcm, rate))
    costs: list[float] = []
    for _ in range(repeats):
        ep = Endpointer(EndpointerConfig(sample_rate=rate))
        for t, f in fr:
            t0 = time.perf_counter_ns()
            ep.push(f, t)
            costs.append((time.perf_counter_ns() - t0) / 1000)
        tk0 = time.perf_counter_ns()
        for t, _ in fr:
            ep.tick(t)
        tick_us = (time.perf_counter_ns() - tk0) / 1000 / len(fr)
    secs = len(fr) * FRAME_SECONDS
    print(
        f"push() cost  {rate:>5} Hz  {secs:5.1f} s x{repeats}  "
        f"mean {statistics.fmean(costs):5.1f} µs  p50 {pct(costs, 50):5.1f} µs  "
        f"p99 {pct(costs, 99):5.1f} µs  max {max(costs):7.1f} µs  "
        f"| tick() mean {tick_us:4.2f} µs"
    )


def delays(
    cfg: EndpointerConfig, noise: float | None, silent_frames: bool
) -> tuple[list[float], list[float], int, int]:
    """(end delays, |start errors|, utterances found, utterances expected)."""
    rate = cfg.sample_rate
    segs: list[str | float] = [0.8]
    for text in PHRASES:
        segs += [text, 1.2]
    tl = build_timeline(segs, rate, noise_dbfs=noise)
    ep = Endpointer(cfg)
    found: list[tuple[float, UtteranceEnded]] = []
    for t, f in frames(tl.pcm, rate):
        now = t + FRAME_SECONDS
        evs = ep.push(f, t) if (silent_frames or any(f)) else []
        evs += ep.tick(now)
        found += [(now, e) for e in evs if isinstance(e, UtteranceEnded)]
    out_d: list[float] = []
    out_s: list[float] = []
    for t_start, t_end in tl.truth:
        match = [(w, e) for w, e in found if e.utterance.start <= t_end <= e.utterance.end + 0.2]
        if match:
            w = match[-1][0]
            out_d.append(w - t_end)
            out_s.append(abs(match[0][1].utterance.start - t_start))
    return out_d, out_s, len(found), len(tl.truth)


def bench_onset() -> None:
    """Stream time from true onset to SpeechStarted: normal vs barge-in."""
    for rate in (8000, 16000):
        for barge in (False, True):
            lat: list[float] = []
            for text in PHRASES:
                tl = build_timeline([0.5, text, 1.0], rate)
                ep = Endpointer(EndpointerConfig(sample_rate=rate), barge_in=barge)
                ep.set_playing(barge, 0.0)
                for t, f in frames(tl.pcm, rate):
                    if any(isinstance(e, SpeechStarted) for e in ep.push(f, t)):
                        lat.append(t + FRAME_SECONDS - tl.truth[0][0])
                        break
            kind = "barge-in (during playback)" if barge else "normal (announced at min length)"
            print(
                f"SpeechStarted {rate:>5} Hz  {kind:<34} {len(lat)}/{len(PHRASES)}  "
                f"p50 {pct(lat, 50) * 1000:4.0f} ms  max {max(lat) * 1000:4.0f} ms after onset"
            )


def bench_delay() -> None:
    floors: list[float | None] = [None, -60.0, -50.0, -40.0]
    for rate in (8000, 16000):
        for noise in floors:
            for silent_frames in (True, False):
                if noise is not None and not silent_frames:
                    continue  # with a noise floor, frames always carry audio
                d, s, n, want = delays(EndpointerConfig(sample_rate=rate), noise, silent_frames)
                label = "digital silence" if noise is None else f"noise {noise:.0f} dBFS"
                label += "" if silent_frames else ", no frames in silence"
                print(
                    f"end delay   {rate:>5} Hz  {label:<38} utterances {n}/{want}  "
                    f"p50 {pct(d, 50) * 1000:4.0f} ms  p95 {pct(d, 95) * 1000:4.0f} ms  "
                    f"max {max(d) * 1000:4.0f} ms  | start err p95 {pct(s, 95) * 1000:3.0f} ms"
                )
    print("silence_seconds sweep (8 kHz, noise -50 dBFS): end delay p50/p95")
    for sil in (0.3, 0.4, 0.5, 0.6, 0.8):
        d, _, n, want = delays(EndpointerConfig(silence_seconds=sil), -50.0, True)
        print(
            f"  silence_seconds={sil:.1f}  p50 {pct(d, 50) * 1000:4.0f} ms  "
            f"p95 {pct(d, 95) * 1000:4.0f} ms  utterances {n}/{want}"
        )


if __name__ == "__main__":
    for r in (8000, 16000):
        bench_cost(r)
    bench_onset()
    bench_delay()
