"""Endpointer scenarios on synthesized pt-BR speech (espeak-ng) with known truth."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.media.endpointing import EndpointerConfig
from app.media.vad import (
    FRAME_SECONDS,
    Endpointer,
    Event,
    SpeechPaused,
    SpeechResumed,
    SpeechStarted,
    Utterance,
    UtteranceEnded,
)
from tests.harness.audio import Speech, build_timeline, click, frames, white_noise

PHRASES = [
    "Bom dia, vim entregar uma encomenda",
    "para o apartamento quinhentos e um",
    "meu nome é Pedro da Silva",
]
TOLERANCE = 0.15
RATES = [8000, 16000]

Timed = list[tuple[float, Event]]  # (stream time the event was emitted, event)


def run(
    ep: Endpointer, pcm: bytes, rate: int, *, t0: float = 0.0, silent_frames: bool = True
) -> Timed:
    """Feed a timeline frame by frame and tick the clock every 20 ms.

    silent_frames=False models Asterisk with a silent caller: all-zero frames
    are never sent, only the clock advances.
    """
    out: Timed = []
    for t, frame in frames(pcm, rate):
        t += t0
        if silent_frames or any(frame):
            out += [(t + FRAME_SECONDS, e) for e in ep.push(frame, t)]
        out += [(t + FRAME_SECONDS, e) for e in ep.tick(t + FRAME_SECONDS)]
    return out


def tick_until(ep: Endpointer, start: float, stop: float) -> Timed:
    out: Timed = []
    for i in range(round((stop - start) / FRAME_SECONDS)):
        now = start + (i + 1) * FRAME_SECONDS
        out += [(now, e) for e in ep.tick(now)]
    return out


def ended(events: Timed) -> list[UtteranceEnded]:
    return [e for _, e in events if isinstance(e, UtteranceEnded)]


def started(events: Timed) -> list[SpeechStarted]:
    return [e for _, e in events if isinstance(e, SpeechStarted)]


def endpointer(rate: int, *, barge_in: bool = False, **kw: float) -> Endpointer:
    cfg = EndpointerConfig(sample_rate=rate, **kw)  # type: ignore[arg-type]
    return Endpointer(cfg, barge_in=barge_in)


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize(
    "silent_frames", [True, False], ids=["frames_in_silence", "no_frames_in_silence"]
)
def test_three_phrases_with_pauses_give_three_utterances_at_the_true_boundaries(
    rate: int, silent_frames: bool
) -> None:
    tl = build_timeline([0.8, PHRASES[0], 1.2, PHRASES[1], 1.2, PHRASES[2], 1.5], rate)
    ep = endpointer(rate)
    events = run(ep, tl.pcm, rate, silent_frames=silent_frames)

    utts = [e.utterance for e in ended(events)]
    assert len(utts) == 3
    assert len(started(events)) == 3
    cfg = ep.cfg
    for u, (t_start, t_end) in zip(utts, tl.truth):
        assert u.reason == "silence"
        assert u.sample_rate == rate
        assert abs(u.start - t_start) <= TOLERANCE, (u.start, t_start)
        assert abs(u.end - t_end) <= TOLERANCE, (u.end, t_end)
        # pre-roll before the start and a short tail after the end
        want = (u.end - u.start) + cfg.pre_roll_seconds + cfg.tail_seconds
        assert abs(u.duration - want) <= 0.021
    # every SpeechStarted precedes its own UtteranceEnded; the pause before each end
    # offered exactly the audio the end delivered, speculative_seconds after the last voice
    kinds = [type(e) for _, e in events]
    assert kinds == [SpeechStarted, SpeechPaused, UtteranceEnded] * 3
    paused = [(t, e.utterance) for t, e in events if isinstance(e, SpeechPaused)]
    for (when, guess), u in zip(paused, utts):
        assert guess.pcm == u.pcm and (guess.start, guess.end) == (u.start, u.end)
        assert when == pytest.approx(u.end + cfg.speculative_seconds, abs=0.021)
    assert not ep.speaking


@pytest.mark.parametrize("pause_s", [0.3, 0.36])
def test_a_pause_shorter_than_the_end_is_offered_then_voided_and_the_utterance_goes_on(
    pause_s: float,
) -> None:
    tl = build_timeline([0.5, PHRASES[0], pause_s, PHRASES[1], 1.0], 8000)
    ep = endpointer(8000)
    events = run(ep, tl.pcm, 8000, silent_frames=True)
    kinds = [type(e) for _, e in events]
    # One utterance; its inner pause was offered (speculation) and voided by the voice after it.
    assert kinds == [SpeechStarted, SpeechPaused, SpeechResumed, SpeechPaused, UtteranceEnded]
    (u,) = [e.utterance for e in ended(events)]
    first, last = [e.utterance for _, e in events if isinstance(e, SpeechPaused)]
    assert first.end == pytest.approx(tl.truth[0][1], abs=TOLERANCE) and len(first.pcm) < len(u.pcm)
    assert last.pcm == u.pcm and first.pcm == u.pcm[: len(first.pcm)]


def test_no_pause_is_offered_when_speculation_is_off() -> None:
    tl = build_timeline([0.5, PHRASES[0], 1.0], 8000)
    events = run(endpointer(8000, speculative_seconds=0), tl.pcm, 8000, silent_frames=True)
    assert [type(e) for _, e in events] == [SpeechStarted, UtteranceEnded]


@pytest.mark.parametrize("rate", RATES)
def test_pure_silence_gives_nothing(rate: int) -> None:
    tl = build_timeline([10.0], rate)
    assert run(endpointer(rate), tl.pcm, rate) == []


@pytest.mark.parametrize("rate", RATES)
def test_low_level_white_noise_gives_nothing(rate: int) -> None:
    tl = build_timeline([white_noise(10.0, rate, dbfs=-60.0)], rate)
    assert run(endpointer(rate), tl.pcm, rate) == []


@pytest.mark.parametrize("rate", RATES)
def test_a_short_click_gives_nothing(rate: int) -> None:
    tl = build_timeline([1.0, click(0.1, rate), 1.0, click(0.1, rate, seed=1), 1.0], rate)
    assert run(endpointer(rate), tl.pcm, rate) == []


@pytest.mark.parametrize("rate", RATES)
def test_continuous_speech_is_cut_at_max_length_and_capture_continues(rate: int) -> None:
    tl = build_timeline([0.5, *PHRASES, *PHRASES, *PHRASES, 1.0], rate)  # ~17 s, pauses < 0.3 s
    ep = endpointer(rate)
    events = run(ep, tl.pcm, rate)

    utts = [e.utterance for e in ended(events)]
    assert [u.reason for u in utts] == ["max_length", "silence"]
    first = utts[0]
    assert abs(first.start - 0.5) <= TOLERANCE
    emitted_at = next(t for t, e in events if isinstance(e, UtteranceEnded))
    assert emitted_at == pytest.approx(first.start + 10.0, abs=0.021)
    assert first.duration <= 10.0 + ep.cfg.pre_roll_seconds + ep.cfg.tail_seconds + 0.021
    # the rest of the speech becomes the next utterance, up to the true end
    assert abs(utts[1].end - tl.truth[-1][1]) <= TOLERANCE
    assert utts[1].start >= emitted_at - FRAME_SECONDS


@pytest.mark.parametrize("rate", RATES)
def test_utterance_ends_by_the_clock_when_frames_stop_arriving(rate: int) -> None:
    tl = build_timeline([0.5, PHRASES[2]], rate)  # the timeline stops right at speech end
    ep = endpointer(rate)
    events = run(ep, tl.pcm, rate, silent_frames=True)
    assert ended(events) == [] and ep.speaking
    last = len(tl.pcm) / 2 / rate

    events = tick_until(ep, last, last + 2.0)
    # The clock alone raises the pause's offer and then the end, with the same audio.
    [(_, pause), (when, ev)] = events
    assert isinstance(pause, SpeechPaused) and isinstance(ev, UtteranceEnded)
    assert pause.utterance.pcm == ev.utterance.pcm
    assert ev.utterance.reason == "silence"
    assert abs(ev.utterance.end - tl.truth[0][1]) <= TOLERANCE
    assert when == pytest.approx(ev.utterance.end + ep.cfg.silence_seconds, abs=0.021)
    # the tail that never arrived is delivered as silence
    tail = np.frombuffer(ev.utterance.pcm, dtype=np.int16)[-int(0.1 * rate) :]
    assert not tail.any()


def test_a_single_late_tick_ends_the_utterance() -> None:
    tl = build_timeline([0.5, PHRASES[2]], 8000)
    ep = endpointer(8000)
    run(ep, tl.pcm, 8000)
    assert [e.utterance.reason for e in ended([(0.0, e) for e in ep.tick(100.0)])] == ["silence"]


def test_frames_missing_briefly_mid_utterance_keep_one_utterance_with_its_timing() -> None:
    rate = 8000
    tl = build_timeline([0.5, PHRASES[0], 1.0], rate)
    ep = endpointer(rate)
    events: Timed = []
    for t, frame in frames(tl.pcm, rate):
        if 1.5 <= t < 1.7:  # 200 ms of frames lost / suppressed inside the phrase
            continue
        events += [(t, e) for e in ep.push(frame, t)]
    [u] = [e.utterance for e in ended(events)]
    assert abs(u.end - tl.truth[0][1]) <= TOLERANCE
    want = (u.end - u.start) + ep.cfg.pre_roll_seconds + ep.cfg.tail_seconds
    assert abs(u.duration - want) <= 0.021  # the gap was filled, not squeezed out


@pytest.mark.parametrize("rate", RATES)
def test_arrival_jitter_and_bunched_frames_change_nothing(rate: int) -> None:
    """The listener passes arrival times: late, early and bunched frames are normal."""
    tl = build_timeline([0.8, PHRASES[0], 1.2, PHRASES[1], 1.0], rate)
    clean = ended(run(endpointer(rate), tl.pcm, rate))
    rng = np.random.default_rng(7)
    ep = endpointer(rate)
    events: Timed = []
    backlog: list[tuple[float, bytes]] = []
    for t, frame in frames(tl.pcm, rate):
        backlog.append((t, frame))
        if rng.random() < 0.2 and len(backlog) < 3:
            continue  # the loop was busy: these frames arrive together, later
        arrival = t + FRAME_SECONDS + float(rng.uniform(0.0, 0.015))
        for _, f in backlog:
            events += [(arrival, e) for e in ep.push(f, arrival)]
        backlog.clear()
        events += [(arrival, e) for e in ep.tick(arrival)]
    jittered = ended(events)
    assert len(jittered) == len(clean) == 2
    for a, b in zip(jittered, clean):
        assert a.utterance.pcm == b.utterance.pcm  # no silence spliced in, nothing lost
        assert abs(a.utterance.start - b.utterance.start) <= 0.06
        assert abs(a.utterance.end - b.utterance.end) <= 0.06


@pytest.mark.parametrize("rate", RATES)
def test_speech_during_playback_without_barge_in_is_ignored(rate: int) -> None:
    tl = build_timeline([0.5, PHRASES[0], 0.5], rate)
    ep = endpointer(rate)
    ep.set_playing(True, 0.0)
    assert run(ep, tl.pcm, rate) == []


@pytest.mark.parametrize("rate", RATES)
def test_barge_in_during_playback_is_announced_quickly_and_captured(rate: int) -> None:
    tl = build_timeline([0.5, PHRASES[0], 1.0], rate)
    onset, end = tl.truth[0]
    ep = endpointer(rate, barge_in=True)
    ep.set_playing(True, 0.0)
    events: Timed = []
    for t, frame in frames(tl.pcm, rate):
        for e in ep.push(frame, t):
            events.append((t + FRAME_SECONDS, e))
            if isinstance(e, SpeechStarted):
                ep.set_playing(False, t + FRAME_SECONDS)  # what the session does: stop TTS

    [(when, first)] = [(w, e) for w, e in events if isinstance(e, SpeechStarted)]
    assert first.barge_in
    assert when - onset <= 0.15, when - onset  # 5 frames of loud speech after onset
    [u] = [e.utterance for e in ended(events)]
    assert abs(u.start - onset) <= TOLERANCE
    assert abs(u.end - end) <= TOLERANCE


def test_quiet_echo_during_playback_does_not_barge_in() -> None:
    rate = 8000
    # our own prompt leaking back 30 dB down: below the energy gate entirely
    tl = build_timeline([0.5, Speech(PHRASES[0], gain_db=-30.0), 0.5], rate)
    ep = endpointer(rate, barge_in=True)
    ep.set_playing(True, 0.0)
    assert run(ep, tl.pcm, rate) == []


@pytest.mark.parametrize("rate", RATES)
def test_speech_starting_inside_the_guard_after_playback_is_ignored(rate: int) -> None:
    tl = build_timeline([1.1, PHRASES[0], 1.0, PHRASES[1], 1.0], rate)
    ep = endpointer(rate)
    ep.set_playing(True, 0.0)
    ep.set_playing(False, 1.0)  # guard until 1.3 s; the first phrase starts at 1.1 s
    events = run(ep, tl.pcm, rate)
    # the first phrase, though it runs past the guard, is dropped as a whole;
    # the next one is heard normally
    [u] = [e.utterance for e in ended(events)]
    assert abs(u.start - tl.truth[1][0]) <= TOLERANCE
    assert [s.barge_in for s in started(events)] == [False]


@pytest.mark.parametrize("rate", RATES)
def test_speech_starting_after_the_guard_is_captured(rate: int) -> None:
    tl = build_timeline([1.4, PHRASES[0], 1.0], rate)
    ep = endpointer(rate)
    ep.set_playing(True, 0.0)
    ep.set_playing(False, 1.0)
    [u] = [e.utterance for e in ended(run(ep, tl.pcm, rate))]
    assert abs(u.start - tl.truth[0][0]) <= TOLERANCE


def test_utterance_in_progress_when_playback_starts_ends_by_silence_not_echo() -> None:
    rate = 8000
    # caller speaks, we start a prompt at 1.5 s, echo keeps "speech" going
    tl = build_timeline([0.5, PHRASES[0], 0.0, PHRASES[1], 0.5], rate)
    ep = endpointer(rate)
    events: Timed = []
    for t, frame in frames(tl.pcm, rate):
        if t == pytest.approx(1.5):
            ep.set_playing(True, t)
        events += [(t, e) for e in ep.push(frame, t)]
    [u] = [e.utterance for e in ended(events)]
    assert u.end <= 1.5 + FRAME_SECONDS
    assert u.reason == "silence"


def test_flush_delivers_the_utterance_in_progress() -> None:
    rate = 16000
    tl = build_timeline([0.5, PHRASES[0]], rate)
    ep = endpointer(rate)
    run(ep, tl.pcm[: len(tl.pcm) // 2], rate)
    assert ep.speaking
    [ev] = ep.flush(1.6)
    assert isinstance(ev, UtteranceEnded) and ev.utterance.reason == "flush"
    assert not ep.speaking and ep.flush(2.0) == []


def test_flush_drops_a_blip_shorter_than_the_minimum() -> None:
    rate = 8000
    tl = build_timeline([0.5, PHRASES[0]], rate)
    ep = endpointer(rate)
    pcm = tl.pcm[: int((0.5 + 0.12) * rate) * 2]  # 120 ms of speech, then hang-up
    assert run(ep, pcm, rate) == []
    assert ep.flush(0.7) == []


def test_wrong_frame_size_is_a_clear_error() -> None:
    ep = endpointer(8000)
    with pytest.raises(ValueError, match="320-byte frames"):
        ep.push(bytes(640), 0.0)


@pytest.mark.parametrize(
    "bad",
    [
        {"sample_rate": 44100},
        {"aggressiveness": 4},
        {"start_frames": 0},
        {"silence_seconds": 0.0},
        {"pre_roll_seconds": -0.1},
        {"max_utterance_seconds": 0.2},
    ],
)
def test_bad_config_is_rejected(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="EndpointerConfig"):
        EndpointerConfig(**bad)  # type: ignore[arg-type]


# Building blocks for the property test: (kind, seconds). Speech is cut from a
# real phrase so webrtcvad sees speech, not just energy.
_piece = st.tuples(
    st.sampled_from(["speech", "silence", "noise", "gap", "play", "stop", "click"]),
    st.floats(min_value=0.02, max_value=1.5),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(_piece, max_size=14), barge_in=st.booleans())
def test_every_speech_started_is_followed_by_exactly_one_utterance(
    pieces: list[tuple[str, float]], barge_in: bool
) -> None:
    rate = 8000
    speech = build_timeline([PHRASES[0]], rate).pcm
    ep = endpointer(rate, barge_in=barge_in, max_utterance_seconds=3.0)
    events: list[Event] = []
    t = 0.0
    for kind, secs in pieces:
        n = max(1, round(secs / FRAME_SECONDS))
        if kind in ("play", "stop"):
            ep.set_playing(kind == "play", t)
            continue
        if kind == "gap":  # Asterisk sends nothing; only the clock runs
            for _ in range(n):
                t += FRAME_SECONDS
                events += ep.tick(t)
            continue
        pcm = {
            "speech": speech[: n * 320],
            "silence": bytes(n * 320),
            "noise": white_noise(n * FRAME_SECONDS, rate, -40.0).tobytes(),
            "click": click(n * FRAME_SECONDS, rate).tobytes(),
        }[kind]
        for _, frame in frames(pcm, rate):
            events += ep.push(frame, t)
            t += FRAME_SECONDS
            events += ep.tick(t)
    events += ep.flush(t)

    open_start: float | None = None
    last_end = float("-inf")
    guess: Utterance | None = None  # the open pause's offer
    for e in events:
        if isinstance(e, SpeechPaused):
            assert open_start is not None and guess is None, "a pause outside an utterance/twice"
            guess = e.utterance
            assert guess.start == open_start
        elif isinstance(e, SpeechResumed):
            assert guess is not None, "resumed without a pause"
            guess = None
        elif isinstance(e, SpeechStarted):
            assert open_start is None, "two SpeechStarted without an UtteranceEnded"
            assert e.t >= last_end - 1e-9
            open_start = e.t
        else:
            assert open_start is not None, "UtteranceEnded without SpeechStarted"
            u = e.utterance
            assert u.start == open_start and u.end > u.start
            assert u.end - u.start <= 3.0 + 1e-6
            assert len(u.pcm) % 2 == 0
            if guess is not None and u.reason == "silence":
                assert (guess.pcm, guess.end) == (u.pcm, u.end), "the pause offered other audio"
            last_end, open_start, guess = u.end, None, None
    assert open_start is None and not ep.speaking
