"""AudioSocket wire format: incremental decoder and encoder.

A message is 1 byte kind, 2 bytes big-endian payload length, then the payload
(include/asterisk/res_audiosocket.h). TCP delivers arbitrary chunks, so the
decoder accepts any split or merge of messages and keeps what it cannot parse
yet. Anything the header file does not define, or a length no sane frame has,
is a protocol error for that connection only.
"""

from __future__ import annotations

import enum
import struct
import uuid
from dataclasses import dataclass

HEADER = struct.Struct(">BH")

# 20 ms at 192 kHz is 7680 bytes: the largest audio frame Asterisk sends. A
# length beyond a few of those is a broken or hostile peer, not audio.
MAX_PAYLOAD = 8192


class Kind(enum.IntEnum):
    HANGUP = 0x00
    UUID = 0x01
    DTMF = 0x03
    SLIN = 0x10
    SLIN12 = 0x11
    SLIN16 = 0x12
    SLIN24 = 0x13
    SLIN32 = 0x14
    SLIN44 = 0x15
    SLIN48 = 0x16
    SLIN96 = 0x17
    SLIN192 = 0x18
    ERROR = 0xFF


AUDIO_RATES: dict[Kind, int] = {
    Kind.SLIN: 8000,
    Kind.SLIN12: 12000,
    Kind.SLIN16: 16000,
    Kind.SLIN24: 24000,
    Kind.SLIN32: 32000,
    Kind.SLIN44: 44100,
    Kind.SLIN48: 48000,
    Kind.SLIN96: 96000,
    Kind.SLIN192: 192000,
}
RATE_KINDS: dict[int, Kind] = {rate: kind for kind, rate in AUDIO_RATES.items()}


class ProtocolError(Exception):
    """The peer sent bytes that are not AudioSocket; the connection must close."""


@dataclass(frozen=True, slots=True)
class Message:
    kind: Kind
    payload: bytes

    @property
    def is_audio(self) -> bool:
        return self.kind in AUDIO_RATES

    @property
    def sample_rate(self) -> int:
        return AUDIO_RATES[self.kind]

    def uuid(self) -> uuid.UUID:
        if self.kind is not Kind.UUID or len(self.payload) != 16:
            raise ProtocolError(
                f"not a 16-byte UUID message: kind={self.kind.name} len={len(self.payload)}"
            )
        return uuid.UUID(bytes=self.payload)

    def digit(self) -> str:
        if self.kind is not Kind.DTMF or len(self.payload) != 1:
            raise ProtocolError(
                f"not a 1-byte DTMF message: kind={self.kind.name} len={len(self.payload)}"
            )
        d = self.payload.decode("ascii", errors="replace")
        if d not in "0123456789*#ABCD":
            raise ProtocolError(f"DTMF digit {self.payload!r} is not a keypad digit")
        return d


_KINDS = {k.value: k for k in Kind}


class Decoder:
    """Turns a byte stream into messages; keeps partial messages between feeds."""

    __slots__ = ("_buf", "max_payload")

    def __init__(self, max_payload: int = MAX_PAYLOAD) -> None:
        self._buf = bytearray()
        self.max_payload = max_payload

    @property
    def pending(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes) -> list[Message]:
        buf = self._buf
        buf += data
        out: list[Message] = []
        pos = 0
        n = len(buf)
        while n - pos >= 3:
            kind_byte, length = HEADER.unpack_from(buf, pos)
            kind = _KINDS.get(kind_byte)
            if kind is None:
                raise ProtocolError(f"unknown AudioSocket kind 0x{kind_byte:02x}")
            if length > self.max_payload:
                raise ProtocolError(
                    f"AudioSocket payload of {length} bytes "
                    f"exceeds the {self.max_payload}-byte limit"
                )
            end = pos + 3 + length
            if end > n:
                break
            out.append(Message(kind, bytes(buf[pos + 3 : end])))
            pos = end
        if pos:
            del buf[:pos]
        return out


def encode(kind: Kind, payload: bytes = b"") -> bytes:
    if len(payload) > 0xFFFF:
        raise ValueError(f"payload of {len(payload)} bytes does not fit a 16-bit length")
    return HEADER.pack(kind, len(payload)) + payload


def encode_audio(pcm: bytes, sample_rate: int) -> bytes:
    return encode(RATE_KINDS[sample_rate], pcm)


def encode_uuid(value: uuid.UUID) -> bytes:
    return encode(Kind.UUID, value.bytes)


def encode_dtmf(digit: str) -> bytes:
    return encode(Kind.DTMF, digit.encode("ascii"))
