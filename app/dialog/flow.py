"""The visitor's conversation, from greeting to goodbye."""

from __future__ import annotations

import structlog

from app.config import Phrases
from app.dialog.ports import CallPort
from app.dialog.session import TurnState

log = structlog.get_logger(__name__)


async def run_visitor(call: CallPort, phrases: Phrases) -> None:
    session = call.session
    session.turn = TurnState.IA_TURN
    await call.say("visitor", phrases.greeting)
    session.turn = TurnState.USER_TURN
    await call.wait_ended()
