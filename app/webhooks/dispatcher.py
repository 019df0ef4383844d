"""Delivers bus events to webhook receivers, never on a call's time.

The bus hands events to one subscription; a pump task (no I/O) copies each
event the settings select into one bounded queue per receiver, and one worker
per receiver POSTs them in order. So publishing stays O(1) for the call, and a
dead or slow receiver only ever fills its own queue: when it is full the
oldest event is dropped and counted, and the other receivers are unaffected.
A receiver's retries hold up only that receiver's queue (head-of-line, by
design): its events stay in order, and a struggling receiver is not hammered.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import httpx
import structlog

from app.bus import BusEvent, EventBus, Subscription
from app.config import ConfigError
from app.metrics import BACKEND_ERRORS
from app.webhooks.receiver import Delivery, Receiver, is_timeout, parse_retry_after
from app.webhooks.settings import SECRET_ENV, WebhookSettings
from app.webhooks.signing import sign

log = structlog.get_logger(__name__)

USER_AGENT = "Portaria-Webhooks/1"


class WebhookDispatcher:
    def __init__(
        self,
        settings: WebhookSettings,
        bus: EventBus,
        secret: str,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        if settings.urls and not secret:
            raise missing_secret_error(settings)
        self.settings = settings
        self.bus = bus
        self._secret = secret
        self._kinds = frozenset(settings.events)
        self.receivers = [Receiver(i, u, settings.queue_size) for i, u in enumerate(settings.urls)]
        self._client = client
        self._own_client = client is None
        self._sub: Subscription | None = None
        self._pump_task: asyncio.Task[None] | None = None
        self._bus_dropped_seen = 0
        # Totals over all receivers (dropped also counts events the bus dropped before the pump
        # saw them).
        self.delivered = self.failed = self.dropped = self.retried = 0

    def __repr__(self) -> str:  # the secret stays out of reprs, tracebacks and logs
        return f"WebhookDispatcher(receivers={len(self.receivers)})"

    # -- lifecycle ---------------------------------------------------------------
    async def start(self) -> None:
        if self._sub is not None or not self.receivers:
            return
        if self._client is None:
            s = self.settings
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(s.timeout_s),
                follow_redirects=False,
                headers={"User-Agent": USER_AGENT},
            )
        # The pump does no I/O, so it keeps up; the subscription only has to absorb one
        # synchronous burst of publishes between two turns of the event loop.
        self._sub = self.bus.subscribe(maxsize=max(self.settings.queue_size, 1000))
        for r in self.receivers:
            r.task = asyncio.get_running_loop().create_task(
                self._work(r), name=f"webhook-{r.label}"
            )
        self._pump_task = asyncio.get_running_loop().create_task(self._pump(), name="webhook-pump")
        log.info(
            "webhooks_started",
            receivers=[r.label for r in self.receivers],
            events=sorted(self._kinds),
        )

    async def stop(self, drain_s: float = 2.0) -> None:
        """Stop taking events, give queued deliveries `drain_s` to go out, then cancel the rest."""
        sub, self._sub = self._sub, None
        if sub is None:
            return
        if self._pump_task is not None:
            self._pump_task.cancel()
            await asyncio.gather(self._pump_task, return_exceptions=True)
        sub.close()
        while (
            not sub.queue.empty()
        ):  # events published just before stop() (a call's last call.ended)
            self._route(sub.queue.get_nowait())
        self._count_bus_drops(sub)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(drain_s):
                await asyncio.gather(*(r.queue.join() for r in self.receivers))
        tasks = [r.task for r in self.receivers if r.task is not None]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        left = sum(r.queue.qsize() for r in self.receivers)
        if self._own_client and self._client is not None:
            await self._client.aclose()
            self._client = None
        log.info(
            "webhooks_stopped",
            delivered=self.delivered,
            failed=self.failed,
            dropped=self.dropped,
            retried=self.retried,
            undelivered=left,
        )

    def stats(self) -> dict[str, Any]:
        """Counters for status pages; receivers by redacted label only."""
        return {
            "delivered": self.delivered,
            "failed": self.failed,
            "dropped": self.dropped,
            "retried": self.retried,
            "receivers": [
                {
                    "receiver": r.label,
                    "queued": r.queue.qsize(),
                    "delivered": r.delivered,
                    "failed": r.failed,
                    "dropped": r.dropped,
                    "retried": r.retried,
                }
                for r in self.receivers
            ],
        }

    # -- routing -----------------------------------------------------------------
    async def _pump(self) -> None:
        sub = self._sub
        assert sub is not None
        while True:
            ev = await sub.get()
            self._count_bus_drops(sub)
            self._route(ev)

    def _count_bus_drops(self, sub: Subscription) -> None:
        if sub.dropped > self._bus_dropped_seen:
            self.dropped += sub.dropped - self._bus_dropped_seen
            self._bus_dropped_seen = sub.dropped

    def _route(self, ev: BusEvent) -> None:
        if ev.kind not in self._kinds:
            return
        d = Delivery.of(ev)
        for r in self.receivers:
            if not r.offer(d):
                self.dropped += 1
                # A dead receiver under load drops on every event: log the first, then every 100th.
                if r.dropped == 1 or r.dropped % 100 == 0:
                    log.warning(
                        "webhook_queue_full_dropped_oldest",
                        receiver=r.label,
                        dropped=r.dropped,
                        queue_size=self.settings.queue_size,
                    )

    # -- delivery ------------------------------------------------------------------
    async def _work(self, r: Receiver) -> None:
        while True:
            d = await r.queue.get()
            try:
                await self._deliver(r, d)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # one odd delivery never stops the worker
                r.failed += 1
                self.failed += 1
                log.exception(
                    "webhook_failed",
                    receiver=r.label,
                    event_type=d.kind,
                    delivery=d.id,
                    call_id=d.call_id,
                    error=type(exc).__name__,
                )
            finally:
                r.queue.task_done()

    async def _deliver(self, r: Receiver, d: Delivery) -> None:
        s = self.settings
        status: int | None = None
        error = ""
        for attempt in range(1, s.max_attempts + 1):
            wait: float | None = None
            try:
                status, retry_after = await self._post(r, d)
            except (httpx.TransportError, TimeoutError) as exc:
                # Connection refused/reset, DNS, timeouts: the receiver may be back soon.
                status, retry_after = None, None
                error = type(exc).__name__
                BACKEND_ERRORS.labels(
                    backend="webhook", kind="timeout" if is_timeout(exc) else "connect"
                ).inc()
            if status is not None and 200 <= status < 300:
                r.delivered += 1
                self.delivered += 1
                log.info(
                    "webhook_delivered",
                    receiver=r.label,
                    event_type=d.kind,
                    delivery=d.id,
                    call_id=d.call_id,
                    status=status,
                    attempts=attempt,
                )
                return
            if status is not None:
                error = f"HTTP {status}"
                BACKEND_ERRORS.labels(backend="webhook", kind="http").inc()
                if status != 429 and status < 500:
                    # The receiver rejected this request; sending it again will not change that.
                    break
                wait = retry_after
            if attempt == s.max_attempts:
                break
            r.retried += 1
            self.retried += 1
            if wait is None:
                wait = s.backoff_s * 2 ** (attempt - 1)
            await asyncio.sleep(min(wait, s.backoff_max_s))
        r.failed += 1
        self.failed += 1
        log.warning(
            "webhook_failed",
            receiver=r.label,
            event_type=d.kind,
            delivery=d.id,
            call_id=d.call_id,
            error=error,
            attempts=attempt,
        )

    async def _post(self, r: Receiver, d: Delivery) -> tuple[int, float | None]:
        """One attempt: (status, Retry-After seconds or None).

        Fresh timestamp and signature each time."""
        assert self._client is not None
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Portaria-Event": d.kind,
            "X-Portaria-Delivery": d.id,
            "X-Portaria-Timestamp": ts,
            "X-Portaria-Signature": sign(self._secret, ts, d.body),
        }
        # httpx's timeout is per socket phase; this bounds the whole attempt. The response
        # body is never read: a receiver cannot make us buffer or wait on it.
        async with asyncio.timeout(self.settings.timeout_s):
            async with self._client.stream("POST", r.url, content=d.body, headers=headers) as resp:
                return resp.status_code, parse_retry_after(resp.headers.get("Retry-After"))


def missing_secret_error(settings: WebhookSettings) -> ConfigError:
    problem = (
        f"the environment variable {SECRET_ENV} is not set, but webhooks.urls lists "
        f"{len(settings.urls)} receiver(s) and every delivery is signed with it; "
        f"set it (e.g. `export {SECRET_ENV}=$(openssl rand -hex 32)`) or remove webhooks.urls"
    )
    return ConfigError(SECRET_ENV, [problem])


def build_dispatcher(
    settings: WebhookSettings, bus: EventBus, secret: str | None
) -> WebhookDispatcher | None:
    """The service's dispatcher: None without URLs.

    A ConfigError at start-up when the secret is missing."""
    if not settings.urls:
        return None
    if not secret:
        raise missing_secret_error(settings)
    return WebhookDispatcher(settings, bus, secret)
