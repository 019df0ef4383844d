"""Prometheus metrics, on a registry of our own (served at GET /metrics by app.api).

A dedicated `REGISTRY` (not prometheus_client's global one) keeps the
process-wide collectors (gc, platform) out and lets tests build several API
apps in one process. Label values are small closed sets: never put a call id,
a phone number or a name in a label.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal, get_args

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

# tts_wait: how long a caller waited for a reply segment past the moment it was due
# (the reply's start, or the end of the segment before it); bounded by tts.reply_deadline_s.
Stage = Literal[
    "endpointing",
    "stt",
    "nlu",
    "tts",
    "first_reply_audio",
    "greeting",
    "tts_wait",
    "resident_presentation",
]
STAGES: tuple[str, ...] = get_args(Stage)

REGISTRY = CollectorRegistry(auto_describe=True)

CALLS = Counter(
    "portaria_calls_total",
    "Visitor calls ended, by condominium and outcome "
    "(authorized, denied, no_answer, abandoned, error, ...).",
    ["condominium", "outcome"],
    registry=REGISTRY,
)
ACTIVE_SESSIONS = Gauge(
    "portaria_active_sessions",
    "Visitor sessions currently live (refreshed from the session manager on every scrape).",
    registry=REGISTRY,
)
ARI_CONNECTED = Gauge(
    "portaria_ari_connected",
    "1 while the ARI events WebSocket is connected, else 0 (refreshed on every scrape).",
    registry=REGISTRY,
)
STAGE_LATENCY = Histogram(
    "portaria_stage_latency_seconds",
    "Latency of one pipeline stage: endpointing (last speech sample to end-of-speech decision), "
    "stt, nlu, tts, first_reply_audio (last speech sample to first reply frame sent), "
    "greeting (StasisStart to first greeting frame), resident_presentation (the resident's "
    "leg entering Stasis, i.e. answered, to the presentation's first frame sent).",
    ["stage"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.9, 1.5, 3, 6),
    registry=REGISTRY,
)
BACKEND_ERRORS = Counter(
    "portaria_backend_errors_total",
    "Errors from external backends "
    "(backend: ari, stt, tts, nlu, gate; kind: timeout, http, auth, ...).",
    ["backend", "kind"],
    registry=REGISTRY,
)
TTS_DEADLINE_MISSES = Counter(
    "portaria_tts_deadline_misses_total",
    "Reply segments the configured voice had not made within tts.reply_deadline_s, "
    "said by espeak-ng instead.",
    registry=REGISTRY,
)
HOLD_FILLERS = Counter(
    "portaria_hold_fillers_total",
    '"Só um instante." played to cover a slow backend (see hold_after_s): '
    "each one is a turn that was too slow.",
    registry=REGISTRY,
)
STT_SPECULATION = Counter(
    "portaria_stt_speculation_total",
    "Recognitions started when the caller paused: used at the end of the turn, or discarded "
    "(speech resumed, or the turn's audio turned out different).",
    ["outcome"],
    registry=REGISTRY,
)
AUDIOSOCKET_PROTOCOL_ERRORS = Counter(
    "portaria_audiosocket_protocol_errors_total",
    "AudioSocket connections closed for a protocol error "
    "(unknown kind, oversized length, unknown UUID).",
    ["role"],
    registry=REGISTRY,
)
STT_INFERENCE = Histogram(
    "portaria_stt_inference_seconds",
    "Embedded recognizer's work on one utterance, queueing excluded "
    "(mode: free text, or choice among a closed question's expected answers).",
    ["mode"],
    buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2, 2, 4),
    registry=REGISTRY,
)
STT_QUEUE = Gauge(
    "portaria_stt_in_flight",
    "Utterances the embedded recognizer is decoding or has queued.",
    registry=REGISTRY,
)
PACING_JITTER = Histogram(
    "portaria_pacing_jitter_seconds",
    "Absolute deviation of each outbound 20 ms frame from its deadline.",
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05),
    registry=REGISTRY,
)

# Pre-create the fixed label sets so dashboards see zeros rather than no series.
for _stage in STAGES:
    STAGE_LATENCY.labels(stage=_stage)
for _role in ("visitor", "resident"):
    AUDIOSOCKET_PROTOCOL_ERRORS.labels(role=_role)


# The call whose task is running, if any, also keeps the stage times of its turn
# (app/records/calllog.py sets this in the call's task; flows never pass it around).
stage_sink: ContextVar[Callable[[str, float], None] | None] = ContextVar("stage_sink", default=None)


def observe_stage(stage: Stage, seconds: float) -> None:
    STAGE_LATENCY.labels(stage=stage).observe(seconds)
    sink = stage_sink.get()
    if sink is not None:
        sink(stage, seconds)


@contextmanager
def stage_timer(stage: Stage) -> Iterator[None]:
    """`with stage_timer("stt"): ...` observes the block's wall time (also when it raises)."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        observe_stage(stage, time.perf_counter() - t0)
