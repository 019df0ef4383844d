"""One webhook receiver and what travels to it, for app/webhooks/dispatcher.py: the
delivery (its id and body fixed across retries), the receiver's bounded queue that
drops the oldest when full, and how a response's Retry-After is read.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
import uuid
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx

from app.bus import BusEvent
from app.webhooks.settings import redact_url


@dataclass(frozen=True)
class Delivery:
    """One event for the receivers: the id and body stay the same across retries."""

    id: str
    kind: str
    call_id: str | None
    body: bytes

    @classmethod
    def of(cls, ev: BusEvent) -> Delivery:
        did = str(uuid.uuid4())
        payload = {
            "id": did,
            "type": ev.kind,
            "ts": ev.ts,
            "call_id": ev.call_id,
            "condominium": ev.condominium,
            "data": ev.data,
        }
        # default=str: a bus payload value JSON cannot encode must not kill the pump.
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str).encode(
            "utf-8"
        )
        return cls(did, ev.kind, ev.call_id, body)


class Receiver:
    """One URL: its queue, its worker and its own counters."""

    def __init__(self, index: int, url: str, queue_size: int) -> None:
        self.url = url
        self.label = (
            f"#{index} {redact_url(url)}"  # logs never show path/query: they may hold tokens
        )
        self.queue: asyncio.Queue[Delivery] = asyncio.Queue(maxsize=queue_size)
        self.delivered = self.failed = self.dropped = self.retried = 0
        self.task: asyncio.Task[None] | None = None

    def offer(self, d: Delivery) -> bool:
        """Queue `d`; False when the oldest waiting delivery had to be dropped for it."""
        dropped = False
        if self.queue.full():
            self.queue.get_nowait()
            self.queue.task_done()  # keeps queue.join() (the drain in stop()) accurate
            self.dropped += 1
            dropped = True
        self.queue.put_nowait(d)
        return not dropped


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError):
            return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def is_timeout(exc: BaseException) -> bool:
    return isinstance(exc, (TimeoutError, httpx.TimeoutException))
