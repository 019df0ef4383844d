"""Natural-voice test speech at telephone quality, for tests and benchmarks of a
Whisper recognizer (which cannot read espeak-ng's robotic voice).

    natural_clip("Quem é?", "pf_dora", 8000) -> s16le mono PCM bytes

Kokoro (the embedded voice) speaks the text; the audio is taken to 8 kHz, band-
limited to the telephone's 300-3400 Hz and given light noise seeded from the
text, so the same arguments always give the same bytes. Clips are cached on disk
(~/.cache/portaria/testaudio, or $PORTARIA_TESTAUDIO_DIR) keyed by text, voice
and rate: Kokoro takes ~1 s per phrase on a busy 2-core machine.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np

from app.media.tts.resample import resample

TELEPHONE_RATE = 8000
BAND_HZ = (300.0, 3400.0)
NOISE_DBFS = -55.0  # light line hiss: present, far below speech
_VERSION = "v1"  # bump when the processing changes, so cached clips are remade

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_voices: dict[str, Any] = {}


def cache_dir() -> Path:
    d = Path(os.environ.get("PORTARIA_TESTAUDIO_DIR", "~/.cache/portaria/testaudio")).expanduser()
    d.mkdir(parents=True, exist_ok=True)
    return d


def _kokoro_loop() -> asyncio.AbstractEventLoop:
    """One event loop on a daemon thread for Kokoro: callers may be sync or inside a test's loop."""
    global _loop
    if _loop is None:
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="testaudio-kokoro", daemon=True).start()
        _loop = loop
    return _loop


async def _speak(text: str, voice: str) -> bytes:
    from app.media.tts.kokoro import KokoroTts

    tts = _voices.get(voice)
    if tts is None:
        tts = _voices[voice] = KokoroTts(voice=voice, threads=2)
    pcm: bytes = await tts.synthesize(text, 24_000)
    return pcm


def telephone(pcm24k: bytes, rate: int, seed: bytes) -> bytes:
    """8 kHz, 300-3400 Hz band, light deterministic noise; then at `rate` (16 kHz for wideband tests)."""
    narrow = np.frombuffer(resample(pcm24k, 24_000, TELEPHONE_RATE), dtype="<i2").astype(np.float64)
    spectrum = np.fft.rfft(narrow)
    freqs = np.fft.rfftfreq(len(narrow), 1 / TELEPHONE_RATE)
    lo, hi = BAND_HZ
    # Soft edges (100 Hz ramps) instead of a brick wall: a brick wall rings.
    gain = np.clip((freqs - (lo - 100)) / 100, 0, 1) * np.clip(((hi + 100) - freqs) / 100, 0, 1)
    band = np.fft.irfft(spectrum * gain, n=len(narrow))
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(seed).digest()[:8], "little"))
    band += rng.normal(0.0, 32768 * 10 ** (NOISE_DBFS / 20), len(band))
    out = np.clip(band, -32768, 32767).astype("<i2").tobytes()
    return resample(out, TELEPHONE_RATE, rate) if rate != TELEPHONE_RATE else out


def natural_clip(text: str, voice: str = "pm_alex", rate: int = 8000) -> bytes:
    """`text` said by a Kokoro voice (pm_alex, pf_dora, pm_santa), at telephone quality, at `rate`."""
    key = hashlib.sha256(f"{_VERSION}|{voice}|{rate}|{text}".encode()).hexdigest()[:24]
    path = cache_dir() / f"{key}.pcm"
    if path.exists():
        return path.read_bytes()
    with _lock:  # one synthesis at a time: Kokoro takes both cores anyway
        if path.exists():
            return path.read_bytes()
        fut: Future[bytes] = asyncio.run_coroutine_threadsafe(_speak(text, voice), _kokoro_loop())
        pcm = telephone(fut.result(timeout=120), rate, key.encode())
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pcm)
        tmp.replace(path)
        return pcm
