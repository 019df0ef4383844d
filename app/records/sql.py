"""The record store on any DB-API database: SQLite (embedded) or PostgreSQL (fleets).

One class does the work; a dialect says how to connect, what a placeholder and
an auto-increment key look like, and which columns a table has. Calls into it
are serialized by a lock: the writer thread writes, the API and CLI read.
"""

from __future__ import annotations

import json
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import asdict, fields
from typing import Any

from app.records.model import Decision, Turn
from app.records.schema import DECISION_COLUMNS, MIGRATIONS, TURN_COLUMNS

_DECISION_FIELDS = [f.name for f in fields(Decision)]


class SqlStore(ABC):
    placeholder = "?"
    id_type = "INTEGER PRIMARY KEY AUTOINCREMENT"

    def __init__(self, conn: Any, where: str) -> None:
        self.where = where  # file path or database URL without the password, for messages
        self._conn = conn
        self._lock = threading.Lock()
        with self._lock:
            self._migrate()

    # -- dialect ---------------------------------------------------------------
    @abstractmethod
    def _columns(self, table: str) -> set[str]: ...

    def _sql(self, statement: str) -> str:
        return statement.replace("{id}", self.id_type).replace("?", self.placeholder)

    def _exec(self, statement: str, args: tuple[Any, ...] = ()) -> Any:
        cur = self._conn.cursor()
        cur.execute(self._sql(statement), args)
        return cur

    def _commit(self) -> None:
        self._conn.commit()

    # -- schema ----------------------------------------------------------------
    def _version(self) -> int:
        self._exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = self._exec("SELECT MAX(version) FROM schema_version").fetchone()
        if row and row[0] is not None:
            return int(row[0])
        # Stores written before versions were kept: tell them by their columns.
        have = self._columns("decisions")
        return 0 if not have else 2 if "caller" in have else 1

    def _migrate(self) -> None:
        start = self._version()
        for number, statements in enumerate(MIGRATIONS[start:], start + 1):
            for statement in statements:
                self._exec(statement)
            self._exec("INSERT INTO schema_version (version) VALUES (?)", (number,))
            self._commit()

    # -- writes ------------------------------------------------------------------
    def record(self, d: Decision) -> None:
        row = asdict(d)
        row["ts"] = d.ts or time.time()
        row["gate_opened"] = int(d.gate_opened)
        values = tuple(row[c] for c in DECISION_COLUMNS)
        with self._lock:
            self._exec(
                f"INSERT INTO decisions ({', '.join(DECISION_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(values))})",
                values,
            )
            self._commit()

    def add_turn(self, t: Turn) -> None:
        values = (
            t.call_id,
            t.seq,
            t.ts,
            t.speaker,
            t.kind,
            t.text,
            t.party,
            t.confidence,
            t.source,
            json.dumps(t.timings) if t.timings else None,
        )
        with self._lock:
            self._exec(
                f"INSERT INTO turns ({', '.join(TURN_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(values))})",
                values,
            )
            self._commit()

    def set_recording(self, call_id: str, paths: str) -> bool:
        """False when the call has no decision row yet."""
        with self._lock:
            cur = self._exec(
                "UPDATE decisions SET recording = ? WHERE call_id = ?", (paths, call_id)
            )
            self._commit()
            return bool(cur.rowcount)

    # -- reads -------------------------------------------------------------------
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
    ) -> list[Decision]:
        where, args = [], []
        for clause, value in (
            ("ts >= ?", since),
            ("ts < ?", until),
            ("condominium = ?", condominium),
            ("apartment = ?", apartment),
            ("caller = ?", caller),
            ("call_id = ?", call_id),
        ):
            if value is not None:
                where.append(clause)
                args.append(value)
        sql = f"SELECT {', '.join(DECISION_COLUMNS)} FROM decisions"
        sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY ts DESC LIMIT ?"
        with self._lock:
            rows = self._exec(sql, (*args, limit)).fetchall()
        out = []
        for r in rows:
            rec = dict(zip(DECISION_COLUMNS, r, strict=True))
            rec["gate_opened"] = bool(rec["gate_opened"])
            out.append(Decision(**{k: rec[k] for k in _DECISION_FIELDS}))
        return out

    def turns(self, call_id: str) -> list[Turn]:
        with self._lock:
            rows = self._exec(
                f"SELECT {', '.join(TURN_COLUMNS)} FROM turns WHERE call_id = ? ORDER BY seq",
                (call_id,),
            ).fetchall()
        out = []
        for r in rows:
            rec = dict(zip(TURN_COLUMNS, r, strict=True))
            rec["timings"] = json.loads(rec["timings"]) if rec["timings"] else {}
            rec["text"] = rec["text"] or ""
            out.append(Turn(**rec))
        return out

    # -- retention and erasure (LGPD) -----------------------------------------------
    def expire_recordings(self, before: float, condominium: str) -> list[str]:
        """Retention: the recordings of `condominium`'s calls before `before` are forgotten
        here; returns their paths for the caller to delete."""
        with self._lock:
            rows = self._exec(
                "SELECT recording FROM decisions WHERE ts < ? AND condominium = ? "
                "AND recording IS NOT NULL",
                (before, condominium),
            ).fetchall()
            self._exec(
                "UPDATE decisions SET recording = NULL WHERE ts < ? AND condominium = ?",
                (before, condominium),
            )
            self._commit()
        return [p for (rec,) in rows for p in str(rec).split(",")]

    def purge(self, before: float) -> tuple[int, list[str]]:
        """Transcripts and recording paths of calls before `before` are removed; the decision
        rows stay (the gate's own log). Returns (calls purged, recording paths to delete)."""
        with self._lock:
            calls = self._exec(
                "SELECT call_id, recording FROM decisions WHERE ts < ?", (before,)
            ).fetchall()
            ids = [str(c) for c, _ in calls]
            for call_id in ids:
                self._exec("DELETE FROM turns WHERE call_id = ?", (call_id,))
            self._exec("UPDATE decisions SET recording = NULL WHERE ts < ?", (before,))
            self._commit()
        return len(ids), [p for _, rec in calls if rec for p in str(rec).split(",")]

    def erase(
        self, *, caller: str | None = None, call_id: str | None = None
    ) -> tuple[int, list[str]]:
        """A person's data on request: their calls' transcripts and recordings are deleted and
        the decision rows kept anonymized (no name, caller, channels or recording)."""
        if (caller is None) == (call_id is None):
            raise ValueError("erase needs exactly one of caller or call_id")
        column, value = ("caller", caller) if caller is not None else ("call_id", call_id)
        with self._lock:
            calls = self._exec(
                f"SELECT call_id, recording FROM decisions WHERE {column} = ?", (value,)
            ).fetchall()
            for cid, _ in calls:
                self._exec("DELETE FROM turns WHERE call_id = ?", (str(cid),))
                self._exec(
                    "UPDATE decisions SET visitor_name = NULL, caller = NULL, "
                    "visitor_channel = NULL, resident_channel = NULL, recording = NULL "
                    "WHERE call_id = ?",
                    (str(cid),),
                )
            if call_id is not None and not calls:
                self._exec("DELETE FROM turns WHERE call_id = ?", (call_id,))
            self._commit()
        return len(calls), [p for _, rec in calls if rec for p in str(rec).split(",")]

    def close(self) -> None:
        with self._lock:
            self._conn.close()
