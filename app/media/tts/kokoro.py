"""Embedded natural voice: Kokoro-82M (int8 ONNX) with its Brazilian Portuguese voices.

The model and voices come from registry packages, joined and verified by
app/media/models.py; nothing is downloaded here. One `KokoroEngine` per process
holds the ONNX session (~2 s to load, a few hundred MB) and one inference thread;
each condominium's voice is a `KokoroTts` view on it (a voice is a 510×256 style
table, 0.5 MB). Inference (and resampling) never runs on the event loop, and its
threads run at the lowest priority without spin-waiting, so the pacer's 20 ms
clock and the recognizer always get the CPU first on a 2-core machine.

Priority, measured on 2 cores (wake-up lateness of a 5 ms sleep on the loop's
thread while Kokoro runs flat out on 2 threads): p99 ~1 ms with SCHED_IDLE, as
with no synthesis at all; 5–10 ms with nice 10. SCHED_IDLE threads only get a
core nothing else wants, so on a machine busy with other work synthesis slows
down (the reply deadline and espeak-ng cover that); "nice" is the compromise.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np

from app.media.models import (
    KOKORO_82M,
    KOKORO_VOICE_NAMES,
    KOKORO_VOICES,
    ModelError,
    ensure_model,
    models_dir,
)
from app.media.pcm import resample, trim_silence
from app.media.tts.base import TtsError
from app.media.tts.phonemes import EspeakPhonemizer

KOKORO_RATE = 24_000
# The model's context: 512 tokens including the two pads; a voice has a style
# vector per phoneme-sequence length up to this.
MAX_PHONEMES = 510
STYLE_DIM = 256
# Niceness of the inference threads when SCHED_IDLE is not used or not allowed.
INFERENCE_NICE = 10
Priority = Literal["idle", "nice"]

Audio = np.ndarray[Any, np.dtype[np.float32]]


def load_vocab() -> dict[str, int]:
    # Kokoro's 114-symbol vocabulary (the `vocab` map of its config.json,
    # Apache-2.0; identical in kokoro-onnx's config).
    text = resources.files("app.media.tts").joinpath("data/kokoro_vocab.json").read_text("utf-8")
    vocab: dict[str, int] = json.loads(text)
    return vocab


def load_voice(path: Path) -> Audio:
    raw = np.fromfile(path, dtype="<f4")
    if raw.size != MAX_PHONEMES * STYLE_DIM:
        raise ModelError(
            f"voice file {path} has {raw.size} floats, expected {MAX_PHONEMES}×{STYLE_DIM}"
        )
    return raw.reshape(MAX_PHONEMES, STYLE_DIM)


def _lower_priority(priority: Priority) -> None:
    # Linux scheduling policy and niceness are per thread, and threads inherit them
    # from the thread that creates them: ONNX Runtime's intra-op pool is created
    # (in KokoroEngine.__init__) by this thread.
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), INFERENCE_NICE)
        if priority == "idle":
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (OSError, AttributeError):
        pass  # not Linux, or not allowed: normal priority still works


class KokoroEngine:
    """The ONNX session and its single inference thread, shared by every Kokoro voice."""

    _shared: ClassVar[dict[tuple[int, str, str], KokoroEngine]] = {}
    _shared_lock = threading.Lock()

    def __init__(
        self, threads: int = 2, models_root: Path | None = None, priority: Priority = "idle"
    ) -> None:
        """Raises ModelError (naming the package) when the model is missing or corrupt."""
        import onnxruntime as ort  # deferred: ~0.2 s to import, only when Kokoro is chosen

        self.voices_dir = ensure_model(KOKORO_VOICES, models_root)  # small: checked first
        model = ensure_model(KOKORO_82M, models_root) / KOKORO_82M.files[0].name
        self.vocab = load_vocab()
        self.threads = threads
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        # Spinning threads burn a core between requests: on 2 shared cores that is
        # the pacer's and the recognizer's time.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._pool = ThreadPoolExecutor(
            max_workers=1,
            thread_name_prefix="kokoro",
            initializer=_lower_priority,
            initargs=(priority,),
        )
        try:
            self._session = self._pool.submit(
                ort.InferenceSession, str(model), opts, providers=["CPUExecutionProvider"]
            ).result()
        except Exception as exc:  # onnxruntime raises its own types for a bad file
            raise ModelError(f"kokoro: cannot load {model}: {exc}".splitlines()[0]) from exc

    @classmethod
    def shared(
        cls, threads: int = 2, models_root: Path | None = None, priority: Priority = "idle"
    ) -> KokoroEngine:
        """One engine per process (and settings): reloads and tests reuse it."""
        key = (threads, str(models_root or models_dir()), priority)
        with cls._shared_lock:
            engine = cls._shared.get(key)
            if engine is None:
                engine = cls._shared[key] = cls(threads, models_root, priority)
            return engine

    def voice(self, name: str) -> Audio:
        if name not in KOKORO_VOICE_NAMES:
            raise ModelError(
                f"unknown Kokoro voice {name!r} (have {', '.join(KOKORO_VOICE_NAMES)})"
            )
        return load_voice(self.voices_dir / f"{name}.bin")

    def tokens(self, phonemes: str) -> list[int]:
        return [t for t in (self.vocab.get(p) for p in phonemes) if t is not None]

    def infer(self, tokens: list[int], style: Audio, speed: float) -> Audio:
        """24 kHz float audio for up to MAX_PHONEMES tokens; blocking, any thread."""
        out = self._session.run(
            None,
            {
                "tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
                "style": style[min(len(tokens), MAX_PHONEMES - 1)][None, :],
                "speed": np.array([speed], dtype=np.float32),
            },
        )
        audio: Audio = out[0].reshape(-1)
        return audio

    def render(self, tokens: list[int], style: Audio, speed: float) -> bytes:
        """s16le PCM at 24 kHz for any number of tokens; blocking, any thread."""
        pieces = [
            self.infer(tokens[i : i + MAX_PHONEMES], style, speed)
            for i in range(0, len(tokens), MAX_PHONEMES)
        ]
        audio = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
        return (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes()

    def speak(
        self, phonemizer: EspeakPhonemizer, text: str, style: Audio, speed: float, rate: int
    ) -> bytes:
        """Text to s16le PCM at `rate`; blocking, any thread."""
        tokens = self.tokens(phonemizer.phonemize_sync(text))
        if not tokens:
            raise TtsError(f"kokoro: nothing to say in {text!r}")
        return trim_silence(resample(self.render(tokens, style, speed), KOKORO_RATE, rate), rate)

    async def run(
        self, phonemizer: EspeakPhonemizer, text: str, style: Audio, speed: float, rate: int
    ) -> bytes:
        """`speak` on the inference thread, one phrase at a time in the order asked.
        All of it, not only inference: espeak-ng started from the loop's thread would
        fork a large process there and run at normal priority, and resampling takes a
        few ms; each showed up as pacing jitter."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool, self.speak, phonemizer, text, style, speed, rate
        )


class KokoroTts:
    """One Kokoro voice at one speed, behind the TextToSpeech interface."""

    name = "kokoro"

    def __init__(
        self,
        voice: str = "pm_alex",
        speed: float = 1.0,
        engine: KokoroEngine | None = None,
        threads: int = 2,
        models_root: Path | None = None,
        priority: Priority = "idle",
    ) -> None:
        """Raises ModelError (naming the package) when the model or voice is missing or
        corrupt, TtsError when espeak-ng (the phonemizer) is not installed."""
        self.engine = engine or KokoroEngine.shared(threads, models_root, priority)
        self.voice = voice
        self.speed = speed
        self._style = self.engine.voice(voice)
        self._phonemizer = EspeakPhonemizer()

    @property
    def voice_key(self) -> str:
        # The model's pinned hash too: audio cached from other weights is never played.
        return f"kokoro:{KOKORO_82M.files[0].sha256[:8]}:{self.voice}:x{self.speed:g}"

    async def synthesize(self, text: str, sample_rate: int) -> bytes:
        return await self.engine.run(self._phonemizer, text, self._style, self.speed, sample_rate)

    async def aclose(self) -> None:
        pass  # the engine is the process's, shared by every voice and reload
