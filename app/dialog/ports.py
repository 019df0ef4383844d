"""What the dialog needs from a live call, as small interfaces.

The dialog decides; it does not know about ARI or sockets. The Stasis app
gives it an object satisfying `CallPort`.
"""

from __future__ import annotations

from typing import Literal, Protocol

from app.dialog.session import Session

Role = Literal["visitor", "resident"]


class CallPort(Protocol):
    session: Session

    async def say(self, role: Role, text: str) -> bool:
        """Play `text` to that party; True when fully played, False when cut short."""
        ...

    async def end(self, reason: str) -> None:
        """Hang up every party of the call over ARI and release what it holds."""
        ...

    async def wait_ended(self) -> None:
        ...
