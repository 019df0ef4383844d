"""The decision record: every gate decision, who made it, on which calls.

SQLite in WAL mode: one small synchronous insert per call end (well under a
millisecond), readable by `portaria audit` while the app runs.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL,
    condominium TEXT NOT NULL,
    visitor_name TEXT,
    intent TEXT,
    apartment TEXT,
    resident TEXT,
    outcome TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    gate_opened INTEGER NOT NULL,
    call_id TEXT NOT NULL,
    visitor_channel TEXT,
    resident_channel TEXT,
    dialed TEXT,
    caller TEXT
);
CREATE INDEX IF NOT EXISTS decisions_ts ON decisions(ts);
"""


ADDED_COLUMNS = ("caller",)


@dataclass(frozen=True)
class Decision:
    condominium: str
    outcome: str  # authorized | denied | no_answer | no_decision | visitor_left | not_resolved | error
    decided_by: str  # resident | resident_dtmf | system
    call_id: str
    visitor_name: str | None = None
    intent: str | None = None
    apartment: str | None = None
    resident: str | None = None
    gate_opened: bool = False
    visitor_channel: str | None = None
    resident_channel: str | None = None
    dialed: str | None = None  # comma-separated endpoints tried, in order
    caller: str | None = None  # the intercom's caller id number
    ts: float = 0.0


class AuditStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        # Files written before a column existed get it (older rows read as NULL).
        have = {r[1] for r in self._db.execute("PRAGMA table_info(decisions)")}
        for col in ADDED_COLUMNS:
            if col not in have:
                self._db.execute(f"ALTER TABLE decisions ADD COLUMN {col} TEXT")

    def record(self, d: Decision) -> int:
        row = asdict(d)
        row["ts"] = d.ts or time.time()
        row["gate_opened"] = int(d.gate_opened)
        cols = ", ".join(row)
        cur = self._db.execute(f"INSERT INTO decisions ({cols}) VALUES ({', '.join('?' * len(row))})",
                               tuple(row.values()))
        return int(cur.lastrowid or 0)

    def query(self, *, since: float | None = None, until: float | None = None,
              condominium: str | None = None, apartment: str | None = None, limit: int = 1000) -> list[Decision]:
        where, args = [], []
        for clause, value in (("ts >= ?", since), ("ts < ?", until), ("condominium = ?", condominium),
                              ("apartment = ?", apartment)):
            if value is not None:
                where.append(clause)
                args.append(value)
        sql = "SELECT * FROM decisions" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY ts DESC LIMIT ?"
        names = [f.name for f in fields(Decision)]
        cur = self._db.execute(sql, (*args, limit))
        cols = [c[0] for c in cur.description]
        out = []
        for r in cur.fetchall():
            rec = dict(zip(cols, r))
            rec["gate_opened"] = bool(rec["gate_opened"])
            out.append(Decision(**{k: rec[k] for k in names}))
        return out

    def close(self) -> None:
        self._db.close()


def to_csv(rows: list[Decision]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=[f.name for f in fields(Decision)])
    w.writeheader()
    for r in rows:
        w.writerow(asdict(r))
    return buf.getvalue()
