"""A visitor call as the dialog sees it: its conversation state, its turn, its record.

Which sessions are live, and which channel belongs to which, is the call
registry's business (app/calls/registry.py), beside the Stasis routing that uses it.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.records import CallRecord


class ConversationState(enum.StrEnum):
    COLETANDO_DADOS = "COLETANDO_DADOS"
    VALIDADO = "VALIDADO"
    CHAMANDO_MORADOR = "CHAMANDO_MORADOR"
    ESPERANDO_MORADOR = "ESPERANDO_MORADOR"
    FINALIZADO = "FINALIZADO"


class TurnState(enum.StrEnum):
    USER_TURN = "USER_TURN"
    WAITING = "WAITING"
    IA_TURN = "IA_TURN"


StateListener = Callable[["Session", str, str, str], None]  # session, field, old, new


@dataclass
class Session:
    id: str
    condominium: str
    visitor_channel_id: str
    created_at: float = field(default_factory=time.time)
    started_monotonic: float = field(default_factory=time.monotonic)
    _state: ConversationState = ConversationState.COLETANDO_DADOS
    _turn: TurnState = TurnState.IA_TURN
    on_change: StateListener | None = field(default=None, repr=False)
    # ARI objects this session created; cleanup deletes exactly these.
    bridge_ids: list[str] = field(default_factory=list)
    channel_ids: list[str] = field(default_factory=list)
    resident_channel_id: str | None = None
    ended: bool = False
    end_reason: str = ""
    # What will be kept of this call: filled in as it goes, decided once (app/records).
    record: CallRecord = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.record = CallRecord(self.id, self.condominium, self.visitor_channel_id)

    @property
    def state(self) -> ConversationState:
        return self._state

    @state.setter
    def state(self, value: ConversationState) -> None:
        old, self._state = self._state, value
        if old is not value and self.on_change is not None:
            self.on_change(self, "state", old.value, value.value)

    @property
    def turn(self) -> TurnState:
        return self._turn

    @turn.setter
    def turn(self, value: TurnState) -> None:
        old, self._turn = self._turn, value
        if old is not value and self.on_change is not None:
            self.on_change(self, "turn", old.value, value.value)

    @property
    def duration(self) -> float:
        return time.monotonic() - self.started_monotonic

    def summary(self) -> dict[str, Any]:
        return {
            "call_id": self.id,
            "condominium": self.condominium,
            "state": self.state.value,
            "turn": self.turn.value,
            "visitor_channel": self.visitor_channel_id,
            "resident_channel": self.resident_channel_id,
            "roles": ["visitor"] + (["resident"] if self.resident_channel_id else []),
            "duration_s": round(self.duration, 1),
        }
