"""Opening the gate: DTMF on the visitor's channel (the intercom relay) or an HTTP POST."""

from __future__ import annotations

import httpx
import structlog

from app.ari import AriClient, AriError
from app.config import GateAction
from app.records import CallRecord

log = structlog.get_logger(__name__)


async def open_gate(g: GateAction, ari: AriClient, record: CallRecord) -> bool:
    """True once the gate was told to open; False when it could not be (or has no actuator)."""
    try:
        if g.type == "dtmf":
            await ari.send_dtmf(record.visitor_channel, g.dtmf)
        elif g.type == "http" and g.url:
            async with httpx.AsyncClient(timeout=g.timeout_s) as client:
                r = await client.post(
                    g.url,
                    json={
                        "call_id": record.call_id,
                        "condominium": record.condominium,
                        "apartment": record.apartment,
                    },
                )
                r.raise_for_status()
        else:
            return False
    except (AriError, httpx.HTTPError) as exc:
        log.error("gate_action_failed", type=g.type, error=str(exc))
        return False
    log.info("gate_opened", type=g.type)
    return True
