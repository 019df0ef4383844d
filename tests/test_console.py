"""`portaria console` and the /api/events WebSocket it reads.

Live tests: the real app on the real Asterisk, a real call from a test phone,
the console's own client in-process and `python -m app.cli console` as a
subprocess. The rest runs against the API server with the fake controller of
tests/test_api.py (no Asterisk): formatting, filters, auth, reconnection.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
import websockets

from app.ari import AriClient
from app.console import ConsoleAuthError, events_url, format_event, stream_lines
from tests.harness.api_fake import FakeController
from tests.harness.asterisk import REPO, AsteriskEnv
from tests.harness.live import live_service, wait_clean, wait_new_session, write_config
from tests.harness.phone import Phones

TOKEN = "console-test-token"


class Collector:
    """Runs the console's client (stream_lines) in the background and keeps what it printed."""

    def __init__(self, url: str, token: str = TOKEN) -> None:
        self.lines: list[str] = []
        self.status: list[str] = []
        self.error: BaseException | None = None
        self._task = asyncio.ensure_future(self._run(url, token))

    async def _run(self, url: str, token: str) -> None:
        try:
            async for line in stream_lines(url, token, on_status=self.status.append):
                self.lines.append(line)
        except Exception as exc:  # noqa: BLE001 - handed to the test by wait()
            self.error = exc

    async def wait(self, pred: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        while not pred():
            if self.error is not None:
                raise self.error
            if loop.time() - t0 > timeout:
                raise AssertionError(
                    f"console never showed {what}; it printed:\n" + "\n".join(self.lines)
                )
            await asyncio.sleep(0.05)

    async def connected(self, n: int = 1) -> None:
        await self.wait(
            lambda: sum(s.startswith("connected") for s in self.status) >= n, what="a connection"
        )

    def having(self, *parts: str) -> list[str]:
        return [ln for ln in self.lines if all(p in ln for p in parts)]

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def _columns(line: str) -> tuple[str, str, str]:
    """(kind, short call id, condominium) of an uncolored line."""
    _, kind, call, condo = line.split()[:4]
    return kind, call, condo


# -- live: the real app, a real call -----------------------------------------------------
async def test_console_follows_a_real_call(
    aenv: AsteriskEnv, ari: AriClient, phones: Phones, clean_asterisk: None, tmp_path: Path
) -> None:
    async with live_service(aenv, write_config(aenv, tmp_path), token=TOKEN) as svc:
        url = events_url(f"http://127.0.0.1:{svc.api.port}")
        console = Collector(url)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app.cli",
            "console",
            "--url",
            f"http://127.0.0.1:{svc.api.port}",
            cwd=REPO,
            env={**os.environ, "PORTARIA_API_TOKEN": TOKEN, "NO_COLOR": "1"},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            assert proc.stderr is not None
            banner = await asyncio.wait_for(proc.stderr.readline(), 20)
            assert banner.decode().startswith("connected to ws://127.0.0.1:"), banner
            await console.connected()
            phone = await phones.dial("100", wait=3)
            call_id = await wait_new_session(svc)
            short = call_id[:8]
            visitor = svc.sessions.get_session(call_id)
            assert visitor is not None
            chan_name = (await ari.get_channel(visitor.visitor_channel_id)).name
            await console.wait(
                lambda: bool(console.having("call.ended", short)), timeout=20, what="call.ended"
            )

            # The visitor's StasisStart, as Asterisk named the channel, with the Stasis() arguments.
            starts = console.having(" ari ", "StasisStart", chan_name)
            assert starts and "args=visitor,apoena" in starts[0], console.lines
            assert console.having("call.started", short, "apoena", "caller=7000")
            assert any(" → " in ln for ln in console.having("state", short)), console.lines
            ended = console.having("call.ended", short)
            assert len(ended) == 1 and "apoena" in ended[0]
            kinds = [_columns(ln)[0] for ln in console.lines if short in ln]
            assert kinds.index("call.started") < kinds.index("call.ended")

            # The CLI printed the same lines; Ctrl-C ends it cleanly.
            await asyncio.sleep(0.3)
            proc.send_signal(signal.SIGINT)
            out, err = await asyncio.wait_for(proc.communicate(), 10)
            assert proc.returncode == 0, err.decode()
            printed = out.decode().splitlines()
            assert ended[0] in printed
            assert starts[0] in printed
            assert "\x1b[" not in out.decode()  # not a TTY, NO_COLOR: plain text
            await phone.wait_hung_up(timeout=10)
            assert (await wait_clean(ari, svc)) == ([], [], 0)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            await console.close()


async def test_console_filter_by_call_hides_other_calls(
    aenv: AsteriskEnv, ari: AriClient, phones: Phones, clean_asterisk: None, tmp_path: Path
) -> None:
    async with live_service(aenv, write_config(aenv, tmp_path), token=TOKEN) as svc:
        base = f"http://127.0.0.1:{svc.api.port}"
        phone_a = await phones.dial("100", wait=7)
        a = await wait_new_session(svc)
        only_a = Collector(events_url(base, call=a[:8]))
        everything = Collector(events_url(base))
        await only_a.connected()
        await everything.connected()
        phone_b = await phones.dial("100", wait=2)
        b = await wait_new_session(svc, {a})
        await everything.wait(
            lambda: bool(everything.having("call.ended", b[:8])), timeout=20, what="B's end"
        )
        await only_a.wait(
            lambda: bool(only_a.having("call.ended", a[:8])), timeout=20, what="A's end"
        )

        # The filtered console replayed A's start (recent events), then followed it live...
        assert only_a.having("call.started", a[:8])
        assert only_a.having(" ari ", a[:8])
        assert only_a.having("state", a[:8])
        # ...and printed nothing of B, nor of events that belong to no call.
        assert {_columns(ln)[1] for ln in only_a.lines} == {a[:8]}, only_a.lines
        # Unfiltered, both calls are there.
        assert everything.having("call.started", b[:8]) and everything.having("call.ended", a[:8])
        await only_a.close()
        await everything.close()
        await phone_a.wait_hung_up(timeout=10)
        await phone_b.wait_hung_up(timeout=10)
        assert (await wait_clean(ari, svc)) == ([], [], 0)


# -- the formatter (pure) ------------------------------------------------------------------
EV_TS = 1_700_000_000.123  # 22:13:20.123 UTC
CALL = "a1b2c3d4e5f60718293a4b5c6d7e8f90"


def _ev(kind: str, call_id: str | None = CALL, **data: Any) -> dict[str, Any]:
    return {"kind": kind, "call_id": call_id, "condominium": "apoena", "data": data, "ts": EV_TS}


@pytest.mark.parametrize(
    ("ev", "line"),
    [
        (
            _ev(
                "ari",
                None,
                type="StasisStart",
                channel="1700.1",
                name="Local/100@portaria-gate-00000001;2",
                args=["visitor", "apoena"],
                digit=None,
                cause=None,
            ),
            (
                "22:13:20.123 ari             -        apoena   StasisStart          "
                "Local/100@portaria-gate-00000001;2 args=visitor,apoena"
            ),
        ),
        (
            _ev(
                "ari",
                type="ChannelDtmfReceived",
                channel="1700.1",
                name=None,
                args=None,
                digit="5",
                cause=None,
            ),
            "22:13:20.123 ari             a1b2c3d4 apoena   ChannelDtmfReceived  1700.1 digit=5",
        ),
        (
            _ev("state", field="state", old="COLETANDO_DADOS", new="VALIDADO"),
            "22:13:20.123 state           a1b2c3d4 apoena   COLETANDO_DADOS → VALIDADO",
        ),
        (
            _ev("state", field="turn", old="IA_TURN", new="USER_TURN"),
            "22:13:20.123 state           a1b2c3d4 apoena   turn IA_TURN → USER_TURN",
        ),
        (
            _ev("call.started", channel="1700.1", caller="7000"),
            "22:13:20.123 call.started    a1b2c3d4 apoena   caller=7000 channel=1700.1",
        ),
        (
            _ev("resident.called", endpoint="PJSIP/501", channel="r-1"),
            "22:13:20.123 resident.called a1b2c3d4 apoena   PJSIP/501 channel=r-1",
        ),
        (
            _ev(
                "decision",
                outcome="authorized",
                gate_opened=True,
                apartment="501",
                resident="Maria",
            ),
            (
                "22:13:20.123 decision        a1b2c3d4 apoena   "
                "authorized gate=open ap 501 resident=Maria"
            ),
        ),
        (
            _ev("decision", outcome="no_answer", gate_opened=False, apartment=None, resident=None),
            "22:13:20.123 decision        a1b2c3d4 apoena   no_answer gate=shut ap -",
        ),
        (
            _ev("call.ended", reason="visitor hung up", duration_s=12.34),
            "22:13:20.123 call.ended      a1b2c3d4 apoena   visitor hung up (12.34 s)",
        ),
        (
            _ev("lagged", None, dropped=17),
            (
                "22:13:20.123 lagged          -        apoena   "
                "17 event(s) dropped: this console fell behind"
            ),
        ),
        (
            _ev("webhook.sent", url="http://x", status=200),
            "22:13:20.123 webhook.sent    a1b2c3d4 apoena   url=http://x status=200",
        ),
    ],
    ids=[
        "stasis-start",
        "dtmf",
        "state",
        "turn",
        "call-started",
        "resident-called",
        "decision-open",
        "decision-no-answer",
        "call-ended",
        "lagged",
        "unknown-kind",
    ],
)
def test_format_event(ev: dict[str, Any], line: str) -> None:
    assert format_event(ev, tz=UTC) == line


def test_format_event_color_and_hostile_input() -> None:
    colored = format_event(
        _ev("decision", outcome="denied", gate_opened=False, apartment="501"), color=True, tz=UTC
    )
    assert "\x1b[1;31m" in colored and colored.endswith("denied gate=shut ap 501")
    assert "\x1b[1;32m" in format_event(
        _ev("decision", outcome="authorized", gate_opened=True), color=True
    )
    # A caller-ID name is attacker-controlled: it must not reach the terminal as escape codes.
    evil = format_event(
        _ev("call.started", caller="\x1b]0;pwned\x07\x1b[2J7000", channel="c"), tz=UTC
    )
    assert "\x1b" not in evil and "\x07" not in evil and "7000" in evil
    # Missing or odd fields never raise.
    assert format_event({}, tz=UTC).startswith("00:00:00.000 ?")
    assert format_event({"kind": "ari", "data": "oops", "ts": "x"}, tz=UTC).startswith(
        "00:00:00.000 ari"
    )


def test_events_url() -> None:
    assert events_url("http://127.0.0.1:8082") == "ws://127.0.0.1:8082/api/events"
    assert events_url("https://gate.example/portaria/") == "wss://gate.example/portaria/api/events"
    assert (
        events_url("127.0.0.1:8082", call="a1b2", kinds=["state", "call"])
        == "ws://127.0.0.1:8082/api/events?call_id=a1b2&kind=state%2Ccall"
    )
    assert (
        events_url("ws://h:1/api/events", condominium="são jorge")
        == "ws://h:1/api/events?condominium=s%C3%A3o+jorge"
    )


# -- the events socket against the fake controller (no Asterisk) --------------------------
@pytest.fixture
async def fake_api() -> Any:
    from app.api.serving import ApiServer

    ctl = FakeController()
    srv = ApiServer(ctl, "127.0.0.1", 0, TOKEN)
    await srv.start()
    yield srv, ctl
    await srv.stop()


async def test_socket_replays_recent_then_streams_live_with_filters(fake_api: Any) -> None:
    srv, ctl = fake_api
    ctl.bus.publish("call.started", "aaaa1111", "apoena", caller="1")
    ctl.bus.publish("call.started", "bbbb2222", "flora", caller="2")
    base = f"http://127.0.0.1:{srv.port}"
    everything, flora, states = (
        Collector(events_url(base)),
        Collector(events_url(base, condominium="flora")),
        Collector(events_url(base, kinds=["state", "call.ended"])),
    )
    for c in (everything, flora, states):
        await c.connected()
    ctl.bus.publish(
        "state", "aaaa1111", "apoena", field="state", old="COLETANDO_DADOS", new="VALIDADO"
    )
    ctl.bus.publish("call.ended", "bbbb2222", "flora", reason="bye", duration_s=1.0)
    await everything.wait(lambda: len(everything.lines) == 4, what="4 lines")
    await flora.wait(lambda: len(flora.lines) == 2, what="2 flora lines")
    await states.wait(lambda: len(states.lines) == 2, what="2 state/end lines")
    assert [_columns(ln)[:2] for ln in everything.lines] == [
        ("call.started", "aaaa1111"),
        ("call.started", "bbbb2222"),
        ("state", "aaaa1111"),
        ("call.ended", "bbbb2222"),
    ]
    assert [_columns(ln)[:2] for ln in flora.lines] == [
        ("call.started", "bbbb2222"),
        ("call.ended", "bbbb2222"),
    ]
    assert [_columns(ln)[0] for ln in states.lines] == ["state", "call.ended"]
    for c in (everything, flora, states):
        await c.close()
    await asyncio.sleep(0.1)
    assert not ctl.bus._subs, "a closed client left its subscription behind"


async def test_socket_auth(fake_api: Any) -> None:
    srv, _ = fake_api
    url = f"ws://127.0.0.1:{srv.port}/api/events"
    for headers, query in (({}, ""), ({"Authorization": "Bearer nope"}, ""), ({}, "?token=nope")):
        async with websockets.connect(url + query, additional_headers=headers) as ws:
            with pytest.raises(websockets.ConnectionClosedError) as info:
                await ws.recv()
            assert info.value.rcvd is not None and info.value.rcvd.code == 4401
    async with websockets.connect(f"{url}?token={TOKEN}") as ws:  # the browser form
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws.recv(), 0.2)  # accepted, nothing to say yet
    with pytest.raises(ConsoleAuthError, match="refused the token"):
        async for _ in stream_lines(url, "wrong"):
            pass


async def test_socket_without_configured_token_is_refused() -> None:
    from app.api.serving import ApiServer

    srv = ApiServer(FakeController(), "127.0.0.1", 0, None)
    await srv.start()
    try:
        with pytest.raises(ConsoleAuthError, match="no API token configured"):
            async for _ in stream_lines(f"ws://127.0.0.1:{srv.port}/api/events", TOKEN):
                pass
    finally:
        await srv.stop()


async def test_console_reconnects_when_the_app_restarts(fake_api: Any) -> None:
    from app.api.serving import ApiServer

    srv, ctl = fake_api
    ctl.bus.publish("call.started", "aaaa1111", "apoena", caller="1")
    console = Collector(f"ws://127.0.0.1:{srv.port}/api/events")
    try:
        await console.wait(lambda: len(console.lines) == 1, what="the first event")
        port = srv.port
        await srv.stop()
        await console.wait(
            lambda: any("reconnecting" in s for s in console.status), what="the outage"
        )
        again = ApiServer(ctl, "127.0.0.1", port, TOKEN)  # same bus: its backlog is replayed
        await again.start()
        try:
            await console.connected(2)
            ctl.bus.publish("call.ended", "aaaa1111", "apoena", reason="bye", duration_s=2.0)
            await console.wait(lambda: len(console.lines) >= 2, what="the event after the restart")
            await asyncio.sleep(0.2)
            # The replayed backlog was not printed twice.
            assert [_columns(ln)[0] for ln in console.lines] == ["call.started", "call.ended"]
        finally:
            await again.stop()
    finally:
        await console.close()
