"""The ARI client's one retry policy, against a real socket that drops requests:
an idempotent request is sent at most three times, with pauses; a POST once."""

from __future__ import annotations

import asyncio
import time

import pytest

from app.ari import AriClient, AriUnavailable


class Dropper:
    """An HTTP port that reads each request and closes without answering (as a busy
    Asterisk sometimes does with a kept-alive connection), `drop` times, then answers 204."""

    def __init__(self, drop: int) -> None:
        self.drop = drop
        self.requests: list[tuple[str, float]] = []
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n") if not reader.at_eof() else b""
            if not head:
                break
            self.requests.append((head.split(b" ", 1)[0].decode(), time.monotonic()))
            if len(self.requests) <= self.drop:
                break  # closed with no response
            writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
            await writer.drain()
        writer.close()


async def _client(d: Dropper) -> AriClient:
    await d.start()
    return AriClient(f"http://127.0.0.1:{d.port}", "u", "p", "portaria-tests", timeout=2)


async def test_delete_is_tried_three_times_with_pauses_then_fails() -> None:
    d = Dropper(drop=99)
    ari = await _client(d)
    with pytest.raises(AriUnavailable):
        await ari.hangup("some-channel")
    assert [m for m, _ in d.requests] == ["DELETE"] * 3
    gaps = [b - a for (_, a), (_, b) in zip(d.requests, d.requests[1:], strict=False)]
    assert all(g >= 0.09 for g in gaps), gaps  # a pause, not a burst
    await ari.aclose()
    await d.stop()


async def test_delete_dropped_once_gets_through_on_the_second_try() -> None:
    d = Dropper(drop=1)
    ari = await _client(d)
    await ari.destroy_bridge("some-bridge")
    assert [m for m, _ in d.requests] == ["DELETE", "DELETE"]
    await ari.aclose()
    await d.stop()


async def test_post_is_never_sent_twice() -> None:
    d = Dropper(drop=99)
    ari = await _client(d)
    with pytest.raises(AriUnavailable):
        await ari.answer("some-channel")
    assert [m for m, _ in d.requests] == ["POST"]
    await ari.aclose()
    await d.stop()
