"""A media leg: one AudioSocket connection carrying one call party's audio.

Inbound, it decodes the stream and queues audio frames and DTMF digits for the
pipeline. Outbound, the shared Pacer asks it for one frame every 20 ms; the leg
answers with the next slice of whatever is playing, or silence, from the moment
it connects (Asterisk drops an AudioSocket that stays quiet; DESIGN.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import structlog

from app.media.audiosocket import Decoder, Kind, Message, ProtocolError, encode_audio
from app.media.pacer import Pacer
from app.media.recorder import LegRecorder
from app.metrics import AUDIOSOCKET_PROTOCOL_ERRORS

log = structlog.get_logger(__name__)

Role = Literal["visitor", "resident"]

# Bytes queued in the kernel/transport beyond this mean the peer stopped
# reading; keep ~1 s of audio at most rather than growing without bound.
MAX_WRITE_BACKLOG = 64 * 1024
INBOUND_QUEUE_FRAMES = 500  # 10 s of 20 ms frames


@dataclass
class Playback:
    """One prompt being played; `done` resolves True when fully played, False if stopped."""

    pcm: bytes
    label: str
    pos: int = 0
    done: asyncio.Future[bool] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    first_frame_at: float | None = None


class MediaLeg:
    def __init__(
        self,
        leg_id: uuid.UUID,
        role: Role,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        sample_rate: int,
        pacer: Pacer,
        decoder: Decoder | None = None,
    ) -> None:
        self.id = leg_id
        self.role: Role = role
        self.sample_rate = sample_rate
        self.frame_bytes = sample_rate // 50 * 2
        self._silence = encode_audio(b"\x00" * self.frame_bytes, sample_rate)
        self._reader = reader
        self._writer = writer
        self._pacer = pacer
        self._decoder = decoder or Decoder()
        self._queue: deque[Playback] = deque()
        self.inbound: asyncio.Queue[Message] = asyncio.Queue(maxsize=INBOUND_QUEUE_FRAMES)
        self.closed = asyncio.Event()
        self.close_reason = ""
        self.frames_sent = 0
        self.frames_received = 0
        self.inbound_dropped = 0
        self.connected_at = time.monotonic()
        self.first_audio_at: float | None = None  # loop time of the first inbound audio frame
        self._reader_task: asyncio.Task[None] | None = None
        # A consumer may take messages synchronously instead of through `inbound`
        # (the listener does: no task or timer per frame), and be ticked by the
        # shared 20 ms clock, which keeps running while the caller sends nothing.
        self.on_message: Callable[[Message, float], None] | None = None
        self.on_tick: Callable[[float], None] | None = None
        self.closed_task: asyncio.Task[None] | None = None  # watcher held by the call
        self.recorder: LegRecorder | None = None  # set when the condominium records whole calls

    # -- lifecycle ---------------------------------------------------------
    def start(self, early: list[Message] | None = None) -> None:
        self._pacer.add(self)
        self._reader_task = asyncio.get_running_loop().create_task(self._read_loop(early or []))

    async def wait_closed(self) -> None:
        await self.closed.wait()

    def close(self, reason: str) -> None:
        if self.closed.is_set():
            return
        self.close_reason = reason
        self._pacer.discard(self)
        self.stop_playback()
        with contextlib.suppress(Exception):
            self._writer.close()
        if self._reader_task is not None and self._reader_task is not asyncio.current_task():
            self._reader_task.cancel()
        self.closed.set()
        log.info(
            "media_leg_closed",
            leg=str(self.id),
            role=self.role,
            reason=reason,
            frames_sent=self.frames_sent,
            frames_received=self.frames_received,
        )

    # -- outbound ----------------------------------------------------------
    @property
    def playing(self) -> bool:
        return bool(self._queue)

    def play(self, pcm: bytes, label: str = "") -> Playback:
        """Queue audio after whatever is playing; await `.done` to know when it ended."""
        pb = Playback(pcm=pcm, label=label)
        if self.closed.is_set():
            pb.done.set_result(False)
        else:
            self._queue.append(pb)
        return pb

    async def wait_idle(self) -> None:
        """Until everything queued has played (or was stopped)."""
        while self._queue:
            await asyncio.shield(self._queue[-1].done)

    def stop_playback(self) -> None:
        """Barge-in and hang-up: drop everything queued, effective from the next frame."""
        while self._queue:
            pb = self._queue.popleft()
            if not pb.done.done():
                pb.done.set_result(False)

    def send_frame(self) -> None:
        if self._writer.transport.is_closing():
            self.close("transport closed")
            return
        if self._writer.transport.get_write_buffer_size() > MAX_WRITE_BACKLOG:
            self.close("peer not reading (write backlog)")
            return
        frame = self._next_frame()
        self._writer.write(frame)
        self.frames_sent += 1
        if self.on_tick is not None:
            self.on_tick(time.monotonic())

    def _next_frame(self) -> bytes:
        n = self.frame_bytes
        while self._queue:
            pb = self._queue[0]
            if pb.pos < len(pb.pcm):
                chunk = pb.pcm[pb.pos : pb.pos + n]
                if pb.first_frame_at is None:
                    pb.first_frame_at = time.monotonic()
                pb.pos += n
                if len(chunk) < n:
                    chunk += b"\x00" * (n - len(chunk))
                if self.recorder is not None:
                    self.recorder.outbound(chunk, time.monotonic())
                return encode_audio(chunk, self.sample_rate)
            self._queue.popleft()
            if not pb.done.done():
                pb.done.set_result(True)
        return self._silence

    # -- inbound -----------------------------------------------------------
    async def _read_loop(self, early: list[Message]) -> None:
        reason = "peer closed"
        try:
            for msg in early:
                if not self._accept(msg):
                    reason = "peer sent hangup"
                    return
            while True:
                data = await self._reader.read(4096)
                if not data:
                    break
                for msg in self._decoder.feed(data):
                    if not self._accept(msg):
                        reason = (
                            "peer sent hangup"
                            if msg.kind is Kind.HANGUP
                            else f"peer error {msg.payload!r}"
                        )
                        return
        except ProtocolError as exc:
            reason = f"protocol error: {exc}"
            AUDIOSOCKET_PROTOCOL_ERRORS.labels(role=self.role).inc()
            log.warning(
                "audiosocket_protocol_error", leg=str(self.id), role=self.role, error=str(exc)
            )
        except (ConnectionError, OSError) as exc:
            reason = f"connection error: {exc}"
        except asyncio.CancelledError:
            reason = "cancelled"
            raise
        finally:
            self.close(reason)

    def _accept(self, msg: Message) -> bool:
        if msg.kind in (Kind.HANGUP, Kind.ERROR):
            return False
        if msg.kind is Kind.UUID:
            return True  # a repeated id is harmless
        if msg.is_audio:
            if msg.sample_rate != self.sample_rate or len(msg.payload) % 2:
                raise ProtocolError(
                    f"audio kind {msg.kind.name} ({len(msg.payload)} bytes) "
                    f"on a {self.sample_rate} Hz leg"
                )
            self.frames_received += 1
            if self.recorder is not None:
                self.recorder.inbound(msg.payload, time.monotonic())
            if self.first_audio_at is None:
                self.first_audio_at = asyncio.get_running_loop().time()
        else:
            msg.digit()  # validates
        if self.on_message is not None:
            self.on_message(msg, time.monotonic())
            return True
        if self.inbound.full():
            # The pipeline fell behind: keep the newest audio, count the loss.
            self.inbound.get_nowait()
            self.inbound_dropped += 1
        self.inbound.put_nowait(msg)
        return True
