"""Webhooks: what publishing an event costs the caller's code, with a dead and a stuck receiver.

    python -m bench.bench_webhooks [--events 1000]

Publishing is synchronous and must stay cheap whatever the receivers do (budget:
50 us per event): the events go to bounded per-receiver queues, and a full
queue drops, it never blocks. Printed, not asserted; tests/test_webhooks.py
checks the behaviour (every event reaches the healthy receiver, in order).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import time

from app.bus import EventBus
from app.logging import configure
from app.webhooks.dispatcher import WebhookDispatcher
from app.webhooks.settings import WebhookSettings


def dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/dead"


async def main(events: int) -> None:
    configure("error")

    done = asyncio.Event()

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await done.wait()  # reads the request, never answers
        writer.close()

    stuck = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    stuck_url = f"http://127.0.0.1:{stuck.sockets[0].getsockname()[1]}/stuck"
    bus = EventBus()
    d = WebhookDispatcher(
        WebhookSettings(
            urls=[dead_url(), stuck_url],
            queue_size=150,
            timeout_s=0.5,
            max_attempts=3,
            backoff_s=0.05,
        ),
        bus,
        "bench-secret",
    )
    await d.start()
    per_event: list[float] = []
    for batch in range(events // 100):
        t0 = time.perf_counter()
        for i in range(100):
            bus.publish("call.started", f"call-{batch * 100 + i}", "apoena", seq=batch * 100 + i)
        per_event.append((time.perf_counter() - t0) / 100)
        await asyncio.sleep(0.05)  # let the dispatcher run, as calls would
    await d.stop(drain_s=0.1)
    done.set()
    stuck.close()
    await stuck.wait_closed()
    us = sorted(x * 1e6 for x in per_event)
    print(
        f"publish, {events} events beside a dead and a stuck receiver: per event median "
        f"{statistics.median(us):.1f} us, worst batch {us[-1]:.1f} us (budget 50 us); "
        f"dropped {d.dropped}"
    )


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1000)
    asyncio.run(main(ap.parse_args().events))
