"""The endpointer's knobs: a plain dataclass, light to import.

app/config/endpointing.py builds it from the settings; keeping it apart from
app/media/vad.py (webrtcvad, numpy) lets the configuration load without them.
"""

from __future__ import annotations

from dataclasses import dataclass

FRAME_SECONDS = 0.02  # AudioSocket frames are 20 ms (DESIGN.md)


@dataclass(frozen=True)
class EndpointerConfig:
    """Endpointer tuning. Times are seconds of stream time.

    silence_seconds = 0.4: the turn budget (DESIGN.md) is p50 <= 600 ms from the
    visitor's last speech sample to our first reply sample, and the endpointer
    spends its whole trailing-silence wait inside it. Measured end-of-speech
    delay (bench/bench_endpointer.py) is silence_seconds + ~5 ms on clean or
    quiet lines (+~110 ms on a -40 dBFS noise floor, where webrtcvad's hangover
    passes the energy gate). At 0.4 s that leaves ~190 ms for STT finalization,
    NLU (<= 5 ms), a cached TTS hit and the first paced frame; 0.6 s would spend
    the entire budget before STT even starts. Going lower risks splitting one
    sentence at a natural mid-sentence pause (typically 200-500 ms in real
    speech; espeak's comma pauses are ~160 ms, so the tests cannot show this).
    """

    sample_rate: int = 8000  # 8000 or 16000 (AudioSocket slin / slin16)
    aggressiveness: int = 2  # webrtcvad 0..3; the energy gate handles faint noise anyway
    energy_threshold_dbfs: float = -45.0  # VAD "speech" below this RMS level is ignored
    start_frames: int = 3  # consecutive voiced frames (60 ms) to open an utterance
    silence_seconds: float = 0.4  # trailing silence that ends an utterance; see above
    min_utterance_seconds: float = 0.25  # shorter blips (coughs, clicks) are dropped
    max_utterance_seconds: float = 10.0  # anti-deadlock: emit what we have
    pre_roll_seconds: float = 0.3  # audio kept before the start: the first syllable's onset
    guard_seconds: float = 0.3  # after our playback ends, echo may still arrive this long
    tail_seconds: float = 0.15  # silence kept after the last voiced frame; STT likes a tail
    # Loud frames in a row that interrupt our prompt; 3 = 60 ms keeps the prompt's stop
    # within ~100 ms of the caller's first syllable at the phone (what the app ran with).
    barge_in_frames: int = 3
    barge_in_margin_db: float = 6.0  # barge-in needs this much more than the energy threshold
    # Silence after which the utterance so far is offered for recognition ahead of its end
    # (SpeechPaused); 0 = never. 0.25 s, not less: ordinary comma pauses (150-250 ms,
    # espeak's up to 200 ms) would each cost a recognition thrown away when speech resumes.
    speculative_seconds: float = 0.25

    def __post_init__(self) -> None:
        problems = []
        if self.sample_rate not in (8000, 16000):
            problems.append(f"sample_rate must be 8000 or 16000, not {self.sample_rate}")
        if not 0 <= self.aggressiveness <= 3:
            problems.append(f"aggressiveness must be 0..3, not {self.aggressiveness}")
        for name in ("start_frames", "barge_in_frames", "silence_seconds"):
            if getattr(self, name) <= 0:
                problems.append(f"{name} must be > 0")
        for name in ("min_utterance_seconds", "pre_roll_seconds", "guard_seconds", "tail_seconds"):
            if getattr(self, name) < 0:
                problems.append(f"{name} must be >= 0")
        if not 0 <= self.speculative_seconds < self.silence_seconds:
            problems.append("speculative_seconds must be >= 0 and less than silence_seconds")
        if self.max_utterance_seconds <= self.min_utterance_seconds:
            problems.append("max_utterance_seconds must exceed min_utterance_seconds")
        if problems:
            raise ValueError("EndpointerConfig: " + "; ".join(problems))

    @property
    def frame_bytes(self) -> int:
        return int(self.sample_rate * FRAME_SECONDS) * 2
