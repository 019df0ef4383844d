"""What the operator API needs from the running app.

`app.control` implements this over the live `Service`; tests use a fake.
Keeping the API behind this small protocol means the HTTP layer never touches
sessions, calls or ARI directly.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from app.bus import Subscription

ApiRole = Literal["visitor", "resident"]


class Controller(Protocol):
    def status(self) -> dict[str, Any]:
        """{"status": "ok", "ari_connected": bool, "uptime_s": float, "active_sessions":
        [{"call_id", "condominium", "state", "turn", "roles", "duration_s", ...}]}

        Must be cheap and non-blocking: it also runs on every /metrics scrape."""
        ...

    async def hangup(self, call_id: str, role: ApiRole) -> bool:
        """Hang up one party of a live call. False: no such call, or that role is not on it."""
        ...

    async def reload(self) -> tuple[bool, str]:
        """Re-read configuration and directories: (applied, message).

        Never raises for a bad file."""
        ...

    def recent_events(self) -> list[dict[str, Any]]:
        """The bus's recent events, oldest first, as `BusEvent.to_json()` dicts."""
        ...

    def subscribe(self) -> Subscription:
        """A live subscription to the bus; the caller closes it. Called right after
        `recent_events()` with no await in between, so together they miss nothing."""
        ...

    def decisions(self, limit: int, condominium: str | None) -> list[dict[str, Any]]:
        """Latest gate decisions, newest first (`app.records.Decision` fields).

        Runs in the event loop: one indexed SQLite read of at most `limit` rows."""
        ...

    async def call(self, call_id: str) -> dict[str, Any] | None:
        """{"decision": Decision fields or None, "turns": [Turn.as_dict()]}; None: unknown call."""
        ...
