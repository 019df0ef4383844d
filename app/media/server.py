"""AudioSocket TCP servers: accept Asterisk's media connections and hand each
one to the session that asked for it.

A leg is expected before Asterisk connects: the app creates the externalMedia
channel with a UUID of its own as `data`, registers that UUID here, and awaits
the leg. The first message on a connection must be that UUID; a connection
with any other UUID, or with no UUID in time, is closed at once and never
touches another call.
"""

from __future__ import annotations

import asyncio
import socket
import uuid
from dataclasses import dataclass

import structlog

from app.media.audiosocket import Decoder, Kind, Message, ProtocolError
from app.media.leg import MediaLeg, Role
from app.media.pacer import Pacer
from app.metrics import AUDIOSOCKET_PROTOCOL_ERRORS

log = structlog.get_logger(__name__)

# Asterisk connects, then sends the UUID once the channel is dialed; a busy
# Asterisk can take seconds between the two. Past this, the socket is an intruder.
FIRST_MESSAGE_TIMEOUT = 10.0


@dataclass
class _Expected:
    role: Role
    sample_rate: int
    future: asyncio.Future[MediaLeg]


class LegRegistry:
    """UUIDs the app handed to Asterisk, waiting for their connection."""

    def __init__(self) -> None:
        self._expected: dict[uuid.UUID, _Expected] = {}
        self.refused = 0

    def expect(self, leg_id: uuid.UUID, role: Role, sample_rate: int) -> asyncio.Future[MediaLeg]:
        fut: asyncio.Future[MediaLeg] = asyncio.get_running_loop().create_future()
        self._expected[leg_id] = _Expected(role, sample_rate, fut)
        return fut

    def forget(self, leg_id: uuid.UUID) -> None:
        exp = self._expected.pop(leg_id, None)
        if exp is not None and not exp.future.done():
            exp.future.cancel()

    def claim(self, leg_id: uuid.UUID, role: Role) -> _Expected | None:
        exp = self._expected.get(leg_id)
        if exp is None or exp.role != role or exp.future.done():
            return None
        del self._expected[leg_id]
        return exp

    @property
    def pending(self) -> int:
        return len(self._expected)


class AudioSocketServer:
    def __init__(
        self, role: Role, host: str, port: int, registry: LegRegistry, pacer: Pacer
    ) -> None:
        self.role: Role = role
        self.host = host
        self.port = port
        self.registry = registry
        self.pacer = pacer
        self._server: asyncio.Server | None = None
        self.protocol_errors = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._on_connect, self.host, self.port, reuse_address=True
        )
        if self.port == 0:
            self.port = self._server.sockets[0].getsockname()[1]
        log.info("audiosocket_listening", role=self.role, host=self.host, port=self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        decoder = Decoder()
        try:
            leg_id, early = await asyncio.wait_for(
                self._read_uuid(reader, decoder), FIRST_MESSAGE_TIMEOUT
            )
        except (TimeoutError, ProtocolError, ConnectionError, asyncio.IncompleteReadError) as exc:
            self.protocol_errors += 1
            AUDIOSOCKET_PROTOCOL_ERRORS.labels(role=self.role).inc()
            log.warning(
                "audiosocket_refused",
                role=self.role,
                peer=str(peer),
                reason=str(exc) or type(exc).__name__,
            )
            writer.close()
            return
        exp = self.registry.claim(leg_id, self.role)
        if exp is None:
            self.registry.refused += 1
            AUDIOSOCKET_PROTOCOL_ERRORS.labels(role=self.role).inc()
            log.warning("audiosocket_unknown_uuid", role=self.role, peer=str(peer), leg=str(leg_id))
            writer.close()
            return
        leg = MediaLeg(leg_id, self.role, reader, writer, exp.sample_rate, self.pacer, decoder)
        leg.start(early)
        exp.future.set_result(leg)
        log.info("audiosocket_connected", role=self.role, leg=str(leg_id))

    async def _read_uuid(
        self, reader: asyncio.StreamReader, decoder: Decoder
    ) -> tuple[uuid.UUID, list[Message]]:
        while True:
            data = await reader.read(512)
            if not data:
                raise ConnectionError("closed before sending its UUID")
            msgs = decoder.feed(data)
            if msgs:
                first = msgs[0]
                if first.kind is not Kind.UUID:
                    raise ProtocolError(f"first message is {first.kind.name}, expected UUID")
                # Audio merged into the same read as the UUID belongs to the leg.
                return first.uuid(), msgs[1:]
