"""An HTTP port that reads requests and drops the first few without an answer, as a busy
Asterisk sometimes does (ARI retry policy and what follows an unanswered request)."""

from __future__ import annotations

import asyncio
import time


class Dropper:
    """An HTTP port that reads each request and closes without answering (as a busy
    Asterisk sometimes does with a kept-alive connection), `drop` times, then answers 204."""

    def __init__(self, drop: int) -> None:
        self.drop = drop
        self.requests: list[tuple[str, float]] = []
        self.paths: list[str] = []  # "METHOD /path", in order
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
            method, path = head.split(b" ", 2)[:2]
            self.requests.append((method.decode(), time.monotonic()))
            self.paths.append(f"{method.decode()} {path.decode().split('?')[0]}")
            if len(self.requests) <= self.drop:
                break  # closed with no response
            writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
            await writer.drain()
        writer.close()
