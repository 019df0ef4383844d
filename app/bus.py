"""In-process event bus: what happens on calls, for the console, dashboard and webhooks.

Publishing never blocks and never fails a call: each subscriber has a bounded
queue, and a subscriber that falls behind loses its oldest events (counted),
never the call's time.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class BusEvent:
    kind: str  # ari | state | call.started | resident.called | decision | call.ended
    call_id: str | None = None
    condominium: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    ts: float = field(default_factory=time.time)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Subscription:
    def __init__(self, bus: EventBus, maxsize: int) -> None:
        self._bus = bus
        self.queue: asyncio.Queue[BusEvent] = asyncio.Queue(maxsize=maxsize)
        self.dropped = 0

    def offer(self, ev: BusEvent) -> None:
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(ev)

    async def get(self) -> BusEvent:
        return await self.queue.get()

    def close(self) -> None:
        self._bus.unsubscribe(self)


class EventBus:
    def __init__(self) -> None:
        self._subs: set[Subscription] = set()
        self.recent: list[BusEvent] = []  # last events, for late joiners (dashboard first paint)

    def subscribe(self, maxsize: int = 1000) -> Subscription:
        sub = Subscription(self, maxsize)
        self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self._subs.discard(sub)

    def publish(
        self, kind: str, call_id: str | None = None, condominium: str | None = None, **data: Any
    ) -> None:
        ev = BusEvent(kind, call_id, condominium, data)
        self.recent.append(ev)
        if len(self.recent) > 200:
            del self.recent[:100]
        for sub in tuple(self._subs):
            sub.offer(ev)
