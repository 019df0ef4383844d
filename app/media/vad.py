"""Endpointer: voice activity detection and utterance segmentation on 20 ms frames.

webrtcvad classifies each frame; an RMS energy gate removes its false positives
on faint noise (and its built-in hangover on the silence after a word). A run
of `start_frames` voiced frames opens an utterance; `silence_seconds` without a
voiced frame ends it. Asterisk sends no frames at all while a caller's side is
silent (DESIGN.md), so every ending runs on the clock: push() checks the time
of each frame, and tick() must be called periodically (the outbound 20 ms
pacing loop is a good place) so an utterance ends even when frames stop.

Events follow one rule consumers can rely on: every SpeechStarted is followed
by exactly one UtteranceEnded. In between, a caller who goes quiet for
`speculative_seconds` (shorter than `silence_seconds`) raises SpeechPaused with
the utterance as it would end now, so recognition can start early; voice again
raises SpeechResumed (that guess is void). Each pause ends with one
SpeechResumed or with the UtteranceEnded. A normal utterance is announced only once it
has lasted `min_utterance_seconds` (so coughs and clicks make no event at all);
a barge-in is announced at once, because stopping our playback quickly is the
point, and its utterance is then always delivered, however short.

Echo safety: while our TTS plays, and for `guard_seconds` after, a voiced run
that starts is ignored (whole run, until silence) unless barge-in is enabled
and the run is loud enough for long enough to be the caller, not our echo.
"""

from __future__ import annotations

import collections
import enum
from dataclasses import dataclass
from typing import Literal

import webrtcvad

from app.media import energy
from app.media.endpointing import EndpointerConfig
from app.media.energy import Capture, dbfs_to_sum_squares, sum_squares

FRAME_SECONDS = energy.FRAME_SECONDS  # 20 ms; part of this module's API

_EPS = 1e-6  # float stream times: 30 * 0.02 must count as 0.6 s
_GAP = 0.06  # a frame this late (3 frames) means frames stopped, not jitter
_AHEAD = 0.06  # how far the frame clock may run ahead of arrival times (bursts)


@dataclass(frozen=True)
class Utterance:
    pcm: bytes  # s16le mono: pre-roll + speech + ~tail_seconds; missing frames are silence
    sample_rate: int
    start: float  # stream time of the first voiced frame (not the pre-roll start)
    end: float  # stream time where the last voiced frame ends
    reason: Literal["silence", "max_length", "flush", "pause"]  # pause: SpeechPaused's guess

    @property
    def duration(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate


@dataclass(frozen=True)
class SpeechStarted:
    t: float  # stream time of the utterance's first voiced frame
    barge_in: bool  # started during our playback (or its guard): stop playing


@dataclass(frozen=True)
class UtteranceEnded:
    utterance: Utterance


@dataclass(frozen=True)
class SpeechPaused:
    """`speculative_seconds` of silence: the utterance exactly as it ends if no voice returns."""

    utterance: Utterance


@dataclass(frozen=True)
class SpeechResumed:
    t: float  # stream time of the voiced frame that voided the pause


Event = SpeechStarted | UtteranceEnded | SpeechPaused | SpeechResumed


class _State(enum.Enum):
    IDLE = "idle"  # waiting for a voiced run
    OPEN = "open"  # capturing an utterance (announced or not yet)
    IGNORING = "ignoring"  # a run that began during playback/guard; dropped until silence


class Endpointer:
    """Per-leg, single-threaded; push() every inbound frame, tick() on a clock."""

    def __init__(self, cfg: EndpointerConfig | None = None, *, barge_in: bool = False) -> None:
        self.cfg = cfg = cfg or EndpointerConfig()
        self.barge_in = barge_in
        self._vad = webrtcvad.Vad(cfg.aggressiveness)
        self._frame_bytes = cfg.frame_bytes
        self._voiced_ss = dbfs_to_sum_squares(cfg.energy_threshold_dbfs, cfg.frame_bytes // 2)
        strong_dbfs = cfg.energy_threshold_dbfs + cfg.barge_in_margin_db
        self._strong_ss = dbfs_to_sum_squares(strong_dbfs, cfg.frame_bytes // 2)
        pre_roll_frames = round(cfg.pre_roll_seconds / FRAME_SECONDS)
        # Enough recent frames to rebuild pre-roll plus the run that opened.
        self._recent: collections.deque[tuple[float, bytes]] = collections.deque(
            maxlen=pre_roll_frames + max(cfg.start_frames, cfg.barge_in_frames) + 1
        )
        self._playing = False
        self._guard_until = float("-inf")
        self._next_t: float | None = None  # expected start of the next contiguous frame
        self._floor = float("-inf")  # no capture reaches back before this (max_length cut)
        self._reset()

    def _reset(self) -> None:
        self._state = _State.IDLE
        self._run = 0  # consecutive voiced frames
        self._run_start = 0.0
        self._run_suppressed = False  # some frame of the run fell in playback/guard
        self._strong = 0  # consecutive voiced frames above the barge-in level
        self._strong_start = 0.0
        self._start = 0.0  # utterance start (first voiced frame)
        self._last_voice = 0.0  # end time of the last frame counted as speech
        self._announced = False
        self._paused = False  # SpeechPaused raised for the current silence
        self._capture: Capture | None = None

    @property
    def speaking(self) -> bool:
        """SpeechStarted was emitted and its UtteranceEnded has not been yet."""
        return self._state is _State.OPEN and self._announced

    def set_playing(self, playing: bool, now: float) -> None:
        if self._playing and not playing:
            self._guard_until = now + self.cfg.guard_seconds
        self._playing = playing

    def _suppressed(self, t: float) -> bool:
        return self._playing or t < self._guard_until

    def push(self, frame: bytes, t: float) -> list[Event]:
        """Feed one 20 ms frame that arrived at time `t` (stream or arrival clock)."""
        if len(frame) != self._frame_bytes:
            raise ValueError(
                f"endpointer expects {self._frame_bytes}-byte frames (20 ms at "
                f"{self.cfg.sample_rate} Hz), got {len(frame)} bytes"
            )
        events: list[Event] = []
        # No frames since the last one means silence: end what the gap ended.
        self._clock(t, events)
        voiced = strong = False
        if self._vad.is_speech(frame, self.cfg.sample_rate):
            # Energy only for frames the VAD calls speech: most frames skip numpy.
            ss = sum_squares(frame)
            voiced = ss >= self._voiced_ss
            strong = ss >= self._strong_ss
        suppressed = self._suppressed(t)
        s, contiguous = self._stream_time(t)
        self._recent.append((s, frame))
        self._count_runs(voiced, strong, contiguous, suppressed, s)

        if self._state is _State.OPEN:
            assert self._capture is not None
            self._capture.append(frame, s)
            # During playback only barge-in-level speech extends an utterance:
            # our own echo must not keep it open.
            if voiced and (not suppressed or (self.barge_in and strong)):
                self._last_voice = s + FRAME_SECONDS
                if self._paused:
                    self._paused = False
                    events.append(SpeechResumed(s))
                if not self._announced and self._long_enough():
                    self._announced = True
                    events.append(SpeechStarted(self._start, False))
        elif self.barge_in and suppressed and self._strong >= self.cfg.barge_in_frames:
            self._open(self._strong_start, s, barge=True, events=events)
        elif self._state is _State.IDLE and self._run >= self.cfg.start_frames:
            if self._run_suppressed:
                self._state = _State.IGNORING
                self._start = self._run_start
            else:
                self._open(self._run_start, s, barge=False, events=events)
        if self._state is _State.IGNORING and voiced:
            self._last_voice = s + FRAME_SECONDS
        self._clock(s + FRAME_SECONDS, events)
        return events

    def _stream_time(self, t: float) -> tuple[float, bool]:
        """The frame's place on the stream clock, and whether it follows the last one.

        Callers may pass arrival times: event-loop and TCP jitter delay some
        frames and bunch others. A frame within _GAP of when the next one was
        due is contiguous and sits exactly 20 ms after its predecessor (so
        runs don't break and no silence is spliced into speech), but never
        more than _AHEAD past its arrival time. Later than that, frames really
        stopped (Asterisk sends none while the caller is silent): resync.
        """
        nxt = self._next_t
        if nxt is None or t - nxt >= _GAP:
            s, contiguous = t, False
        else:
            s, contiguous = min(nxt, t + _AHEAD), True
        self._next_t = s + FRAME_SECONDS
        return s, contiguous

    def _long_enough(self) -> bool:
        return self._last_voice - self._start >= self.cfg.min_utterance_seconds - _EPS

    def _count_runs(self, voiced: bool, strong: bool, contig: bool, supp: bool, s: float) -> None:
        if not voiced:
            self._run = 0
        elif self._run and contig:
            self._run += 1
            self._run_suppressed |= supp
        else:
            self._run, self._run_start, self._run_suppressed = 1, s, supp
        if not strong:
            self._strong = 0
        elif self._strong and contig:
            self._strong += 1
        else:
            self._strong, self._strong_start = 1, s

    def _open(self, start: float, t: float, *, barge: bool, events: list[Event]) -> None:
        self._state = _State.OPEN
        self._start = start
        self._last_voice = t + FRAME_SECONDS
        # Pre-roll is always pre_roll_seconds long: frames that never came
        # (a silent caller) are silence. After a max_length cut it starts at
        # the cut, so no audio is delivered twice.
        t0 = max(start - self.cfg.pre_roll_seconds, self._floor)
        self._capture = Capture(t0, self.cfg.sample_rate)
        for ft, f in self._recent:
            if ft >= t0 - _EPS:
                self._capture.append(f, ft)
        # A barge-in is announced at once; a normal utterance once it is long
        # enough (start_frames may already cover min_utterance_seconds).
        self._announced = barge or self._long_enough()
        if self._announced:
            events.append(SpeechStarted(start, barge))

    def tick(self, now: float) -> list[Event]:
        """Advance the clock with no frame: ends utterances when frames stopped."""
        events: list[Event] = []
        self._clock(now, events)
        return events

    def _clock(self, now: float, events: list[Event]) -> None:
        if self._state is _State.IDLE:
            return
        silent = now - self._last_voice >= self.cfg.silence_seconds - _EPS
        too_long = now - self._start >= self.cfg.max_utterance_seconds - _EPS
        if self._state is _State.IGNORING:
            if silent or too_long:
                self._reset()
        elif silent:
            self._end("silence", events)
        elif too_long:
            self._end("max_length", events)
        elif (
            self._announced
            and not self._paused
            and self.cfg.speculative_seconds > 0
            and now - self._last_voice >= self.cfg.speculative_seconds - _EPS
        ):
            self._paused = True
            cap = self._capture
            assert cap is not None
            # The same bytes _end("silence") will deliver if no voice returns.
            pcm = cap.until(self._last_voice + self.cfg.tail_seconds)
            utt = Utterance(pcm, self.cfg.sample_rate, self._start, self._last_voice, "pause")
            events.append(SpeechPaused(utt))

    def _end(self, reason: Literal["silence", "max_length", "flush"], events: list[Event]) -> None:
        cap = self._capture
        assert cap is not None
        if reason == "max_length":
            # The caller is still talking: deliver everything up to now, and
            # start the next utterance at the cut so no audio is sent twice.
            pcm = bytes(cap.buf)
            self._recent.clear()
            self._floor = cap.end
        else:
            pcm = cap.until(self._last_voice + self.cfg.tail_seconds)
        if self._announced:
            utt = Utterance(pcm, self.cfg.sample_rate, self._start, self._last_voice, reason)
            events.append(UtteranceEnded(utt))
        self._reset()

    def flush(self, now: float) -> list[Event]:
        """The call ended: deliver an utterance in progress if it was announced."""
        events: list[Event] = []
        self._clock(now, events)
        if self._state is _State.OPEN:
            self._end("flush", events)
        self._reset()
        self._recent.clear()
        self._next_t = None
        self._floor = float("-inf")
        return events
