"""The visitor's side: find out who they are and whom they visit, then hand
over to the resident call and report the decision.

States (the seed's): COLETANDO_DADOS → VALIDADO → CHAMANDO_MORADOR →
ESPERANDO_MORADOR → FINALIZADO. Each turn asks for exactly what is missing;
an uncertain match is confirmed, an ambiguous one is asked about, never guessed.
"""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass

import structlog

from app.dialog.choice import pin, resolve_turn
from app.dialog.context import Conversation
from app.dialog.hints import CONFIRM_HINT, read_reply, visitor_hint
from app.dialog.keypad_flow import collect_by_keypad
from app.dialog.nlu import Reply, classify_confirmation
from app.dialog.nlu.model import VisitState
from app.dialog.ports import Input, SttHint
from app.dialog.resident_flow import ResidentOutcome, reach_resident
from app.dialog.session import ConversationState, TurnState
from app.dialog.visitor_questions import (
    accept,
    needs_confirming,
    next_question,
    question_for_missing,
    reread_apartment,
    slot_asked,
)
from app.directory.directory import Resolution
from app.directory.model import Apartment, Resident, ResidentMatch
from app.directory.numbers import ApartmentRef
from app.metrics import stage_timer
from app.records import Outcome, decide

log = structlog.get_logger(__name__)

KEYPAD_CONFIRM = {"1": "sim", "2": "não"}


async def run_visitor(conv: Conversation) -> None:
    try:
        await _run(conv)
    except asyncio.CancelledError:
        # The visitor hung up (or the session timed out) mid-conversation: still on record.
        if not conv.call.session.record.decided:
            _record(conv, Outcome.VISITOR_LEFT, "system", None, gate_opened=False)
        raise


async def _run(conv: Conversation) -> None:
    call, p, s = conv.call, conv.phrases, conv.call.session
    s.state = ConversationState.COLETANDO_DADOS
    await _say(conv, p.greeting)
    if call.can_transcribe:
        resolved = await _collect_by_voice(conv)
    else:
        resolved = await collect_by_keypad(conv)
    if resolved is None:
        gone = call.party_gone("visitor")
        await _finish(conv, Outcome.VISITOR_LEFT if gone else Outcome.NOT_RESOLVED, "system", None)
        return
    s.state = ConversationState.VALIDADO
    s.record.apartment = conv.apartment.label() if conv.apartment else None
    s.record.resident = conv.resident.name if conv.resident else None
    outcome = await reach_resident(conv)
    await _finish(conv, outcome.result, outcome.decided_by, outcome)


async def _say(conv: Conversation, text: str) -> bool:
    conv.call.session.turn = TurnState.IA_TURN
    return await conv.call.say("visitor", text)


async def _hear(conv: Conversation, hint: SttHint) -> Input:
    conv.call.session.turn = TurnState.USER_TURN
    heard = await conv.call.listen("visitor", conv.condo.visitor_silence_timeout_s, hint=hint)
    conv.call.session.turn = TurnState.WAITING
    return heard


async def _collect_by_voice(conv: Conversation) -> bool | None:
    """True once apartment (and resident, when named) and visitor name are known."""
    call, p = conv.call, conv.phrases
    pending_confirm: ResidentMatch | Apartment | None = None
    asked: Resolution | None = None  # the choice question the visitor is answering
    not_understood = (
        0  # utterances in a row heard as nothing (noise, mumbling): the keypad after a few
    )
    undo: _Undo | None = None  # what this conversation knew before the last turn
    for _turn in range(conv.condo.max_visitor_turns):
        heard = await _hear(
            conv, CONFIRM_HINT if pending_confirm is not None else visitor_hint(conv)
        )
        if heard.continues and undo is not None:
            # The last turn was half a sentence: forget what it taught, read the whole once.
            pending_confirm, asked, not_understood = undo.restore(conv)
        undo = _Undo(
            copy.deepcopy(conv.visit),
            conv.apartment,
            conv.resident,
            pending_confirm,
            asked,
            not_understood,
        )
        if heard.kind == "closed":
            return None
        if heard.kind == "dtmf" and pending_confirm is not None and heard.digit in KEYPAD_CONFIRM:
            # "certo?" can always be answered with 1 (yes) or 2 (no), as the resident can.
            heard = Input("speech", text=KEYPAD_CONFIRM[heard.digit or ""])
        if heard.kind == "dtmf" or (
            heard.kind == "speech"
            and heard.text is None
            and call.stt_failures() >= conv.condo.stt_failures_to_keypad
        ):
            log.info("switching_to_keypad", reason=heard.kind)
            return await collect_by_keypad(conv, first_digit=heard.digit)
        if heard.kind == "timeout" or heard.text is None or not heard.text.strip():
            not_understood += heard.kind == "speech"
            if not_understood >= conv.condo.stt_failures_to_keypad:
                log.info("switching_to_keypad", reason="not_understood")
                return await collect_by_keypad(conv)
            await _say(
                conv, question_for_missing(conv) if heard.kind == "timeout" else p.didnt_understand
            )
            continue
        not_understood = 0
        text = heard.text
        if pending_confirm is not None:
            answer = read_reply(heard, classify_confirmation)
            if answer is Reply.YES:
                if isinstance(pending_confirm, Apartment):
                    conv.apartment, conv.resident = pending_confirm, None
                    conv.visit.apartment = ApartmentRef(
                        pending_confirm.number, pending_confirm.block
                    )
                    conv.visit.confirm("apartment")
                else:
                    accept(conv, pending_confirm)
                    pin(
                        conv.visit,
                        Resolution("ok", (pending_confirm,), (pending_confirm.apartment,)),
                    )
                pending_confirm = None
                # "isso, meu nome é Carlos": the yes may carry what we would ask next.
                with stage_timer("nlu"):
                    conv.visit.merge(await conv.extractor.extract(text, conv.visit))
                if conv.visit.visitor_name:
                    return True
                await _say(conv, p.ask_name)
                continue
            pending_confirm = None
            if answer is Reply.NO:
                conv.visit.resident_name = None
                conv.visit.apartment = None
        with stage_timer("nlu"):
            extraction = await conv.extractor.extract(text, conv.visit)
        conv.visit.merge(extraction)
        if extraction.wants_keypad:
            return await collect_by_keypad(conv)
        log.info(
            "visitor_understood",
            text=text,
            intent=str(conv.visit.intent),
            apartment=str(conv.visit.apartment),
            resident=conv.visit.resident_name,
            visitor=conv.visit.visitor_name,
        )
        res = resolve_turn(
            conv.directory, conv.visit, conv.condo.fuzzy_threshold, asked, text, extraction
        )
        asked = None
        if res == "none_of_them":
            conv.apartment, conv.resident = None, None
            conv.visit.awaiting = "resident_name"
            await _say(conv, p.ask_resident_again)
            continue
        # A name the recognizer may have taken from its prompt is confirmed, never acted on.
        sure = not heard.unsure
        question = next_question(conv, res, sure)
        if question is None:
            return True
        if needs_confirming(conv, res, sure):
            pending_confirm = res.matches[0]
        elif reread_apartment(conv, res):
            pending_confirm = res.apartments[0]
        if res.status == "ambiguous":
            asked = res
        # Tell the extractor what we asked: a bare "Paulo" answering "your name?" is the visitor.
        conv.visit.awaiting = slot_asked(conv, question)
        await _say(conv, question)
    return None


@dataclass(frozen=True)
class _Undo:
    visit: VisitState
    apartment: Apartment | None
    resident: Resident | None
    pending_confirm: ResidentMatch | Apartment | None
    asked: Resolution | None
    not_understood: int

    def restore(
        self, conv: Conversation
    ) -> tuple[ResidentMatch | Apartment | None, Resolution | None, int]:
        conv.visit = copy.deepcopy(self.visit)
        conv.apartment, conv.resident = self.apartment, self.resident
        return self.pending_confirm, self.asked, self.not_understood


async def _finish(
    conv: Conversation, result: Outcome, decided_by: str, outcome: ResidentOutcome | None
) -> None:
    call, p, s = conv.call, conv.phrases, conv.call.session
    s.state = ConversationState.FINALIZADO
    gate_opened = False
    if result is Outcome.AUTHORIZED:
        # The gate opens on an explicit yes only; this is the single place that calls it.
        gate_opened = await call.open_gate()
        await _say(conv, p.visitor_authorized)
    elif result is Outcome.DENIED:
        await _say(conv, p.visitor_denied)
    elif result is Outcome.NO_ANSWER:
        await _say(conv, p.visitor_no_answer)
    elif result is Outcome.NO_DECISION:
        await _say(conv, p.visitor_no_decision)
    if result is not Outcome.VISITOR_LEFT:
        await _say(conv, p.goodbye)
    _record(conv, result, decided_by, outcome, gate_opened)
    log.info(
        "decision",
        outcome=result.value,
        decided_by=decided_by,
        gate_opened=gate_opened,
        apartment=s.record.apartment,
        resident=s.record.resident,
    )
    await call.end(f"finished: {result.value}")


def _record(
    conv: Conversation,
    result: Outcome,
    decided_by: str,
    outcome: ResidentOutcome | None,
    gate_opened: bool,
) -> None:
    r = conv.call.session.record
    # What the conversation learned, as it stands when the call is decided.
    r.visitor_name = conv.visit.visitor_name
    r.intent = str(conv.visit.intent.value) if conv.visit.intent else None
    r.apartment = conv.apartment.label() if conv.apartment else None
    r.resident = conv.resident.name if conv.resident else None
    r.resident_channel = outcome.resident_channel if outcome else None
    r.dialed = list(conv.dialed)
    decide(
        r, result, decided_by, gate_opened, conv.audit.record if conv.audit is not None else None
    )
