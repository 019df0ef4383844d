"""The record store's schema and its migrations, one list for SQLite and PostgreSQL.

Statements are written once with `{id}` for the auto-increment key type and `?`
placeholders; each store fills in its dialect. A store applies, in order, every
migration above the version it finds in `schema_version`, so an old file or
database is brought forward at start (the `caller` column came this way).
"""

from __future__ import annotations

from collections.abc import Sequence

DECISION_COLUMNS = (
    "ts",
    "condominium",
    "visitor_name",
    "intent",
    "apartment",
    "resident",
    "outcome",
    "decided_by",
    "gate_opened",
    "call_id",
    "visitor_channel",
    "resident_channel",
    "dialed",
    "caller",
    "recording",
)
TURN_COLUMNS = (
    "call_id",
    "seq",
    "ts",
    "speaker",
    "kind",
    "text",
    "party",
    "confidence",
    "source",
    "timings",
)

MIGRATIONS: Sequence[Sequence[str]] = (
    # 1: decisions as the first store wrote them (files from then already have it).
    (
        """CREATE TABLE IF NOT EXISTS decisions (
        id {id}, ts REAL NOT NULL, condominium TEXT NOT NULL, visitor_name TEXT, intent TEXT,
        apartment TEXT, resident TEXT, outcome TEXT NOT NULL, decided_by TEXT NOT NULL,
        gate_opened INTEGER NOT NULL, call_id TEXT NOT NULL, visitor_channel TEXT,
        resident_channel TEXT, dialed TEXT)""",
        "CREATE INDEX IF NOT EXISTS decisions_ts ON decisions(ts)",
    ),
    # 2: the intercom's caller id.
    ("ALTER TABLE decisions ADD COLUMN caller TEXT",),
    # 3: the conversation, turn by turn, and where a call's recording is.
    (
        """CREATE TABLE IF NOT EXISTS turns (
        id {id}, call_id TEXT NOT NULL, seq INTEGER NOT NULL, ts REAL NOT NULL,
        speaker TEXT NOT NULL, kind TEXT NOT NULL, text TEXT, party TEXT, confidence REAL,
        source TEXT, timings TEXT)""",
        "CREATE INDEX IF NOT EXISTS turns_call ON turns(call_id, seq)",
        "CREATE INDEX IF NOT EXISTS decisions_call ON decisions(call_id)",
        "CREATE INDEX IF NOT EXISTS decisions_caller ON decisions(caller)",
        "ALTER TABLE decisions ADD COLUMN recording TEXT",
    ),
)
