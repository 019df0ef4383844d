"""The ARI client's one retry policy, against a real socket that drops requests:
an idempotent request is sent at most three times, with pauses; a POST once."""

from __future__ import annotations

import pytest

from app.ari import AriClient, AriUnavailable
from tests.harness.dropper import Dropper


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
