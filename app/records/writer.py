"""Writes off the call path: a thread that owns the store's writes.

A turn is queued in microseconds and committed by the thread a few hundred
microseconds later (each on its own, so a crash loses no finished turn). Reads
first wait for what is queued, so a caller reading right after a call ends sees
everything that call wrote.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import structlog

from app.records.model import Decision, Turn
from app.records.store import RecordStore

log = structlog.get_logger(__name__)

_STOP = object()


class RecordWriter:
    def __init__(self, store: RecordStore) -> None:
        self.store = store
        self._queue: queue.Queue[Any] = queue.Queue()
        self.failures = 0
        self._pending_recordings: dict[str, str] = {}
        self._thread = threading.Thread(target=self._run, name="record-writer", daemon=True)
        self._thread.start()

    # -- writes (any thread, never blocking) ------------------------------------
    def record(self, d: Decision) -> None:
        self._queue.put((self._record, d))

    def add_turn(self, t: Turn) -> None:
        self._queue.put((self.store.add_turn, t))

    def set_recording(self, call_id: str, paths: str) -> None:
        """The recording may be saved before the call's decision is on record (a visitor who
        hangs up is recorded last): then it waits for that row."""
        self._queue.put((self._set_recording, call_id, paths))

    # Writer thread only.
    def _record(self, d: Decision) -> None:
        paths = self._pending_recordings.pop(d.call_id, None)
        self.store.record(replace(d, recording=paths) if paths and not d.recording else d)

    def _set_recording(self, call_id: str, paths: str) -> None:
        if not self.store.set_recording(call_id, paths):
            self._pending_recordings[call_id] = paths

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                op: Callable[..., None] = item[0]
                op(*item[1:])
            except Exception as exc:  # noqa: BLE001 - a failed write must not stop the writer
                self.failures += 1
                log.error("record_write_failed", error=repr(exc), store=self.store.where)
            finally:
                self._queue.task_done()

    def flush(self) -> None:
        """Until everything queued so far is written."""
        self._queue.join()

    # -- reads ---------------------------------------------------------------------
    def query(self, **filters: Any) -> list[Decision]:
        self.flush()
        return self.store.query(**filters)

    def turns(self, call_id: str) -> list[Turn]:
        self.flush()
        return self.store.turns(call_id)

    def close(self) -> None:
        self._queue.put(_STOP)
        self._thread.join(timeout=10)
        self.store.close()
