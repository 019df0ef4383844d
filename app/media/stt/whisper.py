"""Embedded speech recognition: Whisper base (from the package registry) on this machine.

The model is loaded once. Decoding runs on a few worker threads (one per two
cores by default: CTranslate2 uses two threads per utterance, so more workers
would only share the same cores), never on the event loop that paces audio.
Utterances beyond the workers wait in a bounded queue; past it the backend says
"busy" at once (the dialog asks again or offers the keypad) instead of letting
every caller wait. A job whose caller gave up (timeout, hang-up) before it
started is skipped, not decoded.

What the recognizer is told per turn comes in the `SttHint`: a prompt of the
building's names and numbers, or the phrases a closed question expects, which
are scored against the audio (see whisper_engine).
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import structlog

from app.media.models import WHISPER_BASE, ModelError, ensure_model
from app.media.pcm import AUDIOSOCKET_RATES, audio_seconds, check_pcm
from app.media.stt.base import HALLUCINATIONS, SttConfigError, SttError, SttHint, Transcript
from app.media.stt.whisper_engine import Decoded, WhisperEngine
from app.metrics import STT_INFERENCE, STT_QUEUE

log = structlog.get_logger("portaria.stt.whisper")

MIN_AUDIO_S = 0.1
# Free text worse than this per token is noise read as words (measured: real
# utterances -0.1..-0.8, garbage from one-word answers -1.0..-1.6).
REJECT_LOGPROB = -1.3
# Whisper's own no-speech rule: likely silence and not confidently words.
NO_SPEECH_PROB, NO_SPEECH_LOGPROB = 0.6, -0.8
# Free text this doubtful may be a guess: it is not acted on without confirming.
UNSURE_LOGPROB = -0.6
# A prompt word in the text that the audio alone makes this much less likely
# (mean log-probability per token) came from the prompt, not from the caller.
LEAK_DROP = 1.0


def default_workers() -> int:
    return max(1, (os.cpu_count() or 2) // 2)


@dataclass
class _Job:
    cancelled: bool = False


# Whisper base's habitual mishearing of a visitor introducing themselves at a
# sentence's start: "Bom dia, sua Carla" for "Bom dia, sou a Carla" (bench set).
_SOU_A = re.compile(r"(^|[,.!?] )[Ss]ua (?=[A-ZÁÉÍÓÚ])")


def tidy(text: str) -> str:
    return _SOU_A.sub(lambda m: m.group(1) + ("Sou a " if not m.group(1) else "sou a "), text)


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w{3,}", text)}


class WhisperStt:
    def __init__(
        self,
        *,
        workers: int | None = None,
        threads: int | None = None,
        max_queue: int = 4,
        language: str = "pt",
        prompt: str | None = None,
        choice_margin: float = 0.35,
        choice_floor: float = -6.0,
        models_root: Path | None = None,
        window_frames: int | None = None,
        name: str = "whisper",
    ) -> None:
        """Loads the model (~1 s).

        SttConfigError, naming the package, when it is missing or corrupt."""
        self.name = name
        self.workers = workers or default_workers()
        self.threads = threads or max(1, (os.cpu_count() or 2) // self.workers)
        self.max_queue = max_queue
        self.prompt = prompt
        self.choice_margin = choice_margin
        self.choice_floor = choice_floor
        # None: the utterance plus ~2 s (fast); 3000: Whisper's 30 s window (the bench compares).
        self.window_frames = window_frames
        t0 = time.monotonic()
        try:
            model_dir = ensure_model(WHISPER_BASE, models_root)
        except ModelError as exc:
            raise SttConfigError(f"stt backend {name!r} (Whisper base): {exc}") from exc
        self.engine = WhisperEngine(
            model_dir, threads=self.threads, workers=self.workers, language=language
        )
        self.load_s = time.monotonic() - t0
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="whisper")
        self._in_flight = 0
        log.info(
            "whisper.loaded",
            load_ms=round(self.load_s * 1000),
            workers=self.workers,
            threads=self.threads,
        )

    async def transcribe(
        self, pcm: bytes, sample_rate: int, hint: SttHint | None = None
    ) -> Transcript:
        check_pcm(pcm, sample_rate, AUDIOSOCKET_RATES)
        if audio_seconds(pcm, sample_rate) < MIN_AUDIO_S:
            return Transcript(text="", latency_s=0.0, backend=self.name)
        if self._in_flight >= self.workers + self.max_queue:
            raise SttError(
                f"stt backend {self.name!r}: busy ({self._in_flight} utterances in flight)"
            )
        job = _Job()
        t0 = time.monotonic()
        self._in_flight += 1
        STT_QUEUE.set(self._in_flight)
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._pool, self._run, job, pcm, sample_rate, hint or SttHint(), t0
            )
        except asyncio.CancelledError:
            job.cancelled = True  # still queued: skipped; already running: its result is dropped
            raise
        finally:
            self._in_flight -= 1
            STT_QUEUE.set(self._in_flight)

    # -- on a worker thread ----------------------------------------------------
    def _run(self, job: _Job, pcm: bytes, rate: int, hint: SttHint, t0: float) -> Transcript:
        if job.cancelled:
            return Transcript(text="", latency_s=0.0, backend=self.name)
        started = time.monotonic()
        mel, content = self.engine.mel(pcm, rate, self.window_frames)
        encoded = self.engine.encode(mel)
        if hint.choices:
            result = self._choose(encoded, content, pcm, rate, hint)
            mode = "choice"
        else:
            result = self._free(
                encoded, content, audio_seconds(pcm, rate), hint.prompt or self.prompt
            )
            mode = "free"
        STT_INFERENCE.labels(mode=mode).observe(time.monotonic() - started)
        return Transcript(
            text=result[0],
            latency_s=time.monotonic() - t0,
            backend=self.name,
            choice=result[1],
            scored=bool(hint.choices),
            unsure=result[2],
        )

    def _free(
        self, encoded: object, content: int, audio_s: float, prompt: str | None
    ) -> tuple[str, None, bool]:
        d = self.engine.transcribe(encoded, audio_s, prompt)
        if not self._is_speech(d):
            return "", None, False
        d = replace(d, text=tidy(d.text))
        unsure = d.avg_logprob < UNSURE_LOGPROB
        if prompt and not unsure and (_words(d.text) & _words(prompt)):
            # Unintelligible audio lets prompt names leak into the text: a text the
            # audio alone makes much less likely holds words the prompt supplied.
            alone = self.engine.unprompted_logprob(encoded, content, d.text)
            unsure = alone < d.avg_logprob - LEAK_DROP
        return d.text, None, unsure

    def _is_speech(self, d: Decoded) -> bool:
        if not d.text or HALLUCINATIONS.search(d.text):
            return False
        if d.no_speech_prob > NO_SPEECH_PROB and d.avg_logprob < NO_SPEECH_LOGPROB:
            return False
        return d.avg_logprob >= REJECT_LOGPROB

    def _choose(
        self, encoded: object, content: int, pcm: bytes, rate: int, hint: SttHint
    ) -> tuple[str, str | None, bool]:
        phrases = [p for p, _ in hint.choices]
        meaning = dict(hint.choices)
        # Whisper writes a sentence's first letter in capitals: scored as it would write it.
        scored = self.engine.score(encoded, content, [p[:1].upper() + p[1:] for p in phrases])
        ranked = sorted(zip(phrases, scored), key=lambda ps: -ps[1].mean_logprob)
        best_phrase, best = ranked[0]
        rival = next((s for p, s in ranked[1:] if meaning[p] != meaning[best_phrase]), None)
        margin = best.mean_logprob - rival.mean_logprob if rival else float("inf")
        log.debug(
            "whisper.choice",
            best=best_phrase,
            logprob=round(best.mean_logprob, 2),
            margin=round(margin, 2),
        )
        if best.mean_logprob >= self.choice_floor and margin >= self.choice_margin:
            return best_phrase, best_phrase, False
        # Not clearly one of them: free text, marked unsure unless it reads well.
        text, _, unsure = self._free(encoded, content, audio_seconds(pcm, rate), hint.prompt)
        return text, None, unsure or not text

    async def aclose(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
