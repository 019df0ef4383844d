"""AudioSocket codec: every kind, any TCP split, and the errors that close a leg."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.media.audiosocket import (
    AUDIO_RATES,
    MAX_PAYLOAD,
    Decoder,
    Kind,
    Message,
    ProtocolError,
    encode,
    encode_audio,
    encode_dtmf,
    encode_uuid,
)

ALL_KINDS = list(Kind)


def test_header_is_kind_then_big_endian_length() -> None:
    assert encode(Kind.SLIN, b"\x01\x02") == b"\x10\x00\x02\x01\x02"
    assert encode(Kind.HANGUP) == b"\x00\x00\x00"


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda k: k.name)
def test_every_kind_round_trips(kind: Kind) -> None:
    payload = {
        Kind.UUID: uuid.uuid4().bytes,
        Kind.DTMF: b"5",
        Kind.HANGUP: b"",
        Kind.ERROR: b"\x01",
    }.get(kind, b"\x00\x01" * (AUDIO_RATES.get(kind, 8000) // 50))
    (msg,) = Decoder().feed(encode(kind, payload))
    assert msg == Message(kind, payload)


@pytest.mark.parametrize(
    "rate,kind,size", [(8000, 0x10, 320), (16000, 0x12, 640), (48000, 0x16, 1920)]
)
def test_audio_kind_matches_rate(rate: int, kind: int, size: int) -> None:
    wire = encode_audio(b"\x00" * size, rate)
    assert wire[0] == kind and int.from_bytes(wire[1:3], "big") == size
    (msg,) = Decoder().feed(wire)
    assert msg.is_audio and msg.sample_rate == rate


def test_uuid_and_dtmf_payloads_decode() -> None:
    u = uuid.uuid4()
    m1, m2 = Decoder().feed(encode_uuid(u) + encode_dtmf("#"))
    assert m1.uuid() == u
    assert m2.digit() == "#"


def test_bad_uuid_and_bad_digit_are_protocol_errors() -> None:
    with pytest.raises(ProtocolError):
        Message(Kind.UUID, b"short").uuid()
    with pytest.raises(ProtocolError):
        Message(Kind.DTMF, b"x").digit()


def test_byte_by_byte_reads_give_the_same_messages() -> None:
    wire = encode_uuid(uuid.uuid4()) + encode_audio(b"\x07" * 320, 8000) + encode_dtmf("1")
    whole = Decoder().feed(wire)
    dec = Decoder()
    pieces = [m for i in range(len(wire)) for m in dec.feed(wire[i : i + 1])]
    assert pieces == whole and len(whole) == 3 and dec.pending == 0


def test_merged_reads_give_all_messages() -> None:
    frames = [encode_audio(bytes([i]) * 320, 8000) for i in range(50)]
    msgs = Decoder().feed(b"".join(frames))
    assert [m.payload[0] for m in msgs] == list(range(50))


def test_partial_header_waits_for_more() -> None:
    dec = Decoder()
    assert dec.feed(b"\x10\x01") == []
    assert dec.pending == 2


def test_oversized_length_is_a_protocol_error_before_the_payload_arrives() -> None:
    dec = Decoder()
    with pytest.raises(ProtocolError, match="exceeds"):
        dec.feed(bytes([0x10]) + (MAX_PAYLOAD + 1).to_bytes(2, "big"))


def test_unknown_kind_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="unknown AudioSocket kind 0x42"):
        Decoder().feed(b"\x42\x00\x00")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(ALL_KINDS), st.binary(max_size=700)), max_size=20), st.data()
)
def test_any_split_of_valid_messages_decodes_identically(
    msgs: list[tuple[Kind, bytes]], data: st.DataObject
) -> None:
    wire = b"".join(encode(k, p) for k, p in msgs)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=10)))
    dec = Decoder()
    out: list[Message] = []
    prev = 0
    for c in cuts + [len(wire)]:
        out += dec.feed(wire[prev:c])
        prev = c
    assert out == [Message(k, p) for k, p in msgs]


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_crash_only_protocol_errors(blob: bytes) -> None:
    dec = Decoder()
    try:
        dec.feed(blob)
    except ProtocolError:
        return
    assert dec.pending <= 3 + MAX_PAYLOAD


def test_one_hundred_thousand_random_inputs_never_crash_or_grow_unbounded() -> None:
    """Plain random fuzzing beside hypothesis: 100 000 inputs, mixed valid and hostile,
    fed in random splits to long-lived decoders (as a leg would)."""
    import random

    rng = random.Random(20261127)
    kinds = [k.value for k in Kind]
    errors = 0
    dec = Decoder()
    for i in range(100_000):
        r = rng.random()
        if r < 0.5:  # a well-formed message
            n = rng.choice((0, 1, 16, 320, 640, rng.randrange(0, 2000)))
            blob = bytes([rng.choice(kinds)]) + n.to_bytes(2, "big") + rng.randbytes(n)
        elif r < 0.8:  # garbage
            blob = rng.randbytes(rng.randrange(0, 64))
        else:  # hostile: huge declared lengths, unknown kinds
            blob = bytes([rng.randrange(256)]) + rng.randrange(0, 65536).to_bytes(2, "big")
        cut = rng.randrange(0, len(blob) + 1)
        try:
            dec.feed(blob[:cut])
            dec.feed(blob[cut:])
        except ProtocolError:
            errors += 1
            dec = Decoder()  # the leg would be closed; a new connection starts clean
        assert dec.pending <= 3 + MAX_PAYLOAD, f"input {i}: decoder holds {dec.pending} bytes"
    assert errors > 1000  # the hostile share really was refused
