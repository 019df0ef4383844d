"""The visitor's side: find out who they are and whom they visit, then hand
over to the resident call and report the decision.

States (the seed's): COLETANDO_DADOS → VALIDADO → CHAMANDO_MORADOR →
ESPERANDO_MORADOR → FINALIZADO. Each turn asks for exactly what is missing;
an uncertain match is confirmed, an ambiguous one is asked about, never guessed.
"""

from __future__ import annotations

import asyncio

import structlog

from app.dialog.audit import Decision
from app.dialog.context import Conversation
from app.dialog.keypad_flow import collect_by_keypad
from app.dialog.nlu import Reply, classify_confirmation
from app.dialog.nlu.model import Slot
from app.dialog.ports import Input
from app.dialog.resident_flow import Outcome, reach_resident
from app.dialog.session import ConversationState, TurnState
from app.directory.directory import Resolution
from app.directory.model import ResidentMatch
from app.metrics import stage_timer

log = structlog.get_logger(__name__)

CONFIRM_BELOW = 90.0  # match scores under this are confirmed with the visitor


async def run_visitor(conv: Conversation) -> None:
    try:
        await _run(conv)
    except asyncio.CancelledError:
        # The visitor hung up (or the session timed out) mid-conversation: still on record.
        if "outcome" not in conv.call.session.data:
            _record(conv, "visitor_left", "system", None, gate_opened=False)
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
        await _finish(conv, "visitor_left" if gone else "not_resolved", "system", None)
        return
    s.state = ConversationState.VALIDADO
    s.data["apartment"] = conv.apartment.label() if conv.apartment else None
    s.data["resident"] = conv.resident.name if conv.resident else None
    outcome = await reach_resident(conv)
    await _finish(conv, outcome.result, outcome.decided_by, outcome)


async def _say(conv: Conversation, text: str) -> bool:
    conv.call.session.turn = TurnState.IA_TURN
    return await conv.call.say("visitor", text)


async def _hear(conv: Conversation) -> Input:
    conv.call.session.turn = TurnState.USER_TURN
    heard = await conv.call.listen("visitor", conv.condo.visitor_silence_timeout_s)
    conv.call.session.turn = TurnState.WAITING
    return heard


async def _collect_by_voice(conv: Conversation) -> bool | None:
    """True once apartment (and resident, when named) and visitor name are known."""
    call, p = conv.call, conv.phrases
    pending_confirm: ResidentMatch | None = None
    for _turn in range(conv.condo.max_visitor_turns):
        heard = await _hear(conv)
        if heard.kind == "closed":
            return None
        if heard.kind == "dtmf" or (heard.kind == "speech" and heard.text is None
                                    and call.stt_failures() >= conv.condo.stt_failures_to_keypad):
            log.info("switching_to_keypad", reason=heard.kind)
            return await collect_by_keypad(conv, first_digit=heard.digit)
        if heard.kind == "timeout" or heard.text is None or not heard.text.strip():
            await _say(conv, _question_for_missing(conv) if heard.kind == "timeout" else p.didnt_understand)
            continue
        text = heard.text
        if pending_confirm is not None:
            answer = classify_confirmation(text)
            if answer is Reply.YES:
                _accept(conv, pending_confirm)
                conv.visit.resident_name = pending_confirm.resident.name
                conv.visit.confirm("resident_name", "apartment")
                pending_confirm = None
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
        log.info("visitor_understood", text=text, intent=str(conv.visit.intent), apartment=str(conv.visit.apartment),
                 resident=conv.visit.resident_name, visitor=conv.visit.visitor_name)
        res = conv.directory.resolve(conv.visit.resident_name, conv.visit.apartment, conv.condo.fuzzy_threshold)
        question = _next_question(conv, res)
        if question is None:
            return True
        if res.status == "ok" and res.matches and res.matches[0].score < CONFIRM_BELOW and conv.resident is None:
            pending_confirm = res.matches[0]
        # Tell the extractor what we asked: a bare "Paulo" answering "your name?" is the visitor.
        conv.visit.awaiting = _slot_asked(conv, question)
        await _say(conv, question)
    return None


def _slot_asked(conv: Conversation, question: str) -> Slot | None:
    p = conv.phrases
    if question == p.ask_name:
        return "visitor_name"
    if question in (p.ask_apartment, p.ask_everything) or question.startswith(p.apartment_not_found[:12]):
        return "apartment"
    if question.startswith(p.ask_choice[:10]):
        return "resident_name"
    return None


def _accept(conv: Conversation, m: ResidentMatch) -> None:
    conv.apartment, conv.resident = m.apartment, m.resident


def _next_question(conv: Conversation, res: Resolution) -> str | None:
    """What to ask next, or None when everything needed is known."""
    p, visit = conv.phrases, conv.visit
    if res.status == "ok" and res.matches:
        m = res.matches[0]
        if m.score < CONFIRM_BELOW and conv.resident is None:
            return p.confirm_match.format(resident=m.resident.name, apartment=m.apartment.label())
        _accept(conv, m)
    elif res.status == "apartment_only" and len(res.apartments) == 1:
        conv.apartment, conv.resident = res.apartments[0], None
    elif res.status == "ambiguous":
        options = options_text(res)
        return p.ask_choice.format(options=options)
    elif res.status == "not_found":
        if visit.apartment is not None:
            missing = visit.apartment.number + (f" bloco {visit.apartment.block}" if visit.apartment.block else "")
            visit.apartment = None
            return p.apartment_not_found.format(apartment=missing)
        name = visit.resident_name or ""
        visit.resident_name = None
        return p.resident_not_found.format(name=name)
    else:
        return _question_for_missing(conv)
    if not visit.visitor_name:
        return p.ask_name
    return None


def options_text(res: Resolution) -> str:
    """The {options} of ask_choice: whom an ambiguous resolution is between."""
    if res.matches:
        names = [f"{m.resident.name}, do {m.apartment.label()}" for m in res.matches[:3]]
    else:
        names = [f"o apartamento {a.label()}" for a in res.apartments[:3]]
    return " e ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def _question_for_missing(conv: Conversation) -> str:
    p, v = conv.phrases, conv.visit
    if conv.apartment is None and v.apartment is None and not v.resident_name:
        return p.ask_apartment if v.visitor_name else p.ask_everything
    if not v.visitor_name:
        return p.ask_name
    return p.ask_apartment


async def _finish(conv: Conversation, result: str, decided_by: str, outcome: Outcome | None) -> None:
    call, p, s = conv.call, conv.phrases, conv.call.session
    s.state = ConversationState.FINALIZADO
    gate_opened = False
    if result == "authorized":
        # The gate opens on an explicit yes only; this is the single place that calls it.
        gate_opened = await call.open_gate()
        await _say(conv, p.visitor_authorized)
    elif result == "denied":
        await _say(conv, p.visitor_denied)
    elif result == "no_answer":
        await _say(conv, p.visitor_no_answer)
    elif result == "no_decision":
        await _say(conv, p.visitor_no_decision)
    if result != "visitor_left":
        await _say(conv, p.goodbye)
    _record(conv, result, decided_by, outcome, gate_opened)
    log.info("decision", outcome=result, decided_by=decided_by, gate_opened=gate_opened,
             apartment=s.data.get("apartment"), resident=s.data.get("resident"))
    await call.end(f"finished: {result}")


def _record(conv: Conversation, result: str, decided_by: str, outcome: Outcome | None, gate_opened: bool) -> None:
    s = conv.call.session
    s.data["outcome"] = result
    s.data["gate_opened"] = gate_opened
    if conv.audit is not None:
        conv.audit.record(Decision(
            condominium=s.condominium, outcome=result, decided_by=decided_by, call_id=s.id,
            visitor_name=conv.visit.visitor_name, intent=str(conv.visit.intent.value) if conv.visit.intent else None,
            apartment=conv.apartment.label() if conv.apartment else None,
            resident=conv.resident.name if conv.resident else None, gate_opened=gate_opened,
            visitor_channel=s.visitor_channel_id,
            resident_channel=outcome.resident_channel if outcome else None,
            dialed=",".join(conv.dialed) or None, caller=s.data.get("caller_number"),
        ))
