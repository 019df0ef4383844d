"""A local WebSocket endpoint that stalls, for the Azure Speech SDK's `host=ws://...`.

Azure Speech cannot be reached from the test machines, and no fake of its
protocol is honest enough to stand for the service. What can be tested honestly
is the stall: the SDK connects here for real (TCP, HTTP upgrade, WebSocket
frames, as it would to a self-hosted Speech container), and this endpoint
stalls it in one of the ways of tests/harness/fakes/stall.py:

- NO_ANSWER: the upgrade request is read; no response, not even a status line.
- HEADERS_ONLY: a valid "101 Switching Protocols" (RFC 6455 accept key), then
  not one frame, whatever the SDK sends.
- TRICKLE: the 101, then one text frame announcing a long Speech message
  ("Path: turn.start"), its payload one byte every TRICKLE_EVERY_S: every byte
  comes in time, the message never completes.

    async with StallingWebSocket(Stall.HEADERS_ONLY) as ws:
        AzureTts(key="dummy", host=ws.host, timeout_s=0.5)
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import struct
from types import TracebackType
from typing import Self

from tests.harness.fakes.stall import HOLD_S, TRICKLE_EVERY_S, Stall, hold

_WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3
_TRICKLED_PAYLOAD = (
    b"Path: turn.start\r\nContent-Type: application/json; charset=utf-8\r\n"
    b"X-RequestId: 0123456789abcdef0123456789abcdef\r\n\r\n"
    + b'{"context": {"serviceTag": "'
    + b"x" * 8192
    + b'"}}'
)


def accept_key(key: bytes) -> bytes:
    return base64.b64encode(hashlib.sha1(key.strip() + _WS_GUID).digest())


def text_frame_header(length: int) -> bytes:
    """Server-to-client text frame (FIN, opcode 1, unmasked), its length in the
    shortest form, as RFC 6455 (5.2) requires: the SDK rejects any other."""
    if length < 126:
        return bytes([0x81, length])
    if length < 1 << 16:
        return b"\x81\x7e" + struct.pack(">H", length)
    return b"\x81\x7f" + struct.pack(">Q", length)


class StallingWebSocket:
    def __init__(self, stall: Stall) -> None:
        self.stall = stall
        self.port = 0
        self.connections = 0
        self.stalled = 0  # connections that reached the stall (the SDK did not give up before)
        self._server: asyncio.Server | None = None
        self._closing = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def host(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._closing.set()
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        try:
            await self._stall(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the SDK gave up and closed: what a stall ends with
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _stall(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        # Whatever the SDK sends from now on is read and dropped, so it never blocks on a full
        # buffer.
        drain = asyncio.create_task(self._discard(reader))
        try:
            if self.stall is Stall.NO_ANSWER:
                self.stalled += 1
                await hold(self._closing, HOLD_S)
                return
            key = next(
                (
                    line.split(b":", 1)[1]
                    for line in request.split(b"\r\n")
                    if line.lower().startswith(b"sec-websocket-key:")
                ),
                b"",
            )
            writer.write(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept_key(key) + b"\r\n\r\n"
            )
            await writer.drain()
            if self.stall is Stall.HEADERS_ONLY:
                self.stalled += 1
                await hold(self._closing, HOLD_S)
                return
            self.stalled += 1
            writer.write(text_frame_header(len(_TRICKLED_PAYLOAD)))
            for byte in _TRICKLED_PAYLOAD:
                if self._closing.is_set() or drain.done():
                    return
                writer.write(bytes([byte]))
                await writer.drain()
                await hold(self._closing, TRICKLE_EVERY_S)
        finally:
            drain.cancel()

    @staticmethod
    async def _discard(reader: asyncio.StreamReader) -> None:
        while await reader.read(65536):
            pass
