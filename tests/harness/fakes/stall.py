"""Ways a cloud backend stalls, applied to any scripted HTTP reply of the fakes.

Each mode defeats a different timeout. An HTTP client's own timeout is per
phase (connect, each read), so only a deadline over the whole call catches all
three:

- NO_ANSWER: the request is read, then nothing comes back, not even a status
  line (an overloaded server, a proxy holding the request).
- HEADERS_ONLY: "200 OK" and the headers (with the body's real length), then
  not one byte of the body (a server that starts answering, then hangs).
- TRICKLE: the headers, then the body one byte every `TRICKLE_EVERY_S`: every
  single read arrives in time, the whole body never does (a congested link, or a
  server sending keep-alive whitespace while a job runs). A JSON body is led by
  whitespace, which JSON allows, so the trickle outlasts any test's timeout.

The server side of every stall ends when the fake shuts down, so no test waits
for a client that already gave up.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
from collections.abc import AsyncIterator

from starlette.responses import Response, StreamingResponse

TRICKLE_EVERY_S = 0.05  # well under any read timeout the clients use (>= 0.3 s)
HOLD_S = 120.0  # longer than any test; the fake's shutdown ends it sooner
_JSON_LEAD = 4096  # bytes of leading whitespace: 200 s of trickle


class Stall(enum.Enum):
    NO_ANSWER = "no_answer"
    HEADERS_ONLY = "headers_only"
    TRICKLE = "trickle"


async def hold(closing: asyncio.Event | None, seconds: float) -> None:
    """Wait `seconds`, or less if the server is shutting down."""
    if closing is None:
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(closing.wait(), seconds)


async def stalled(reply: Response, stall: Stall, closing: asyncio.Event | None) -> Response:
    """`reply` as a server that stalls in the given way would send it."""
    if stall is Stall.NO_ANSWER:
        await hold(closing, HOLD_S)
        return reply
    body = bytes(reply.body)
    if stall is Stall.TRICKLE and reply.media_type == "application/json":
        body = b" " * _JSON_LEAD + body
    headers = {k: v for k, v in reply.headers.items() if k != "content-length"}
    headers["content-length"] = str(len(body))
    return StreamingResponse(
        _body(body, stall, closing),
        status_code=reply.status_code,
        headers=headers,
        media_type=reply.media_type,
    )


async def _body(body: bytes, stall: Stall, closing: asyncio.Event | None) -> AsyncIterator[bytes]:
    if stall is Stall.HEADERS_ONLY:
        await hold(closing, HOLD_S)
        yield body
        return
    for i in range(len(body)):
        if closing is None or closing.is_set():
            yield body[i:]  # shutting down: finish at once
            return
        yield body[i : i + 1]
        await hold(closing, TRICKLE_EVERY_S)
