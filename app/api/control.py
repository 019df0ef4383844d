"""What the operator API needs from the running app.

`app.service` implements this over the live `Service`; tests use a fake.
Keeping the API behind this small protocol means the HTTP layer never touches
sessions, calls or ARI directly.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

ApiRole = Literal["visitor", "resident"]


class Controller(Protocol):
    def status(self) -> dict[str, Any]:
        """{"status": "ok", "ari_connected": bool, "uptime_s": float,
        "active_sessions": [{"call_id", "condominium", "state", "turn", "roles", "duration_s", ...}]}

        Must be cheap and non-blocking: it also runs on every /metrics scrape."""
        ...

    async def hangup(self, call_id: str, role: ApiRole) -> bool:
        """Hang up one party of a live call. False: no such call, or that role is not on it."""
        ...

    async def reload(self) -> tuple[bool, str]:
        """Re-read configuration and directories. (applied, message); never raises for a bad file."""
        ...
