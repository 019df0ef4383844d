"""Raw PCM and WAV: the one audio format the app moves, and the helpers every backend shares.

Audio is what AudioSocket carries: signed 16-bit little-endian mono PCM at one
of its rates (8 kHz `slin`, 16 kHz `slin16`...). Recognizers get it as is or
wrapped in WAV; voices hand back PCM or WAV at their own rate, resampled here
to the leg's and trimmed of the silence synthesizers add.

numpy and soxr are imported by the functions that need them, not here: the
speech interfaces import this module, and a command that never touches audio
(`portaria --help`, `console`, `audit`) must not pay ~0.2 s to load them.
"""

from __future__ import annotations

import io
import struct
import wave

SAMPLE_WIDTH = 2  # bytes per sample: signed 16-bit little-endian
# AudioSocket's slin kinds 0x10..0x18; anything else is not audio we can receive.
AUDIOSOCKET_RATES = frozenset({8000, 12000, 16000, 24000, 32000, 44100, 48000, 96000, 192000})


def check_pcm(pcm: bytes, sample_rate: int, rates: frozenset[int] = AUDIOSOCKET_RATES) -> None:
    """Reject audio no backend could interpret; a caller bug, so ValueError, not a backend error."""
    if sample_rate not in rates:
        raise ValueError(
            f"unsupported sample rate {sample_rate} Hz (expected one of {sorted(rates)})"
        )
    if len(pcm) % SAMPLE_WIDTH:
        raise ValueError(f"PCM length {len(pcm)} is not a whole number of 16-bit samples")


def audio_seconds(pcm: bytes, sample_rate: int) -> float:
    return len(pcm) / (SAMPLE_WIDTH * sample_rate)


def pcm_to_wav(pcm: bytes, sample_rate: int) -> bytes:
    """Wrap raw PCM in a RIFF/WAV header, keeping the rate (services resample themselves,
    and resampling 8 kHz up here would only add bytes, not information)."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(SAMPLE_WIDTH)
        w.setframerate(sample_rate)
        w.writeframes(pcm)
    return buf.getvalue()


def wav_to_pcm(data: bytes) -> tuple[bytes, int]:
    """(mono s16le PCM, rate) of a 16-bit PCM WAV; channels are averaged to mono.

    Tolerant of streamed headers: a WAV written while streaming (espeak-ng's
    `--stdout`, a TTS server's chunked reply) cannot know its length, so the
    size fields hold 0 or 0xFFFFFFFF. A data size that is 0 or runs past the
    end means "to the end". Raises ValueError for anything else than 16-bit PCM.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a RIFF/WAVE file")
    pos, fmt = 12, None
    try:
        while pos + 8 <= len(data):
            cid, size = data[pos : pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
            body = pos + 8
            if cid == b"fmt ":
                fmt = struct.unpack_from("<HHIIHH", data, body)
            elif cid == b"data":
                if fmt is None:
                    raise ValueError("WAV data chunk before its fmt chunk")
                tag, channels, rate, _, _, bits = fmt
                if tag not in (1, 0xFFFE) or bits != 16 or channels < 1:
                    raise ValueError(f"expected 16-bit PCM WAV, got format {tag}, {bits}-bit")
                end = body + size if 0 < size <= len(data) - body else len(data)
                frames = data[body:end]
                frames = frames[: len(frames) - len(frames) % (SAMPLE_WIDTH * channels)]
                return (_downmix(frames, channels) if channels > 1 else frames), rate
            pos = body + size + (size & 1)  # chunks are word-aligned
    except struct.error as exc:
        raise ValueError(f"truncated WAV header: {exc}") from None
    raise ValueError("WAV has no data chunk")


def _downmix(frames: bytes, channels: int) -> bytes:
    import numpy as np

    x = np.frombuffer(frames, dtype="<i2").reshape(-1, channels).mean(axis=1)
    mono: bytes = x.astype("<i2").tobytes()
    return mono


def resample(pcm: bytes, src_rate: int, dst_rate: int) -> bytes:
    """s16le PCM from `src_rate` to `dst_rate` (soxr, high quality); unchanged when equal."""
    if src_rate == dst_rate or not pcm:
        return pcm
    import numpy as np
    import soxr

    x = np.frombuffer(pcm, dtype="<i2")
    y = soxr.resample(x, src_rate, dst_rate, quality="HQ")
    return np.asarray(y, dtype="<i2").tobytes()


def trim_silence(pcm: bytes, sample_rate: int, threshold: int = 200, keep_ms: int = 30) -> bytes:
    """Drop the leading/trailing silence synthesizers add: it is pure added latency."""
    import numpy as np

    x = np.frombuffer(pcm, dtype="<i2")
    loud = np.flatnonzero(np.abs(x) > threshold)
    if loud.size == 0:
        return pcm
    keep = sample_rate * keep_ms // 1000
    start = max(0, int(loud[0]) - keep)
    end = min(x.size, int(loud[-1]) + keep)
    return x[start:end].tobytes()
