"""The channel -> call registry: which visitor calls are live, which channel is whose.

The one place that knows which calls are live; the API lists it, tests assert it
is empty after every call, and the Stasis routing asks it which call an ARI
event belongs to.
"""

from __future__ import annotations

import uuid

from app.dialog.session import ConversationState, Session, StateListener


class SessionManager:
    def __init__(self, on_change: StateListener | None = None) -> None:
        self._sessions: dict[str, Session] = {}
        self._by_channel: dict[str, str] = {}
        self._on_change = on_change

    def create_session(self, condominium: str, visitor_channel_id: str) -> Session:
        s = Session(
            id=uuid.uuid4().hex,
            condominium=condominium,
            visitor_channel_id=visitor_channel_id,
            on_change=self._on_change,
        )
        self._sessions[s.id] = s
        self.bind_channel(s, visitor_channel_id)
        return s

    def get_session(self, session_id: str) -> Session | None:
        return self._sessions.get(session_id)

    def by_channel(self, channel_id: str) -> Session | None:
        sid = self._by_channel.get(channel_id)
        return None if sid is None else self._sessions.get(sid)

    def bind_channel(self, session: Session, channel_id: str) -> bool:
        """Route `channel_id`'s events to `session`; False (nothing bound) once it has ended.

        A binding made after `end_session` would never be removed, and the channel
        created after it would belong to nobody: callers create nothing when refused."""
        if session.ended or self._sessions.get(session.id) is not session:
            return False
        self._by_channel[channel_id] = session.id
        if channel_id not in session.channel_ids:
            session.channel_ids.append(channel_id)
        return True

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

    @property
    def channels(self) -> int:
        """Channels bound to a live call (0 once every call has ended)."""
        return len(self._by_channel)

    def bound(self) -> dict[str, str]:
        """channel id -> session id, for what is still bound (diagnostics)."""
        return dict(self._by_channel)

    def all(self) -> list[Session]:
        return list(self._sessions.values())

    def __len__(self) -> int:
        return len(self._sessions)
