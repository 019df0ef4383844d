"""A fake of our own `Controller` protocol (app/api), not of a cloud service: the API
server's tests run against it without Asterisk."""

from __future__ import annotations

import time
from typing import Any

from app.api import ApiRole
from app.bus import EventBus, Subscription


class FakeController:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        # call_id -> roles on the call
        self.calls: dict[str, set[str]] = {"c1": {"visitor", "resident"}, "c2": {"visitor"}}
        self.hangups: list[tuple[str, str]] = []
        self.reload_result: tuple[bool, str] = (True, "reloaded 1 condominium")
        self.reloads = 0
        self.fail = False
        self.t0 = time.monotonic()
        self.bus = EventBus()
        self.decided: list[dict[str, Any]] = [
            {
                "ts": 1700000000.0 + i,
                "condominium": "apoena" if i % 2 else "flora",
                "outcome": "authorized",
                "decided_by": "resident",
                "gate_opened": True,
                "call_id": f"{i:032x}",
                "visitor_name": "Ana",
                "intent": "visita",
                "apartment": "501",
                "resident": "Maria",
                "visitor_channel": None,
                "resident_channel": None,
                "dialed": None,
                "caller": "7100",
                "recording": None,
            }
            for i in range(5)
        ][::-1]

    def status(self) -> dict[str, Any]:
        if self.fail:
            raise RuntimeError("boom")
        return {
            "status": "ok",
            "ari_connected": True,
            "uptime_s": round(time.monotonic() - self.t0, 3),
            "active_sessions": [
                {
                    "call_id": cid,
                    "condominium": "apoena",
                    "state": "COLETANDO_DADOS",
                    "turn": "USER_TURN",
                    "roles": sorted(roles, reverse=True),
                    "duration_s": 1.5,
                    "visitor_channel": f"ch-{cid}",
                    "resident_channel": None,
                }
                for cid, roles in self.calls.items()
            ],
        }

    async def hangup(self, call_id: str, role: ApiRole) -> bool:
        if self.fail:
            raise RuntimeError("boom")
        self.hangups.append((call_id, role))
        return role in self.calls.get(call_id, set())

    async def reload(self) -> tuple[bool, str]:
        self.reloads += 1
        return self.reload_result

    def recent_events(self) -> list[dict[str, Any]]:
        return [ev.to_json() for ev in self.bus.recent]

    def subscribe(self) -> Subscription:
        return self.bus.subscribe()

    def decisions(self, limit: int, condominium: str | None) -> list[dict[str, Any]]:
        return [d for d in self.decided if condominium in (None, d["condominium"])][:limit]

    async def call(self, call_id: str) -> dict[str, Any] | None:
        found = [d for d in self.decided if d["call_id"] == call_id]
        if not found:
            return None
        return {
            "decision": found[0],
            "turns": [
                {
                    "seq": 1,
                    "ts": found[0]["ts"],
                    "speaker": "portaria",
                    "kind": "said",
                    "text": "Olá",
                    "party": "visitor",
                    "confidence": None,
                    "source": None,
                    "timings": {"tts_s": 0.001},
                }
            ],
        }
