"""Keypad mode: no speech recognition (none configured, the caller asked, or it
keeps failing). The visitor types the apartment and says their name; the
resident hears that recording and answers 1 or 2."""

from __future__ import annotations

import structlog

from app.dialog.context import Conversation
from app.dialog.session import TurnState

log = structlog.get_logger(__name__)

DIGIT_TIMEOUT = 6.0


async def collect_by_keypad(conv: Conversation, first_digit: str | None = None) -> bool | None:
    call, p = conv.call, conv.phrases
    for _attempt in range(3):
        digits = first_digit or ""
        first_digit = None
        if not digits:
            await call.say("visitor", p.keypad_apartment)
        call.session.turn = TurnState.USER_TURN
        while True:
            inp = await call.listen("visitor", DIGIT_TIMEOUT, transcribe=False)
            if inp.kind == "closed":
                return None
            if inp.kind == "timeout":
                break
            if inp.kind == "dtmf" and inp.digit:
                if inp.digit == "#":
                    break
                if inp.digit.isdigit():
                    digits += inp.digit
        if not digits:
            continue
        found = conv.directory.find_apartment(digits.lstrip("0") or "0")
        if len(found) == 1:
            conv.apartment, conv.resident = found[0], None
            log.info("keypad_apartment", apartment=found[0].label())
            await _record_name(conv)
            return True
        await call.say("visitor", p.apartment_not_found.format(apartment=" ".join(digits)))
    return None


async def _record_name(conv: Conversation) -> None:
    call, p = conv.call, conv.phrases
    await call.say("visitor", p.keypad_name)
    inp = await call.listen(
        "visitor", conv.condo.visitor_silence_timeout_s, transcribe=call.can_transcribe
    )
    if inp.kind == "speech" and inp.pcm:
        conv.visitor_audio = (inp.pcm, inp.sample_rate)
