"""What is left once a call ends: its ARI objects deleted, its recordings written.

Deletes go out once each, in parallel; retrying a DELETE that did not get
through is the ARI client's policy (app/ari/client.py), not repeated here.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import numpy as np
import structlog

from app.ari import AriClient, AriError
from app.calls.media import CHANNEL_PREFIX
from app.dialog.ports import Role
from app.dialog.session import Session
from app.media.leg import MediaLeg
from app.records import RecordWriter
from app.records.recordings import day_folder, write_flac

log = structlog.get_logger(__name__)


async def delete_ari_objects(ari: AriClient, s: Session, hang_up_parties: bool) -> None:
    """Exactly the channels and bridges this call created (and, if asked, its parties)."""
    channels = (
        list(s.channel_ids)
        if hang_up_parties
        else [c for c in s.channel_ids if c.startswith(CHANNEL_PREFIX)]
    )
    ops = [ari.hangup(c) for c in channels] + [ari.destroy_bridge(b) for b in s.bridge_ids]
    for r in await asyncio.gather(*ops, return_exceptions=True):
        if isinstance(r, AriError):
            log.warning("teardown_ari_error", error=str(r))
        elif isinstance(r, BaseException) and not isinstance(r, asyncio.CancelledError):
            log.warning("teardown_error", error=repr(r))


async def save_recordings(
    mode: str,
    root: Path | None,
    records: RecordWriter | None,
    call_id: str,
    deciding_answer: tuple[bytes, int] | None,
    legs: dict[Role, MediaLeg],
) -> None:
    if mode == "none" or root is None or records is None:
        return
    folder = day_folder(root)
    jobs: list[tuple[str, list[Any], int]] = []
    if mode == "decision" and deciding_answer is not None:
        pcm, rate = deciding_answer
        jobs.append(
            (f"{call_id}-decision", [np.frombuffer(pcm, dtype="<i2").astype(np.int16)], rate)
        )
    elif mode == "call":
        # Stereo per party: left what they said, right what they heard from us.
        jobs += [
            (f"{call_id}-{role}", leg.recorder.tracks(), leg.sample_rate)
            for role, leg in legs.items()
            if leg.recorder is not None
        ]
    try:
        paths = [
            str(await asyncio.to_thread(write_flac, folder, name, tracks, rate))
            for name, tracks, rate in jobs
        ]
    except (OSError, RuntimeError) as exc:
        log.error("recording_not_saved", error=repr(exc))
        return
    if paths:
        records.set_recording(call_id, ",".join(paths))
