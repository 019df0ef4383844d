"""The slices of ARI's JSON objects the app reads, typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.errors import BackendError


class AriError(BackendError):
    """ARI answered with an error status; carries ARI's own message."""

    def __init__(self, method: str, path: str, status: int, message: str) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        super().__init__(f"ARI {method} {path} -> {status}: {message}")

    @property
    def not_found(self) -> bool:
        return self.status == 404


class AriUnavailable(AriError):
    """Asterisk could not be reached at all (connection refused, timeout)."""

    def __init__(self, method: str, path: str, reason: str) -> None:
        super().__init__(method, path, 0, reason)


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    state: str
    caller_number: str = ""
    caller_name: str = ""
    exten: str = ""
    context: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Channel:
        caller = data.get("caller") or {}
        dialplan = data.get("dialplan") or {}
        return cls(
            id=str(data["id"]),
            name=str(data.get("name", "")),
            state=str(data.get("state", "")),
            caller_number=str(caller.get("number", "")),
            caller_name=str(caller.get("name", "")),
            exten=str(dialplan.get("exten", "")),
            context=str(dialplan.get("context", "")),
            raw=data,
        )


@dataclass(frozen=True)
class Bridge:
    id: str
    bridge_type: str
    channels: tuple[str, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Bridge:
        return cls(
            id=str(data["id"]),
            bridge_type=str(data.get("bridge_type", "")),
            channels=tuple(str(c) for c in data.get("channels", [])),
        )
