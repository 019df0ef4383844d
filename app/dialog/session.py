"""Sessions: one per visitor call, holding everything that call owns.

The SessionManager is the one place that knows which calls are live; the API
lists it, tests assert it is empty after every call, and the Stasis app asks
it which session an ARI event belongs to.
"""

from __future__ import annotations

import enum
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


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
    data: dict[str, Any] = field(default_factory=dict)
    ended: bool = False
    end_reason: str = ""

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


class SessionManager:
    def __init__(self, on_change: StateListener | None = None) -> None:
        self._sessions: dict[str, Session] = {}
        self._by_channel: dict[str, str] = {}
        self._on_change = on_change

    def create_session(self, condominium: str, visitor_channel_id: str) -> Session:
        s = Session(id=uuid.uuid4().hex, condominium=condominium, visitor_channel_id=visitor_channel_id,
                    on_change=self._on_change)
        self._sessions[s.id] = s
        self.bind_channel(s, visitor_channel_id)
        return s

    def get_session(self, session_id: str) -> Session | None:
        return self._sessions.get(session_id)

    def by_channel(self, channel_id: str) -> Session | None:
        sid = self._by_channel.get(channel_id)
        return None if sid is None else self._sessions.get(sid)

    def bind_channel(self, session: Session, channel_id: str) -> None:
        self._by_channel[channel_id] = session.id
        if channel_id not in session.channel_ids:
            session.channel_ids.append(channel_id)

    def end_session(self, session_id: str, reason: str = "") -> Session | None:
        s = self._sessions.pop(session_id, None)
        if s is None:
            return None
        s.ended = True
        s.end_reason = s.end_reason or reason
        s.state = ConversationState.FINALIZADO
        for ch in s.channel_ids:
            if self._by_channel.get(ch) == s.id:
                del self._by_channel[ch]
        return s

    def all(self) -> list[Session]:
        return list(self._sessions.values())

    def __len__(self) -> int:
        return len(self._sessions)
