"""The resident's side: ring their numbers in order, tell them who is at the
gate, and get an explicit yes or no (voice or keypad 1/2, 3 repeats)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import structlog

from app.dialog.context import Conversation
from app.dialog.hints import RESIDENT_HINT, read_reply
from app.dialog.nlu import Reply, classify_reply
from app.dialog.session import ConversationState
from app.records import Outcome

log = structlog.get_logger(__name__)

DTMF_REPLIES = {"1": Reply.YES, "2": Reply.NO, "3": Reply.WHO}


@dataclass(frozen=True)
class ResidentOutcome:
    result: Outcome
    decided_by: str  # resident | resident_dtmf | system
    resident_channel: str | None = None


async def reach_resident(conv: Conversation) -> ResidentOutcome:
    call, p, s = conv.call, conv.phrases, conv.call.session
    assert conv.apartment is not None
    s.state = ConversationState.CHAMANDO_MORADOR
    # "Hold on" plays while the first number rings: no dead air, no added wait.
    hold = asyncio.get_running_loop().create_task(call.say("visitor", p.calling_resident))
    company = asyncio.get_running_loop().create_task(_keep_visitor_company(conv, hold))
    try:
        return await _reach(conv, hold)
    finally:
        # Neither outlives the ringing: cancelled (a no-op once done) and awaited.
        for task in (company, hold):
            task.cancel()
        await asyncio.gather(company, hold, return_exceptions=True)


async def _keep_visitor_company(conv: Conversation, first: asyncio.Task[bool]) -> None:
    every = conv.condo.reassure_every_s
    if every <= 0:
        return
    await asyncio.wait([first])  # its failure is reported where it is awaited, not here
    while True:
        await asyncio.sleep(every)
        await conv.call.say("visitor", conv.phrases.still_calling)


async def _reach(conv: Conversation, hold: asyncio.Task[bool]) -> ResidentOutcome:
    call, s = conv.call, conv.call.session
    assert conv.apartment is not None
    answered = False
    for number in conv.apartment.numbers_for(conv.resident):
        conv.dialed.append(number)
        ring = await call.call_resident(number)
        log.info("resident_ring_outcome", number=number, outcome=ring)
        if ring == "visitor_gone":
            return ResidentOutcome(Outcome.VISITOR_LEFT, "system")
        if ring == "answered":
            answered = True
            break
    if not answered:
        await hold
        return ResidentOutcome(Outcome.NO_ANSWER, "system")
    s.state = ConversationState.ESPERANDO_MORADOR
    # The resident hears who is at the gate as soon as their leg is up, whatever
    # the visitor is still hearing ("Um momento, vou chamar o morador").
    outcome = await _ask(conv)
    await call.hangup_resident()
    await hold
    return outcome


async def _ask(conv: Conversation) -> ResidentOutcome:
    call, p, s = conv.call, conv.phrases, conv.call.session
    channel = s.resident_channel_id
    loop = asyncio.get_running_loop()
    deadline = loop.time() + conv.condo.resident_call.silence_timeout_s
    await _present(conv)
    while (remaining := deadline - loop.time()) > 0:
        heard = await call.listen("resident", remaining, hint=RESIDENT_HINT)
        if heard.kind in ("closed", "timeout"):
            log.info("resident_no_decision", reason=heard.kind)
            return ResidentOutcome(Outcome.NO_DECISION, "system", channel)
        if heard.kind == "dtmf":
            reply, by = DTMF_REPLIES.get(heard.digit or "", Reply.UNKNOWN), "resident_dtmf"
        else:
            reply, by = read_reply(heard, classify_reply), "resident"
        log.info(
            "resident_reply",
            reply=reply.value,
            text=heard.text,
            choice=heard.choice,
            digit=heard.digit,
        )
        if reply is Reply.YES:
            await call.say("resident", p.resident_thanks_yes)
            return ResidentOutcome(Outcome.AUTHORIZED, by, channel)
        if reply is Reply.NO:
            await call.say("resident", p.resident_thanks_no)
            return ResidentOutcome(Outcome.DENIED, by, channel)
        if reply is Reply.WHO:
            await _present(conv)
        else:
            await call.say("resident", p.resident_reprompt)
    return ResidentOutcome(Outcome.NO_DECISION, "system", channel)


async def _present(conv: Conversation) -> None:
    call, p = conv.call, conv.phrases
    assert conv.apartment is not None
    if conv.visitor_audio is not None and not conv.visit.visitor_name:
        # Keypad mode: the visitor's own voice stands in for the transcribed name.
        await call.say(
            "resident", p.resident_keypad_prompt.format(apartment=conv.apartment.label())
        )
        await call.play_audio("resident", *conv.visitor_audio)
        await call.say("resident", p.resident_keypad_question)
        return
    await call.say(
        "resident",
        p.resident_prompt.format(
            apartment=conv.apartment.label(),
            visitor=_sentence_start(conv.visit.visitor_name or p.unknown_visitor),
            purpose=conv.purpose(),
        ),
    )


def _sentence_start(who: str) -> str:
    # "o técnico da operadora" opens the sentence the resident hears.
    return who[:1].upper() + who[1:]
