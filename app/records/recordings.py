"""Call recordings on disk: FLAC (lossless, about half the size of WAV), readable by the
service user only, named by call, deleted by retention, purge and erasure."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

DAY = 86400.0


def write_flac(
    folder: Path, name: str, tracks: list[np.ndarray[Any, np.dtype[np.int16]]], rate: int
) -> Path:
    """One file of `tracks` as channels (equal lengths are padded with silence)."""
    # Deferred: numpy and libsndfile only when a condominium records (`portaria audit`
    # deletes recordings through this module and needs neither).
    import numpy as np
    import soundfile

    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    length = max((t.size for t in tracks), default=0)
    data = np.zeros((length, len(tracks)), dtype=np.int16)
    for i, t in enumerate(tracks):
        data[: t.size, i] = t
    path = folder / f"{name}.flac"
    # Created 0600 before any byte of a voice is in it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        soundfile.write(f, data, rate, format="FLAC", subtype="PCM_16")
    return path


def day_folder(root: Path, ts: float | None = None) -> Path:
    return root / time.strftime("%Y-%m-%d", time.gmtime(ts if ts is not None else time.time()))


def delete_files(paths: list[str]) -> int:
    removed = 0
    for p in paths:
        try:
            Path(p).unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed
