"""One call's conversation as it happens: each turn numbered, timed and handed to the
record writer (off the call path) and to the live event bus.

What a caller said is kept open until our reply's first sample plays, so its
record holds the whole turn's timeline: speech start and end, end of turn
detected, recognition, understanding, synthesis, first reply frame. Stage times
come through app.metrics.observe_stage, so the code that measures them (flows,
backends) needs no reference to the log.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from contextvars import Token
from dataclasses import dataclass, field, replace

import structlog

from app.metrics import stage_sink
from app.records.model import Speaker, Turn

TurnSink = Callable[[Turn], None]
Publish = Callable[..., None]

log = structlog.get_logger(__name__)


@dataclass
class _Open:
    turn: Turn
    timings: dict[str, float] = field(default_factory=dict)


class CallLog:
    def __init__(
        self,
        call_id: str,
        sink: TurnSink | None = None,
        publish: Publish | None = None,
        condominium: str | None = None,
        started: float | None = None,
    ) -> None:
        self.call_id = call_id
        self._sink = sink
        self._publish = publish
        self._condominium = condominium
        self._seq = itertools.count(1)
        self._started = started if started is not None else time.monotonic()
        self._open: _Open | None = None
        self.turns: list[Turn] = []  # what this process saw, for tests and the live view

    def bind(self) -> Token[Callable[[str, float], None] | None]:
        """Route stage timings measured in the current task (NLU, TTS...) to this call's turn.
        Called at the start of the call's own task, whose context ends with it."""
        return stage_sink.set(self._stage)

    def since_start(self, monotonic: float) -> float:
        return round(monotonic - self._started, 3)

    def _stage(self, stage: str, seconds: float) -> None:
        if self._open is not None:
            self._open.timings[f"{stage}_s"] = round(seconds, 4)

    def _emit(self, turn: Turn) -> None:
        self.turns.append(turn)
        try:
            if self._sink is not None:
                self._sink(turn)
            if self._publish is not None:
                self._publish("turn", self.call_id, self._condominium, turn=turn.as_dict())
        except Exception as exc:  # noqa: BLE001 - the record of a call never ends the call
            log.error("turn_not_recorded", error=repr(exc))

    def _close_open(self) -> None:
        if self._open is not None:
            o, self._open = self._open, None
            self._emit(replace(o.turn, timings={**o.turn.timings, **o.timings}))

    # -- what happened ------------------------------------------------------------
    def heard(
        self,
        speaker: Speaker,
        text: str,
        *,
        confidence: float | None = None,
        source: str | None = None,
        timings: dict[str, float] | None = None,
    ) -> None:
        """A caller's turn; stays open for the stages that follow until we reply."""
        self._close_open()
        self._open = _Open(
            Turn(
                self.call_id,
                next(self._seq),
                time.time(),
                speaker,
                "heard",
                text,
                confidence=confidence,
                source=source,
                timings=dict(timings or {}),
            )
        )

    def dtmf(self, speaker: Speaker, digits: str) -> None:
        """Keys pressed one after another are one turn: "keypad: 501#"."""
        o = self._open
        if o is not None and o.turn.kind == "dtmf" and o.turn.speaker == speaker:
            o.turn = replace(o.turn, text=o.turn.text + digits)
            return
        self._close_open()
        self._open = _Open(
            Turn(
                self.call_id,
                next(self._seq),
                time.time(),
                speaker,
                "dtmf",
                f"keypad: {digits}",
                source="keypad",
            )
        )

    def said(self, party: str, text: str, *, tts_s: float | None = None) -> None:
        """What we said to `party`; closes the caller's open turn (its first_reply_audio_s,
        their last sample to our first, was observed just before)."""
        self._close_open()
        timings = {"tts_s": round(tts_s, 4)} if tts_s is not None else {}
        self._emit(
            Turn(
                self.call_id,
                next(self._seq),
                time.time(),
                "portaria",
                "said",
                text,
                party=party,
                timings=timings,
            )
        )

    def event(self, text: str) -> None:
        self._close_open()
        self._emit(Turn(self.call_id, next(self._seq), time.time(), "portaria", "event", text))

    def close(self) -> None:
        self._close_open()
