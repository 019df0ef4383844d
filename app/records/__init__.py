"""What happened on each call: the gate decision, the conversation turn by turn, and
(when a condominium asks for it) the recording, kept in SQLite or PostgreSQL with
retention and erasure (LGPD)."""

from app.records.calllog import CallLog
from app.records.model import Decision, Turn
from app.records.store import RecordStore, open_store
from app.records.writer import RecordWriter

__all__ = ["CallLog", "Decision", "RecordStore", "RecordWriter", "Turn", "open_store"]
