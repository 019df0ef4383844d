"""Request and response bodies of the operator API.

The request model validates what clients send; the response models exist so
the OpenAPI document (app.api.openapi) describes exactly what the API returns.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any, Literal, get_args, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from app.api.control import ApiRole
from app.records.model import Decision


class HangupRequest(BaseModel):
    """Hang up one party of a live call."""

    model_config = ConfigDict(extra="forbid", strict=True)

    call_id: str = Field(
        min_length=1,
        max_length=200,
        description="The session id, as listed by GET /api/status (`call_id`).",
    )
    role: ApiRole = Field(
        description="Which party to hang up. `visitor` ends the whole call; "
        "`resident` drops only the resident's leg."
    )


class OkResponse(BaseModel):
    ok: Literal[True] = True


class ErrorResponse(BaseModel):
    error: str = Field(description="What went wrong, in one line.")


class FieldError(BaseModel):
    field: str = Field(
        description="Dotted path of the offending field; `(body)` for the body as a whole."
    )
    message: str


class ValidationErrorResponse(BaseModel):
    error: str = Field(description="Every problem in one line, each prefixed by its field.")
    errors: list[FieldError]


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"


class SessionSummary(BaseModel):
    model_config = ConfigDict(extra="allow")

    call_id: str
    condominium: str
    state: str = Field(description="Conversation state, e.g. COLETANDO_DADOS, ESPERANDO_MORADOR.")
    turn: str = Field(description="USER_TURN, WAITING or IA_TURN.")
    roles: list[ApiRole] = Field(description="Parties currently on the call.")
    duration_s: float
    visitor_channel: str | None = None
    resident_channel: str | None = None


class StatusResponse(BaseModel):
    model_config = ConfigDict(extra="allow")

    status: str = Field(description="`ok` while the app runs.")
    ari_connected: bool = Field(description="Whether the ARI events WebSocket is connected.")
    uptime_s: float
    active_sessions: list[SessionSummary]


class ReloadResponse(BaseModel):
    applied: bool = Field(description="True when the new configuration is in use (for new calls).")
    message: str


class DecisionsQuery(BaseModel):
    """Query string of GET /api/decisions (values arrive as text and are converted)."""

    limit: int = Field(50, ge=1, le=500, description="How many decisions, newest first.")
    condominium: str | None = Field(
        None, min_length=1, max_length=200, description="Only this condominium's decisions."
    )


# What each column of a decision means; the columns themselves are the record's own
# (app.records.Decision), so the API's copy cannot drift from what is stored.
_DECISION_DOCS = {
    "ts": "Unix time of the decision.",
    "outcome": "authorized, denied, no_answer, no_decision, visitor_left, not_resolved or error.",
    "decided_by": "resident, resident_dtmf or system.",
    "dialed": "Comma-separated endpoints tried, in order.",
    "caller": "The intercom's caller id number.",
    "recording": "Path(s) of the call's recording on the server, when the condominium records.",
}


def _nullable(hint: Any) -> bool:
    return type(None) in get_args(hint)


def _decision_model() -> type[BaseModel]:
    hints = get_type_hints(Decision)
    # Every row has every column: a field is optional in the schema only where it may be null.
    defs: dict[str, Any] = {
        f.name: (
            hints[f.name],
            Field(
                None if _nullable(hints[f.name]) else ..., description=_DECISION_DOCS.get(f.name)
            ),
        )
        for f in fields(Decision)
    }
    return create_model("DecisionRecord", __doc__="One gate decision from the audit store.", **defs)


if TYPE_CHECKING:
    DecisionRecord = BaseModel
else:
    DecisionRecord = _decision_model()


class DecisionsResponse(BaseModel):
    decisions: list[DecisionRecord]


class TurnRecord(BaseModel):
    """One step of a call's conversation."""

    seq: int = Field(description="Order within the call, from 1.")
    ts: float = Field(description="Unix time the turn was recorded.")
    speaker: Literal["visitor", "resident", "portaria"]
    kind: Literal["said", "heard", "dtmf", "event"] = Field(
        description="said: what the attendant said (to `party`); "
        "heard: what a caller said, as recognized; "
        "dtmf: keys pressed; event: a step of the call (resident called, gate opened)."
    )
    text: str
    party: str | None = Field(None, description="For said turns: visitor or resident.")
    confidence: float | None = None
    source: str | None = Field(None, description="The recognizer, or keypad.")
    timings: dict[str, float] = Field(
        description="Seconds per stage: speech_start_s/speech_end_s (since the call started), "
        "endpointing_s, stt_s, nlu_s, tts_s, "
        "first_reply_audio_s (the caller's last sample to our first)."
    )


class CallRecordResponse(BaseModel):
    """A call's decision (null while it is live or when it left none) and its turns in order."""

    decision: DecisionRecord | None
    turns: list[TurnRecord]


class BusEventMessage(BaseModel):
    """One text message of the /api/events WebSocket."""

    kind: str = Field(
        description="ari, state, call.started, resident.called, turn, decision, call.ended; "
        "`lagged` (data.dropped) when this client fell behind and lost events."
    )
    call_id: str | None = Field(description="Session id of the call the event belongs to, if any.")
    condominium: str | None
    data: dict[str, object] = Field(
        description="Kind-specific fields: ari → type, channel, name, args, "
        "digit, cause; state → field, old, new; turn → turn (a TurnRecord); "
        "decision → outcome, "
        "gate_opened, apartment, resident; call.ended → reason, duration_s."
    )
    ts: float = Field(description="Unix time the event was published.")
