"""`portaria console`: follow a running app's calls live, one readable line per event.

It is a client of the app's `/api/events` WebSocket (app.api.live), so it works
against any running instance the token opens, and never touches the app's
process. Filters run on the server (?call_id= prefix, ?condominium=, ?kind=).
When the app restarts or the connection drops it reconnects with backoff; the
backlog the server replays on each connection is skipped up to the last event
already printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime, tzinfo
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import websockets
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from app.api.auth import TOKEN_ENV
from app.api.live import CLOSE_TOKEN_NOT_SET, CLOSE_UNAUTHORIZED
from app.config import ApiSettings, load_config

KIND_WIDTH = 15  # "resident.called"
RESET, DIM, BOLD = "\x1b[0m", "\x1b[2m", "\x1b[1m"
KIND_COLORS = {
    "ari": "\x1b[90m",
    "state": "\x1b[36m",
    "call.started": "\x1b[1;32m",
    "resident.called": "\x1b[35m",
    "call.ended": "\x1b[1;34m",
    "lagged": "\x1b[1;33m",
}
GREEN, RED, YELLOW = "\x1b[1;32m", "\x1b[1;31m", "\x1b[1;33m"
# C0/C1 controls and DEL: a caller-ID name is attacker-controlled and must not drive the terminal.
_CONTROLS = {c: "?" for c in (*range(0x20), *range(0x7F, 0xA0))}


class ConsoleAuthError(Exception):
    """The app refused the token, or has none configured: retrying cannot help."""


def _clean(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = ",".join(str(v) for v in value)
    return str(value).translate(_CONTROLS)


def _details(kind: str, d: Mapping[str, Any]) -> str:
    if kind == "ari":
        parts = [
            f"{_clean(d.get('type') or '?'):<20}",
            _clean(d.get("name") or d.get("channel") or "-"),
        ]
        parts += [
            f"{k}={_clean(d[k])}"
            for k in ("args", "digit", "cause")
            if d.get(k) not in (None, "", [])
        ]
        return " ".join(parts)
    if kind == "state":
        change = f"{_clean(d.get('old'))} → {_clean(d.get('new'))}"
        return change if d.get("field") == "state" else f"{_clean(d.get('field'))} {change}"
    if kind == "decision":
        line = (
            f"{_clean(d.get('outcome'))} gate={'open' if d.get('gate_opened') else 'shut'} "
            f"ap {_clean(d.get('apartment') or '-')}"
        )
        return line + (f" resident={_clean(d['resident'])}" if d.get("resident") else "")
    if kind == "call.started":
        return f"caller={_clean(d.get('caller') or '-')} channel={_clean(d.get('channel') or '-')}"
    if kind == "resident.called":
        return f"{_clean(d.get('endpoint') or '-')} channel={_clean(d.get('channel') or '-')}"
    if kind == "call.ended":
        return f"{_clean(d.get('reason') or '-')} ({_clean(d.get('duration_s', '?'))} s)"
    if kind == "lagged":
        return f"{_clean(d.get('dropped'))} event(s) dropped: this console fell behind"
    return " ".join(f"{_clean(k)}={_clean(v)}" for k, v in d.items())


def _kind_color(kind: str, d: Mapping[str, Any]) -> str:
    if kind == "decision":
        return GREEN if d.get("gate_opened") else RED if d.get("outcome") == "denied" else YELLOW
    return KIND_COLORS.get(kind, BOLD)


def format_event(ev: Mapping[str, Any], *, color: bool = False, tz: tzinfo | None = None) -> str:
    """One line: time, kind, short call id, condominium, what happened. Pure: no I/O, no clock.

    `tz` None means local time (what an operator's wall clock shows)."""
    try:
        when = datetime.fromtimestamp(float(ev.get("ts") or 0), tz)
    except (TypeError, ValueError, OverflowError, OSError):
        when = datetime.fromtimestamp(0, tz)
    clock = when.strftime("%H:%M:%S.") + f"{when.microsecond // 1000:03d}"
    kind = _clean(ev.get("kind") or "?")
    raw = ev.get("data")
    data: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    call = _clean(ev.get("call_id") or "-")[:8]
    condo = _clean(ev.get("condominium") or "-")
    details = _details(kind, data)
    if not color:
        return f"{clock} {kind:<{KIND_WIDTH}} {call:<8} {condo:<8} {details}"
    body = f"{DIM}{details}{RESET}" if kind == "ari" else details
    return (
        f"{DIM}{clock}{RESET} {_kind_color(kind, data)}{kind:<{KIND_WIDTH}}{RESET} "
        f"{BOLD}{call:<8}{RESET} {condo:<8} {body}"
    )


def events_url(
    base: str,
    *,
    call: str | None = None,
    condominium: str | None = None,
    kinds: list[str] | None = None,
) -> str:
    """ws(s)://host:port/api/events?filters from an http(s):// or ws(s):// base URL."""
    parts = urlsplit(base if "://" in base else f"ws://{base}")
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    path = parts.path.rstrip("/")
    path = (
        path if path.endswith("/api/events") else path + "/api/events"
    )  # also behind a path prefix
    query = {
        k: v
        for k, v in (
            ("call_id", call),
            ("condominium", condominium),
            ("kind", ",".join(kinds or [])),
        )
        if v
    }
    return urlunsplit((scheme, parts.netloc, path, urlencode(query), ""))


def _closed_for_auth(code: int | None, reason: str) -> None:
    if code == CLOSE_UNAUTHORIZED:
        raise ConsoleAuthError(
            f"the app refused the token ({reason or 'wrong token'}): check {TOKEN_ENV}"
        )
    if code == CLOSE_TOKEN_NOT_SET:
        raise ConsoleAuthError(
            f"the app has no API token configured ({TOKEN_ENV} unset where it runs)"
        )


async def stream_events(
    url: str,
    token: str,
    *,
    reconnect: bool = True,
    max_backoff: float = 5.0,
    on_status: Callable[[str], None] = lambda _: None,
) -> AsyncIterator[dict[str, Any]]:
    """Events from the app as dicts, across reconnections.

    Raises ConsoleAuthError on a refused token."""
    last_ts, backoff, was_up = 0.0, 0.5, False
    while True:
        resume_after = last_ts  # the server replays its recent events on every connection
        try:
            async with websockets.connect(
                url,
                additional_headers={"Authorization": f"Bearer {token}"},
                open_timeout=5,
                ping_interval=10,
                ping_timeout=10,
                max_size=2**22,
            ) as ws:
                on_status(f"connected to {url}")
                was_up, backoff = True, 0.5
                async for raw in ws:
                    try:
                        ev = json.loads(raw)
                        ts = float(ev.get("ts") or 0)
                    except (ValueError, TypeError, AttributeError):
                        continue
                    if ts <= resume_after and ev.get("kind") != "lagged":
                        continue
                    last_ts = max(last_ts, ts)
                    yield ev
            _closed_for_auth(ws.close_code, ws.close_reason or "")
            problem = f"the app closed the stream (code {ws.close_code})"
        except ConnectionClosed as exc:
            _closed_for_auth(
                exc.rcvd.code if exc.rcvd else None, exc.rcvd.reason if exc.rcvd else ""
            )
            problem = f"connection lost ({exc})"
        except InvalidURI:
            raise
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            problem = f"cannot connect to {url}: {type(exc).__name__}: {exc}"
        if not reconnect:
            return
        if was_up or backoff == 0.5:  # say it once per outage, not on every retry
            on_status(f"{problem}; reconnecting")
            was_up = False
        await asyncio.sleep(backoff)
        backoff = min(backoff * 2, max_backoff)


async def stream_lines(
    url: str, token: str, *, color: bool = False, **kw: Any
) -> AsyncIterator[str]:
    async for ev in stream_events(url, token, **kw):
        yield format_event(ev, color=color)


async def run(
    url: str, token: str, *, color: bool, out: IO[str] = sys.stdout, err: IO[str] = sys.stderr
) -> int:
    """Print lines until Ctrl-C / SIGTERM (exit 0) or a refused token (exit 2)."""

    def status(msg: str) -> None:
        print(f"{DIM}{msg}{RESET}" if color else msg, file=err, flush=True)

    async def follow() -> None:
        async for line in stream_lines(url, token, color=color, on_status=status):
            out.write(line + "\n")
            out.flush()

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    task, stopper = asyncio.ensure_future(follow()), asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        for t in (task, stopper):
            t.cancel()
        await asyncio.gather(task, stopper, return_exceptions=True)
    exc = None if task.cancelled() or not task.done() else task.exception()
    if isinstance(exc, ConsoleAuthError | InvalidURI):
        print(f"portaria console: {exc}", file=err)
        return 2
    if exc is not None and not isinstance(
        exc, BrokenPipeError
    ):  # `| head` closing the pipe is fine
        raise exc
    return 0


def main(args: argparse.Namespace) -> int:
    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        print(f"portaria console: set {TOKEN_ENV} to the running app's API token", file=sys.stderr)
        return 2
    base = args.url
    if base is None:
        api = load_config(args.config).api if Path(args.config).exists() else ApiSettings()
        host = "127.0.0.1" if api.host in ("0.0.0.0", "::", "") else api.host
        base = f"ws://{f'[{host}]' if ':' in host else host}:{api.port}"
    kinds = [k.strip() for v in (args.kind or []) for k in v.split(",") if k.strip()]
    url = events_url(base, call=args.call, condominium=args.condominium, kinds=kinds)
    color = args.color == "always" or (
        args.color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(run(url, token, color=color))
    return 0
