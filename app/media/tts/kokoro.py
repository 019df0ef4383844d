"""Embedded natural voice: Kokoro-82M (int8 ONNX) with its Brazilian Portuguese voices.

The model and voices come from registry packages, joined and verified by
app/media/models.py; nothing is downloaded here. Inference runs on ONNX Runtime
in a small, bounded thread pool so that it never takes the event loop (the
pacer's 20 ms clock) or all the cores away from the recognizer.
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from app.media.models import KOKORO_82M, KOKORO_VOICE_NAMES, KOKORO_VOICES, ModelError, ensure_model
from app.media.tts.base import TtsError
from app.media.tts.phonemes import EspeakPhonemizer
from app.media.tts.resample import resample, trim_silence

KOKORO_RATE = 24_000
# The model's context: 512 tokens including the two pads; a voice has a style
# vector per phoneme-sequence length up to this.
MAX_PHONEMES = 510
STYLE_DIM = 256


def load_vocab() -> dict[str, int]:
    # Kokoro's 114-symbol vocabulary (the `vocab` map of its config.json,
    # Apache-2.0; identical in kokoro-onnx's config).
    text = resources.files("app.media.tts").joinpath("data/kokoro_vocab.json").read_text("utf-8")
    vocab: dict[str, int] = json.loads(text)
    return vocab


def load_voice(path: Path) -> np.ndarray[Any, np.dtype[np.float32]]:
    raw = np.fromfile(path, dtype="<f4")
    if raw.size != MAX_PHONEMES * STYLE_DIM:
        raise ModelError(f"voice file {path} has {raw.size} floats, expected {MAX_PHONEMES}×{STYLE_DIM}")
    return raw.reshape(MAX_PHONEMES, STYLE_DIM)


class KokoroTts:
    name = "kokoro"

    def __init__(self, voice: str = "pm_alex", speed: float = 1.0, threads: int = 1,
                 workers: int = 1, models_root: Path | None = None) -> None:
        """Raises ModelError (naming the package) when the model or voice is missing or
        corrupt, TtsError when espeak-ng (the phonemizer) is not installed."""
        if voice not in KOKORO_VOICE_NAMES:
            raise ModelError(f"unknown Kokoro voice {voice!r} (have {', '.join(KOKORO_VOICE_NAMES)})")
        import onnxruntime as ort  # deferred: ~0.2 s to import, only when Kokoro is chosen

        model_dir = ensure_model(KOKORO_82M, models_root)
        voices_dir = ensure_model(KOKORO_VOICES, models_root)
        self.voice = voice
        self.speed = speed
        self._style = load_voice(voices_dir / f"{voice}.bin")
        self._vocab = load_vocab()
        self._phonemizer = EspeakPhonemizer()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(model_dir / KOKORO_82M.files[0].name), opts, providers=["CPUExecutionProvider"])
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kokoro")
        self._free = asyncio.Semaphore(workers)

    @property
    def voice_key(self) -> str:
        return f"kokoro:{self.voice}:x{self.speed:g}"

    def tokens(self, phonemes: str) -> list[int]:
        return [t for t in (self._vocab.get(p) for p in phonemes) if t is not None]

    def _infer(self, tokens: list[int]) -> np.ndarray[Any, np.dtype[np.float32]]:
        style = self._style[min(len(tokens), MAX_PHONEMES - 1)][None, :]
        out = self._session.run(None, {
            "tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
            "style": style,
            "speed": np.array([self.speed], dtype=np.float32),
        })
        audio: np.ndarray[Any, np.dtype[np.float32]] = out[0].reshape(-1)
        return audio

    async def synthesize(self, text: str, sample_rate: int) -> bytes:
        phonemes = await self._phonemizer.phonemize(text)
        tokens = self.tokens(phonemes)
        if not tokens:
            raise TtsError(f"kokoro: nothing to say in {text!r}")
        chunks = [tokens[i:i + MAX_PHONEMES] for i in range(0, len(tokens), MAX_PHONEMES)]
        loop = asyncio.get_running_loop()
        pieces = []
        for chunk in chunks:
            async with self._free:
                pieces.append(await loop.run_in_executor(self._pool, self._infer, chunk))
        audio = np.concatenate(pieces)
        pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        return trim_silence(resample(pcm, KOKORO_RATE, sample_rate), sample_rate)

    async def aclose(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
