"""What happened on each call: the gate decision, the conversation turn by turn, and
(when a condominium asks for it) the recording, kept in SQLite or PostgreSQL with
retention and erasure (LGPD)."""

from app.records.call_record import CallRecord, decide, decision_event
from app.records.calllog import CallLog
from app.records.model import Decision, Outcome, Turn
from app.records.store import RecordStore, open_store
from app.records.writer import RecordWriter

__all__ = [
    "CallLog",
    "CallRecord",
    "Decision",
    "Outcome",
    "RecordStore",
    "RecordWriter",
    "Turn",
    "decide",
    "decision_event",
    "open_store",
]
