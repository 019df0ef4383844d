"""Whisper base on CTranslate2, driven directly: blocking calls, one utterance at a time.

Why not faster-whisper's `transcribe`: it always pads the audio to Whisper's 30 s
window, and the encoder then costs ~0.5 s on 2 cores whatever the utterance's
length. CTranslate2's encoder accepts a shorter mel window (the utterance plus
~1 s of padding): ~160 ms instead of ~650 ms, with the same transcripts. A short
window makes the decoder likelier to repeat itself, so new tokens are capped by
the audio's length and a repeated phrase is cut (`cut_repetition`).

Two questions are asked of the audio:
  - `transcribe`: free greedy decoding (temperature 0), optionally after a prompt;
  - `score`: the mean log-probability of each candidate phrase given the audio
    (`Whisper.align` force-decodes them all in one batch), for closed questions
    where free decoding of one or two words is where Whisper base fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from app.media.pcm import resample

WHISPER_RATE = 16_000
HOP = 160  # samples per mel frame at 16 kHz (10 ms)
LEAD_S = 0.3  # silence before the utterance (on top of the endpointer's pre-roll)
PAD_FRAMES = 200  # ~2 s of silence after it: one- and two-word answers need context past the end
FULL_WINDOW = 3000  # Whisper's own 30 s window, for comparison (bench)
MAX_NEW_TOKENS = 40
# Portuguese speech runs at ~3-4 tokens per second; twice that plus a margin never
# truncates a real utterance and stops a loop within a second of decoding.
TOKENS_PER_S = 8
MAX_PROMPT_TOKENS = 120  # Whisper reads at most 224; a shorter prompt decodes faster

_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")

Floats = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Decoded:
    text: str
    avg_logprob: float  # mean log-probability per token (EOT included), as Whisper computes it
    no_speech_prob: float
    tokens: int


@dataclass(frozen=True)
class Scored:
    phrase: str
    # Sum of the tokens' log-probabilities over (tokens + 1), as Whisper's avg_logprob
    # counts the end-of-text slot: a plain mean favoured long phrases whose later
    # tokens are predictable ("não conheço" over "sim" for a faint "Sim"); this
    # scored 54/54 closed answers of the bench set against 49/54 for the mean.
    mean_logprob: float


def cut_repetition(text: str) -> str:
    """Drop what the decoder repeated: "Não, não autorizo. Não, não autor" -> "Não, não autorizo.".

    Two loops seen with a short window: a sentence (or its beginning) said again
    after a full stop, and a run of words repeated back to back. Single-word
    stutters ("não, não") are speech and stay; three or more in a row are cut.
    """
    sentences = [s for s in _SENTENCE.findall(text) if s.strip()]
    kept: list[str] = []
    seen: list[str] = []
    for sentence in sentences:
        key = _key(sentence)
        if key and any(prev.startswith(key) or key.startswith(prev) for prev in seen):
            break
        kept.append(sentence)
        seen.append(key)
    text = "".join(kept).strip() if kept else text
    words = text.split()
    norm = [_key(w) for w in words]
    for size in range(1, min(8, len(words) // 2) + 1):
        for start in range(len(words) - 2 * size + 1):
            chunk = norm[start : start + size]
            repeats, pos = 1, start + size
            while norm[pos : pos + size] == chunk:
                repeats, pos = repeats + 1, pos + size
            if repeats > (2 if size == 1 else 1):
                return " ".join(words[: start + size]).rstrip(",;:")
    return text


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


class WhisperEngine:
    """The model loaded once; every method blocks (run it on a worker thread)."""

    def __init__(
        self, model_dir: Path, *, threads: int = 2, workers: int = 1, language: str = "pt"
    ) -> None:
        import ctranslate2  # deferred: ~0.3 s to import, only when this backend is chosen
        import tokenizers
        from faster_whisper.feature_extractor import FeatureExtractor

        self._ct2 = ctranslate2
        cfg = json.loads((model_dir / "config.json").read_text())
        self.model = ctranslate2.models.Whisper(
            str(model_dir),
            device="cpu",
            compute_type="int8",
            inter_threads=workers,
            intra_threads=threads,
        )
        self._features = FeatureExtractor(feature_size=int(cfg.get("num_mel_bins", 80)))
        self._tok = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.eot = self._special("<|endoftext|>")
        self.sot_prev = self._special("<|startofprev|>")
        self.sot_sequence = [
            self._special("<|startoftranscript|>"),
            self._special(f"<|{language}|>"),
            self._special("<|transcribe|>"),
            self._special("<|notimestamps|>"),
        ]

    def _special(self, token: str) -> int:
        tid = self._tok.token_to_id(token)
        if tid is None:
            raise ValueError(f"tokenizer has no {token}")
        return int(tid)

    def encode_text(self, text: str) -> list[int]:
        return list(self._tok.encode(text, add_special_tokens=False).ids)

    def decode_text(self, ids: Sequence[int]) -> str:
        return str(self._tok.decode([i for i in ids if i < self.eot]))

    # -- audio -----------------------------------------------------------------
    def mel(self, pcm: bytes, sample_rate: int, window: int | None = None) -> tuple[Floats, int]:
        """Log-mel features of `LEAD_S` of silence, the utterance and `PAD_FRAMES` more of
        silence (or `window` frames in all); and the number of frames that hold audio.

        The padding is silence in the audio, as Whisper was trained on, so the log-mel's
        floor is set by the utterance itself. Measured on short Kokoro answers: a lead-in
        and 2 s of tail turn "Sing it" into a well-scored "Sim", "Cenas" into "Quem é".
        """
        pcm16 = resample(pcm, sample_rate, WHISPER_RATE) if sample_rate != WHISPER_RATE else pcm
        speech = np.frombuffer(pcm16, dtype="<i2").astype(np.float32) / 32768.0
        audio = np.concatenate([np.zeros(int(LEAD_S * WHISPER_RATE), np.float32), speech])
        content = len(audio) // HOP
        frames = min(window or content + PAD_FRAMES, FULL_WINDOW)
        frames += frames % 2  # the encoder halves the frame count
        audio = np.pad(audio[: frames * HOP], (0, max(0, frames * HOP - len(audio))))
        feats = self._features(audio, padding=0)[:, :frames]
        return np.ascontiguousarray(feats[None, :, :], dtype=np.float32), min(content, frames)

    def encode(self, mel: Floats) -> Any:
        return self.model.encode(self._ct2.StorageView.from_array(mel), to_cpu=True)

    # -- free decoding ---------------------------------------------------------
    def transcribe(self, encoded: Any, audio_s: float, prompt: str | None = None) -> Decoded:
        prefix: list[int] = []
        if prompt:
            prefix = [self.sot_prev, *self.encode_text(" " + prompt.strip())[-MAX_PROMPT_TOKENS:]]
        start = prefix + self.sot_sequence
        budget = min(MAX_NEW_TOKENS, 6 + int(TOKENS_PER_S * audio_s))
        result = self.model.generate(
            encoded,
            [start],
            beam_size=1,
            max_length=len(start) + budget,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
        )[0]
        ids = [i for i in result.sequences_ids[0] if i < self.eot]
        n = len(ids)
        avg = float(result.scores[0]) * n / (n + 1) if n else -10.0
        text = cut_repetition(" ".join(self.decode_text(ids).split()))
        return Decoded(text, avg, float(result.no_speech_prob), n)

    # -- closed questions ------------------------------------------------------
    def score(self, encoded: Any, content_frames: int, phrases: Sequence[str]) -> list[Scored]:
        """Each phrase's log-probability per token given the audio (see Scored)."""
        # No end-of-text token: align appends its own and reports nothing for it.
        token_lists = [self.encode_text(" " + p.strip()) for p in phrases]
        batch = np.asarray(encoded)
        repeated = self._ct2.StorageView.from_array(
            np.ascontiguousarray(np.repeat(batch, len(phrases), axis=0))
        )
        results = self.model.align(repeated, self.sot_sequence, token_lists, content_frames // 2)
        out = []
        for phrase, r in zip(phrases, results):
            probs = np.asarray(r.text_token_probs, dtype=np.float64)
            logprobs = np.log(np.clip(probs, 1e-9, 1.0))
            out.append(Scored(phrase, float(logprobs.sum() / (len(logprobs) + 1))))
        return out

    def unprompted_logprob(self, encoded: Any, content_frames: int, text: str) -> float:
        """How likely the audio makes `text` without any prompt: a name the prompt put in
        the transcript, and not the caller, scores far lower here."""
        return self.score(encoded, content_frames, [text])[0].mean_logprob
