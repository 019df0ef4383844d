"""Synthetic pt-BR call audio with known ground truth, for tests and benchmarks.

    synth_speech("meu nome é Pedro", 8000)            -> int16 samples, edges trimmed
    build_timeline([0.5, "bom dia", 1.2, "tchau"], 8000) -> Timeline(pcm, truth)
    frames(pcm, 8000)                                  -> (t, 20 ms frame) pairs

Speech comes from espeak-ng (pt-br voice), is resampled with soxr to the
telephony rate and cached on disk (keyed by text, voice, rate and espeak-ng
version), so a test run only pays for synthesis once per phrase.
Cache: $PORTARIA_AUDIO_CACHE, else <system tmp>/portaria-audio-cache.

Ground truth for a phrase is its first/last sample above TRIM_LEVEL: espeak-ng
pads its WAV with silence, and that padding is trimmed here so that the
timeline's truth marks where audible speech starts and stops.
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
import tempfile
import wave
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import soxr

Samples = npt.NDArray[np.int16]

# ~ -50 dBFS peak: well below any syllable, above soxr's resampling ripple.
TRIM_LEVEL = 100
FRAME_SECONDS = 0.02


@dataclass(frozen=True)
class Speech:
    """A phrase in a timeline, optionally louder or quieter than espeak's level."""

    text: str
    gain_db: float = 0.0
    voice: str = "pt-br"


class Timeline(NamedTuple):
    pcm: bytes  # s16le mono at the timeline's rate
    truth: list[tuple[float, float]]  # (start, end) seconds of each speech segment

    def duration(self, rate: int) -> float:
        return len(self.pcm) / 2 / rate


def cache_dir() -> Path:
    default = Path(tempfile.gettempdir()) / "portaria-audio-cache"
    d = Path(os.environ.get("PORTARIA_AUDIO_CACHE") or default)
    d.mkdir(parents=True, exist_ok=True)
    return d


@functools.cache
def _espeak_version() -> str:
    out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def _espeak(text: str, voice: str) -> tuple[Samples, int]:
    # --stdout writes a streaming WAV header with bogus sizes; a file is exact.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.wav"
        cmd = ["espeak-ng", "-v", voice, "-w", str(path), text]
        subprocess.run(cmd, check=True, capture_output=True)
        with wave.open(str(path), "rb") as w:
            if w.getsampwidth() != 2 or w.getnchannels() != 1:
                raise RuntimeError(f"espeak-ng produced an unexpected WAV format for {text!r}")
            data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int16)
            return data, w.getframerate()


def trim(x: Samples, level: int = TRIM_LEVEL) -> Samples:
    """Drop leading/trailing samples whose magnitude never exceeds `level`."""
    loud = np.flatnonzero(np.abs(x.astype(np.int32)) > level)
    if loud.size == 0:
        return x[:0]
    return x[loud[0] : loud[-1] + 1]


def resample(x: Samples, rate_in: int, rate_out: int) -> Samples:
    if rate_in == rate_out:
        return x
    src = x.astype(np.float32) / 32768.0
    y: npt.NDArray[np.float32] = soxr.resample(src, rate_in, rate_out, quality="HQ")
    return np.clip(np.round(y * 32768.0), -32768, 32767).astype(np.int16)


def synth_speech(text: str, rate: int, voice: str = "pt-br") -> Samples:
    """espeak-ng speech for `text` at `rate` Hz, trimmed to its audible span (cached)."""
    key = hashlib.sha256(f"{_espeak_version()}|{voice}|{rate}|{text}".encode()).hexdigest()[:32]
    path = cache_dir() / f"{key}.npy"
    if path.exists():
        cached: Samples = np.load(path)
        return cached
    raw, raw_rate = _espeak(text, voice)
    out = trim(resample(raw, raw_rate, rate))
    # Atomic publish so parallel test workers never read a half-written file.
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, suffix=".npy")
    with os.fdopen(fd, "wb") as f:
        np.save(f, out)
    os.replace(tmp_name, path)
    return out


def silence(seconds: float, rate: int) -> Samples:
    return np.zeros(round(seconds * rate), dtype=np.int16)


def white_noise(seconds: float, rate: int, dbfs: float = -60.0, seed: int = 0) -> Samples:
    """Gaussian white noise whose RMS is `dbfs` relative to full scale."""
    rms = 32768.0 * 10 ** (dbfs / 20)
    x = np.random.default_rng(seed).normal(0.0, rms, round(seconds * rate))
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def click(seconds: float, rate: int, dbfs: float = -6.0, seed: int = 0) -> Samples:
    """A loud broadband burst (handset knock, relay click), decaying over `seconds`."""
    n = round(seconds * rate)
    envelope = np.exp(-np.arange(n) / max(n / 5, 1))
    x = np.random.default_rng(seed).uniform(-1, 1, n) * envelope * 32768.0 * 10 ** (dbfs / 20)
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def gain(x: Samples, db: float) -> Samples:
    if db == 0.0:
        return x
    return np.clip(np.round(x.astype(np.float64) * 10 ** (db / 20)), -32768, 32767).astype(np.int16)


def level_dbfs(x: Samples) -> float:
    if x.size == 0:
        return float("-inf")
    ms = float(np.mean(np.square(x.astype(np.float64))))
    return 10 * np.log10(ms / 32768.0**2) if ms > 0 else float("-inf")


Segment = str | float | int | Speech | Samples


def build_timeline(
    segments: Sequence[Segment], rate: int, noise_dbfs: float | None = None, seed: int = 0
) -> Timeline:
    """Concatenate segments; truth lists each speech segment's (start, end) in seconds.

    str / Speech -> synthesized speech (recorded in truth); float / int -> digital
    silence of that many seconds; an int16 array -> raw audio (noise, clicks), not
    speech. noise_dbfs adds a white-noise floor under the whole timeline.
    """
    parts: list[Samples] = []
    truth: list[tuple[float, float]] = []
    pos = 0
    for seg in segments:
        if isinstance(seg, str):
            seg = Speech(seg)
        if isinstance(seg, Speech):
            x = gain(synth_speech(seg.text, rate, seg.voice), seg.gain_db)
            truth.append((pos / rate, (pos + x.size) / rate))
        elif isinstance(seg, (int, float)):
            x = silence(float(seg), rate)
        else:
            x = np.asarray(seg, dtype=np.int16)
        parts.append(x)
        pos += x.size
    pcm = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
    if noise_dbfs is not None:
        noisy = pcm.astype(np.int32) + white_noise(pcm.size / rate, rate, noise_dbfs, seed)
        pcm = np.clip(noisy, -32768, 32767).astype(np.int16)
    return Timeline(pcm.astype("<i2").tobytes(), truth)


def frames(
    pcm: bytes, rate: int, frame_seconds: float = FRAME_SECONDS
) -> Iterator[tuple[float, bytes]]:
    """(stream time, frame) for each 20 ms frame; the last one is zero-padded."""
    size = round(rate * frame_seconds) * 2
    for i, off in enumerate(range(0, len(pcm), size)):
        chunk = pcm[off : off + size]
        if len(chunk) < size:
            chunk += bytes(size - len(chunk))
        yield i * frame_seconds, chunk
