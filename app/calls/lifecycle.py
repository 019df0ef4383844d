"""A visitor call's task, StasisStart to the end: connect the visitor, run the
conversation under the session timeout, end the call however it went, and
leave exactly one decision on record (the dialog's, or the system's when the
call ended before the dialog decided)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

from app.ari import AriClient, AriError
from app.bus import EventBus
from app.calls.call import Call
from app.config import Settings
from app.metrics import CALLS
from app.records import Outcome, RecordWriter, decide, decision_event

log = structlog.get_logger(__name__)

FlowRunner = Callable[[Call, Settings], Awaitable[None]]


async def _gone(ari: AriClient, channel_id: str) -> bool:
    try:
        await ari.get_channel(channel_id)
    except AriError as exc:
        return exc.not_found
    return False


async def run_call(
    call: Call,
    flow: FlowRunner,
    settings: Settings,
    ari: AriClient,
    bus: EventBus,
    records: RecordWriter | None,
    forget: Callable[[Call], None],
) -> None:
    session = call.session
    channel_id, condo_key = session.visitor_channel_id, session.condominium
    structlog.contextvars.bind_contextvars(
        session=session.id, role="visitor", condominium=condo_key
    )
    call.log.bind()
    log.info("call_started", channel=channel_id)
    try:
        await call.connect_party("visitor", channel_id, answer=True)
        async with asyncio.timeout(call.condo.session_timeout_s):
            await flow(call, settings)
        await call.end("conversation finished")
    except TimeoutError:
        await call.end("session timeout")
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        if call.ended.is_set() or await _gone(ari, channel_id):
            # The visitor hung up while we were still setting the call up.
            log.info("call_setup_interrupted", error=str(exc))
            await call.end("visitor hung up during set-up")
        else:
            log.exception("call_failed", error=str(exc))
            await call.end(f"error: {type(exc).__name__}")
    finally:
        forget(call)
        record = session.record
        if record.decision is None:
            # Set-up failed, or the visitor left before the dialog decided: every call
            # leaves a row.
            failed = (session.end_reason or "").startswith("error")
            try:
                decide(
                    record,
                    Outcome.ERROR if failed else Outcome.VISITOR_LEFT,
                    "system",
                    audit=records.record if records is not None else None,
                )
            except Exception as exc:  # noqa: BLE001 - the audit store must not break cleanup
                log.error("audit_record_failed", error=repr(exc))
        if record.decision is not None:
            bus.publish("decision", session.id, condo_key, **decision_event(record.decision))
        bus.publish(
            "call.ended",
            session.id,
            condo_key,
            reason=session.end_reason,
            duration_s=round(session.duration, 2),
        )
        outcome = record.outcome
        CALLS.labels(condominium=condo_key, outcome=outcome.value if outcome else "ended").inc()
