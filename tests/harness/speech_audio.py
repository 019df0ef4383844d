"""Natural-voice test audio: what a caller sounds like on a gate's phone line.

Whisper cannot read espeak-ng speech, so tests of a recognizer need a natural
voice. `natural_clip` speaks `text` with Kokoro (the app's embedded voice, its
model from the registry packages), then makes it sound like a telephone line:
resampled to `rate`, band-limited to 300–3400 Hz (100 Hz raised-cosine
skirts, nothing below 200 or above 3500 Hz), with light noise that is the
same every run (seeded by the text). Clips are cached on disk by text, voice
and rate, so a rerun costs nothing; a first run costs ~1 s of CPU per clip.

    from tests.harness.speech_audio import natural_clip
    pcm = natural_clip("Quero falar com o apartamento 501")  # s16le, 8 kHz
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

from app.media.pcm import resample, trim_silence
from app.media.tts.kokoro import KOKORO_RATE, KokoroEngine
from app.media.tts.normalize import speech_text
from app.media.tts.phonemes import EspeakPhonemizer

VERSION = 1  # bump when the recipe changes: old clips are then never reused
BAND_HZ = (300.0, 3400.0)
NOISE_DBFS = -50.0  # a quiet line: audible hiss, far below speech (~-20 dBFS)


def clips_dir() -> Path:
    return Path(os.environ.get("PORTARIA_TEST_CLIPS", "~/.cache/portaria/test-clips")).expanduser()


def telephone(pcm: bytes, rate: int, seed: int) -> bytes:
    """Band-limit s16le PCM at `rate` to 300–3400 Hz (smooth edges) and add faint noise."""
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    if x.size == 0:
        return pcm
    spec = np.fft.rfft(x)
    f = np.fft.rfftfreq(x.size, 1 / rate)
    lo, hi = BAND_HZ
    # Raised-cosine edges 100 Hz wide: a brick wall would ring.
    gain = np.clip((f - (lo - 100)) / 100, 0, 1) * np.clip(((hi + 100) - f) / 100, 0, 1)
    gain = 0.5 - 0.5 * np.cos(np.pi * gain)
    y = np.fft.irfft(spec * gain, n=x.size)
    rng = np.random.default_rng(seed)
    y += rng.normal(0, 32768 * 10 ** (NOISE_DBFS / 20), x.size)
    return np.clip(np.round(y), -32768, 32767).astype("<i2").tobytes()


def natural_clip(text: str, voice: str = "pm_alex", rate: int = 8000) -> bytes:
    """`text` spoken by Kokoro's `voice`, as heard on a phone line: s16le mono PCM at `rate`."""
    key = hashlib.sha256(f"{VERSION}|{voice}|{rate}|{text}".encode()).hexdigest()
    path = clips_dir() / f"{key[:32]}.slin"
    if path.exists():
        return path.read_bytes()
    engine = KokoroEngine.shared()
    tokens = engine.tokens(EspeakPhonemizer().phonemize_sync(speech_text(text)))
    pcm = trim_silence(
        resample(engine.render(tokens, engine.voice(voice), 1.0), KOKORO_RATE, rate), rate
    )
    out = telephone(pcm, rate, seed=int(key[:8], 16))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=path.parent, suffix=".tmp"
    )  # atomic: parallel runs share the folder
    with os.fdopen(fd, "wb") as f:
        f.write(out)
    os.replace(tmp, path)
    return out


class Whisper:
    """Whisper base (faster-whisper, int8) as the intelligibility judge of tests and benches:
    greedy, temperature 0, Portuguese. Loads in ~1 s; ~0.6 s per utterance on 2 cores."""

    def __init__(self, threads: int = 2) -> None:
        from faster_whisper import WhisperModel

        from app.media.models import WHISPER_BASE, ensure_model

        self.model = WhisperModel(
            str(ensure_model(WHISPER_BASE)), device="cpu", compute_type="int8", cpu_threads=threads
        )

    def text(self, pcm: bytes, rate: int) -> str:
        audio = np.frombuffer(resample(pcm, rate, 16000), dtype="<i2").astype(np.float32) / 32768
        segments, _ = self.model.transcribe(
            audio,
            language="pt",
            beam_size=1,
            temperature=0.0,
            condition_on_previous_text=False,
            vad_filter=False,
        )
        return " ".join(s.text.strip() for s in segments).strip()
