"""PCM helpers shared by the TTS backends."""

from __future__ import annotations

import io
import wave

import numpy as np
import soxr


def wav_to_pcm(wav: bytes) -> tuple[bytes, int]:
    """(mono s16le PCM, sample rate) of a WAV file; stereo is averaged to mono."""
    with wave.open(io.BytesIO(wav), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"expected 16-bit WAV, got {8 * w.getsampwidth()}-bit")
        rate, channels = w.getframerate(), w.getnchannels()
        frames = w.readframes(w.getnframes())
    if channels > 1:
        arr = np.frombuffer(frames, dtype="<i2").reshape(-1, channels).mean(axis=1)
        frames = arr.astype("<i2").tobytes()
    return frames, rate


def resample(pcm: bytes, src_rate: int, dst_rate: int) -> bytes:
    if src_rate == dst_rate or not pcm:
        return pcm
    x = np.frombuffer(pcm, dtype="<i2")
    y = soxr.resample(x, src_rate, dst_rate, quality="HQ")
    return np.asarray(y, dtype="<i2").tobytes()


def trim_silence(pcm: bytes, sample_rate: int, threshold: int = 200, keep_ms: int = 30) -> bytes:
    """Drop the leading/trailing silence synthesizers add: it is pure added latency."""
    x = np.frombuffer(pcm, dtype="<i2")
    loud = np.flatnonzero(np.abs(x) > threshold)
    if loud.size == 0:
        return pcm
    keep = sample_rate * keep_ms // 1000
    start = max(0, int(loud[0]) - keep)
    end = min(x.size, int(loud[-1]) + keep)
    return x[start:end].tobytes()
