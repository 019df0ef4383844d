"""Webhooks against real HTTP receivers on 127.0.0.1 (a minimal HTTP/1.1 server on
asyncio streams, so each test scripts status codes and delays exactly), and once
end to end on the real Asterisk: a call's events arrive signed, in order, while a
dead receiver sits beside the healthy one and costs the call nothing."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import ValidationError

from app.bus import EventBus
from app.config import ConfigError, parse_config
from app.webhooks.dispatcher import WebhookDispatcher, build_dispatcher
from app.webhooks.receiver import parse_retry_after
from app.webhooks.settings import WebhookSettings
from app.webhooks.signing import sign, verify_signature
from tests.harness.gate import Gate

SECRET = "test-secret-0123456789abcdef"


@dataclass
class Hit:
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def json(self) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(self.body)
        return payload


@dataclass
class HttpReceiver:
    """Records every request; answers with `statuses` in turn (then 200), after `delay` seconds."""

    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    retry_after: str | None = None
    hits: list[Hit] = field(default_factory=list)

    async def start(self) -> HttpReceiver:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.url = (
            f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/hooks/portaria?token=abc"
        )
        return self

    async def stop(self) -> None:
        self._server.close()
        for t in self._tasks:  # a "slow" handler may still be asleep
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def until_hits(self, n: int, timeout: float = 5.0) -> None:
        await until(lambda: len(self.hits) >= n, timeout)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while await reader.readline():  # request line; keep-alive: loop until the client closes
                headers: dict[str, str] = {}
                while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    k, _, v = line.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.hits.append(Hit(headers, body, time.monotonic()))
                if self.delay:
                    await asyncio.sleep(self.delay)
                status = self.statuses.pop(0) if self.statuses else 200
                extra = (
                    f"Retry-After: {self.retry_after}\r\n"
                    if self.retry_after and status == 429
                    else ""
                )
                writer.write(f"HTTP/1.1 {status} X\r\nContent-Length: 2\r\n{extra}\r\nok".encode())
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            self._tasks.discard(task)


def dead_url() -> str:
    """A port nobody listens on: connection refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/dead"


async def until(pred: Callable[[], bool], timeout: float = 5.0) -> None:
    t0 = time.monotonic()
    while not pred():
        if time.monotonic() - t0 > timeout:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.005)


def check_signed(hit: Hit, secret: str = SECRET) -> None:
    ts, sig = hit.headers["x-portaria-timestamp"], hit.headers["x-portaria-signature"]
    assert verify_signature(secret, ts, hit.body, sig)
    # Independently of the helper: HMAC-SHA256 over "<timestamp>.<body>".
    mac = hmac.new(secret.encode(), ts.encode() + b"." + hit.body, hashlib.sha256).hexdigest()
    assert sig == f"sha256={mac}"


@pytest.fixture
async def started() -> AsyncIterator[Callable[..., Any]]:
    """started(urls, **settings) -> (dispatcher, bus); everything is stopped after the test."""
    made: list[WebhookDispatcher] = []

    async def make(urls: list[str], **kw: Any) -> tuple[WebhookDispatcher, EventBus]:
        bus = EventBus()
        kw.setdefault("backoff_s", 0.01)
        d = WebhookDispatcher(WebhookSettings(urls=urls, **kw), bus, SECRET)
        await d.start()
        made.append(d)
        return d, bus

    yield make
    for d in made:
        await d.stop(drain_s=0.1)


@pytest.fixture
async def receivers() -> AsyncIterator[Callable[..., Any]]:
    made: list[HttpReceiver] = []

    async def make(**kw: Any) -> HttpReceiver:
        r = await HttpReceiver(**kw).start()
        made.append(r)
        return r

    yield make
    for r in made:
        await r.stop()


# -- settings and signing -----------------------------------------------------------


def test_settings_defaults_and_validation() -> None:
    s = WebhookSettings(urls=["https://example.org/hook"])
    assert s.events == ["call.started", "resident.called", "decision", "call.ended"]
    assert (s.timeout_s, s.max_attempts, s.backoff_s, s.queue_size) == (3.0, 4, 0.5, 1000)
    for bad in (
        ["ftp://example.org/x"],
        ["example.org/hook"],
        ["http://"],
        ["http://a/x", "http://a/x"],
    ):
        with pytest.raises(ValidationError):
            WebhookSettings(urls=bad)
    with pytest.raises(ValidationError, match="events"):
        WebhookSettings.model_validate({"events": ["state"]})
    with pytest.raises(ValidationError, match="extra"):
        WebhookSettings.model_validate({"url": "http://a/x"})
    with pytest.raises(ValidationError):
        s.urls = []  # type: ignore[misc]


def test_secret_only_from_the_environment() -> None:
    bus = EventBus()
    assert build_dispatcher(WebhookSettings(), bus, None) is None  # no URLs: no secret needed
    with pytest.raises(ConfigError, match="PORTARIA_WEBHOOK_SECRET"):
        build_dispatcher(WebhookSettings(urls=["http://127.0.0.1:9/x"]), bus, None)
    with pytest.raises(ConfigError, match="secrets are not read from the file"):
        parse_config("webhooks:\n  secret: hunter2\n")
    d = build_dispatcher(WebhookSettings(urls=["http://127.0.0.1:9/x"]), bus, SECRET)
    assert d is not None and SECRET not in repr(d) and SECRET not in str(d.stats())


def test_verify_signature_rejects_tampering_wrong_secret_and_stale_timestamps() -> None:
    body, now = b'{"id":"x","type":"decision"}', time.time()
    ts = str(int(now))
    sig = sign(SECRET, ts, body)
    assert verify_signature(SECRET, ts, body, sig) and verify_signature(
        SECRET, ts, body.decode(), sig
    )
    assert not verify_signature("other", ts, body, sig)
    assert not verify_signature(SECRET, ts, body + b" ", sig)
    assert not verify_signature(SECRET, str(int(now) + 1), body, sig)
    assert not verify_signature(SECRET, ts, body, sig, now=now + 301)
    assert not verify_signature(SECRET, "yesterday", body, sig)


def test_retry_after_parsing() -> None:
    assert parse_retry_after("2") == 2.0 and parse_retry_after(None) is None
    assert parse_retry_after("soon") is None and parse_retry_after("nan") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: now


# -- deliveries ------------------------------------------------------------------------


async def test_delivered_signed_with_the_documented_headers_and_body(
    started: Any, receivers: Any
) -> None:
    rx = await receivers()
    d, bus = await started([rx.url])
    bus.publish("ari", "c1", "apoena", type="StasisStart")  # not a webhook event: filtered out
    bus.publish(
        "decision",
        "c1",
        "apoena",
        outcome="authorized",
        gate_opened=True,
        apartment="501",
        resident="Rafaela Silva",
    )
    await until(lambda: d.delivered == 1)
    assert len(rx.hits) == 1
    hit = rx.hits[0]
    check_signed(hit)
    assert hit.headers["content-type"] == "application/json"
    assert hit.headers["x-portaria-event"] == "decision"
    assert abs(int(hit.headers["x-portaria-timestamp"]) - time.time()) < 5
    body = hit.json
    assert hit.headers["x-portaria-delivery"] == body["id"]
    assert (
        body["type"] == "decision" and body["call_id"] == "c1" and body["condominium"] == "apoena"
    )
    assert body["data"] == {
        "outcome": "authorized",
        "gate_opened": True,
        "apartment": "501",
        "resident": "Rafaela Silva",
    }
    assert set(body) == {"id", "type", "ts", "call_id", "condominium", "data"}
    assert (d.failed, d.retried, d.dropped) == (0, 0, 0)


async def test_only_the_configured_events_are_sent(started: Any, receivers: Any) -> None:
    rx = await receivers()
    d, bus = await started([rx.url], events=["call.ended"])
    for kind in ("call.started", "resident.called", "decision", "call.ended"):
        bus.publish(kind, "c2", "apoena")
    await until(lambda: d.delivered == 1)
    await asyncio.sleep(0.1)
    assert [h.headers["x-portaria-event"] for h in rx.hits] == ["call.ended"]


async def test_500_twice_then_200_is_delivered_on_the_third_attempt_same_delivery_id(
    started: Any, receivers: Any
) -> None:
    rx = await receivers(statuses=[500, 500, 200])
    d, bus = await started([rx.url], backoff_s=0.05)
    bus.publish("call.started", "c3", "apoena", channel="ch", caller="7100")
    await until(lambda: d.delivered == 1)
    assert len(rx.hits) == 3
    assert len({h.headers["x-portaria-delivery"] for h in rx.hits}) == 1
    assert len({h.body for h in rx.hits}) == 1
    for h in rx.hits:
        check_signed(h)
    gaps = [b.at - a.at for a, b in zip(rx.hits, rx.hits[1:])]
    # Lower bounds only (a back-off sleep never ends early): a busy machine cannot break them.
    assert gaps[0] >= 0.04 and gaps[1] >= 0.09, gaps  # exponential: 0.05 s, then 0.1 s
    assert (d.delivered, d.retried, d.failed) == (1, 2, 0)


async def test_400_is_not_retried(started: Any, receivers: Any) -> None:
    rx = await receivers(statuses=[400])
    d, bus = await started([rx.url])
    bus.publish("call.ended", "c4", "apoena", reason="x", duration_s=1.0)
    await until(lambda: d.failed == 1)
    await asyncio.sleep(0.2)
    assert len(rx.hits) == 1 and (d.delivered, d.retried) == (0, 0)


async def test_429_honours_retry_after_capped(started: Any, receivers: Any) -> None:
    rx = await receivers(statuses=[429], retry_after="60")
    d, bus = await started([rx.url], backoff_max_s=0.3)
    bus.publish("call.ended", "c5", "apoena")
    await until(lambda: d.delivered == 1)
    gap = rx.hits[1].at - rx.hits[0].at
    # Waited, but 0.3 s (the cap), not the asked-for 60 s: 1.7 s of margin above the
    # cap for a busy machine still tells one from the other.
    assert 0.25 <= gap < 2, gap
    assert rx.hits[0].headers["x-portaria-delivery"] == rx.hits[1].headers["x-portaria-delivery"]


async def test_gives_up_after_max_attempts_on_a_dead_receiver(started: Any) -> None:
    d, bus = await started([dead_url()], max_attempts=3)
    bus.publish("decision", "c6", "apoena", outcome="denied", gate_opened=False)
    await until(lambda: d.failed == 1)
    assert (d.delivered, d.retried) == (0, 2)


async def test_dead_and_slow_receivers_never_delay_publishing_nor_the_healthy_one(
    started: Any, receivers: Any
) -> None:
    healthy, slow = await receivers(), await receivers(delay=10)
    d, bus = await started(
        [dead_url(), slow.url, healthy.url],
        queue_size=150,
        timeout_s=0.5,
        max_attempts=3,
        backoff_s=0.05,
    )
    dead_r, slow_r, healthy_r = d.receivers
    publishing = 0.0
    t_all = time.monotonic()
    for batch in range(10):
        t0 = time.perf_counter()
        for i in range(100):
            bus.publish("call.started", f"call-{batch * 100 + i}", "apoena", seq=batch * 100 + i)
        publishing += time.perf_counter() - t0
        # The healthy receiver keeps up batch by batch, whatever the other two are doing.
        await healthy.until_hits((batch + 1) * 100, timeout=10)
    catch_up = time.monotonic() - t_all
    t0 = time.perf_counter()
    bus.publish("decision", "marker", "apoena", seq=1000)  # while dead and slow still retry
    await healthy.until_hits(1001)
    latency = time.perf_counter() - t0
    print(
        f"\npublishing 1000 events took {publishing * 1000:.2f} ms in total; the healthy receiver "
        f"had all of them {catch_up:.2f} s after the first; one more event reached it in "
        f"{latency * 1000:.1f} ms; dropped: dead={dead_r.dropped} "
        f"slow={slow_r.dropped}; slow receiver saw {len(slow.hits)} request(s)"
    )
    # What publishing costs (budget 50 us an event) is bench/bench_webhooks.py's number,
    # printed above, not asserted: a CPU budget on a shared machine only measures the
    # machine. The behaviour is below: nothing lost or reordered for the healthy one.
    assert [h.json["data"]["seq"] for h in healthy.hits] == list(
        range(1001)
    )  # every event, in order
    # Not queued behind the slow receiver, whose every attempt waits its 0.5 s timeout
    # (3 attempts): arrives in ms; 1 s leaves a busy machine its stalls (<= 0.8 s measured).
    assert latency < 1.0
    assert healthy_r.dropped == 0 and healthy_r.failed == 0
    for r in (dead_r, slow_r):
        assert r.queue.qsize() <= 150
        assert r.dropped > 0
    assert d.dropped == dead_r.dropped + slow_r.dropped
    t0 = time.monotonic()
    await d.stop(drain_s=0.5)
    # stop() drains 0.5 s, then cancels; it never waits on the slow one (10 s): 1.5 s of
    # margin for a busy machine still tells the two apart.
    assert time.monotonic() - t0 < 2.0


# -- end to end, on the real Asterisk ------------------------------------------------


async def test_call_events_reach_the_receiver_signed_and_in_order_beside_a_dead_one(
    gate: Gate, receivers: Any
) -> None:
    rx = await receivers()
    d = WebhookDispatcher(WebhookSettings(urls=[rx.url, dead_url()]), gate.app.bus, SECRET)
    await d.start()
    try:
        gate.stt.push(
            "Boa tarde, tenho uma entrega para o apartamento quinhentos e um.",
            "Meu nome é Pedro da Silva.",
            "Sim, pode entrar.",
        )
        await gate.resident("1003021", says=["Sim, pode entrar."])
        phone = await gate.visitor(
            [
                "Boa tarde, tenho uma entrega para o apartamento quinhentos e um.",
                "Meu nome é Pedro da Silva.",
            ]
        )
        wall = await phone.wait_hung_up(timeout=90)
        await until(
            lambda: any(h.headers["x-portaria-event"] == "call.ended" for h in rx.hits), timeout=10
        )
    finally:
        await d.stop(drain_s=0.5)
    started_ev = next(h.json for h in rx.hits if h.json["type"] == "call.started")
    call_id = started_ev["call_id"]
    mine = [h for h in rx.hits if h.json["call_id"] == call_id]
    assert [h.json["type"] for h in mine] == [
        "call.started",
        "resident.called",
        "decision",
        "call.ended",
    ]
    for h in mine:
        check_signed(h)
        assert h.headers["x-portaria-event"] == h.json["type"]
    decision = mine[2].json["data"]
    assert decision["outcome"] == "authorized" and decision["gate_opened"] is True
    assert decision["apartment"] == "501"
    ended = mine[3].json["data"]
    dead = d.receivers[1]
    assert dead.retried > 0 and dead.delivered == 0  # the dead receiver really was tried meanwhile
    print(
        f"\ncall with webhooks (one receiver dead): session {ended['duration_s']} s, "
        f"visitor phone up {wall:.1f} s, reason {ended['reason']!r}; "
        f"dead receiver: retried={dead.retried} failed={dead.failed}"
    )
    assert ended["duration_s"] < 60
