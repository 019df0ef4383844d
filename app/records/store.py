"""The record store's interface, and the one place that picks SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from app.records.model import Decision, Turn


class RecordStore(Protocol):
    where: str  # for messages: a file path or a URL without its password

    def record(self, d: Decision) -> None: ...

    def add_turn(self, t: Turn) -> None: ...

    def set_recording(self, call_id: str, paths: str) -> bool: ...

    def query(
        self,
        *,
        since: float | None = None,
        until: float | None = None,
        condominium: str | None = None,
        apartment: str | None = None,
        caller: str | None = None,
        call_id: str | None = None,
        limit: int = 1000,
    ) -> list[Decision]: ...

    def turns(self, call_id: str) -> list[Turn]: ...

    def expire_recordings(self, before: float, condominium: str) -> list[str]: ...

    def purge(self, before: float) -> tuple[int, list[str]]: ...

    def erase(
        self, *, caller: str | None = None, call_id: str | None = None
    ) -> tuple[int, list[str]]: ...

    def close(self) -> None: ...


def open_store(url: str | None, path: Path) -> RecordStore:
    """PostgreSQL when `url` is set (postgresql://user@host/db), else the SQLite file `path`."""
    if url:
        from app.records.postgres import PostgresStore  # deferred: psycopg only when asked for

        return PostgresStore(url)
    from app.records.sqlite import SqliteStore

    return SqliteStore(path)
