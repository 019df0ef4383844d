"""Both directions of one media leg, kept in time for a call recording.

Outbound audio is one frame per pacer tick, so it lands at its tick; inbound
frames land where the call's clock says they arrived (a caller with silence
suppression sends nothing for a while: that stays silence, not a gap closed up).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

MAX_SECONDS = 15 * 60  # a recording longer than any gate call is cut, not grown without bound


class LegRecorder:
    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self._t0 = time.monotonic()
        self._limit = MAX_SECONDS * sample_rate * 2
        self._caller = bytearray()
        self._ours = bytearray()

    def _put(self, track: bytearray, at: int, pcm: bytes) -> None:
        at -= at % 2
        if at + len(pcm) > self._limit:
            return
        if len(track) < at:
            track.extend(b"\x00" * (at - len(track)))
        track[at : at + len(pcm)] = pcm

    def _at(self, track: bytearray, pcm: bytes, now: float) -> int:
        # A frame ends when it arrives (or is sent); frames bunched together by the
        # network follow each other rather than overwrite.
        end = int((now - self._t0) * self.sample_rate) * 2
        return max(end - len(pcm), len(track))

    def inbound(self, pcm: bytes, now: float) -> None:
        self._put(self._caller, self._at(self._caller, pcm, now), pcm)

    def outbound(self, pcm: bytes, now: float) -> None:
        self._put(self._ours, self._at(self._ours, pcm, now), pcm)

    def tracks(self) -> list[np.ndarray[Any, np.dtype[np.int16]]]:
        """[what the caller said, what they heard from us]"""
        return [
            np.frombuffer(bytes(self._caller), dtype="<i2").astype(np.int16),
            np.frombuffer(bytes(self._ours), dtype="<i2").astype(np.int16),
        ]
