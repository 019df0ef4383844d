"""The embedded record store: one SQLite file in WAL mode, readable by `portaria audit`
while the app writes it."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from app.records.sql import SqlStore


class SqliteStore(SqlStore):
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists()
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        if new:
            os.chmod(self.path, 0o600)  # names and phone numbers: the service user's only
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash keeps every committed turn
        super().__init__(conn, str(self.path))

    def _commit(self) -> None:
        pass  # autocommit (isolation_level=None): each statement is its own transaction

    def _columns(self, table: str) -> set[str]:
        return {str(r[1]) for r in self._conn.execute(f"PRAGMA table_info({table})")}
