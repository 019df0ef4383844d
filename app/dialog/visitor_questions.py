"""What the gate asks the visitor next, given what a turn resolved: confirm an
uncertain match, choose between residents, the apartment or name still missing.

Pure decisions over the conversation (no audio): the visitor flow asks them.
"""

from __future__ import annotations

from app.dialog.context import Conversation
from app.dialog.nlu.model import Slot
from app.directory.directory import Resolution
from app.directory.model import ResidentMatch


def slot_asked(conv: Conversation, question: str) -> Slot | None:
    p = conv.phrases
    if question == p.ask_name:
        return "visitor_name"
    if question in (p.ask_apartment, p.ask_everything) or question.startswith(
        p.apartment_not_found[:12]
    ):
        return "apartment"
    if question.startswith(p.ask_choice[:10]):
        return "resident_name"
    return None


def accept(conv: Conversation, m: ResidentMatch) -> None:
    conv.apartment, conv.resident = m.apartment, m.resident


def needs_confirming(conv: Conversation, res: Resolution, sure: bool) -> bool:
    if res.status != "ok" or not res.matches or conv.resident is not None:
        return False
    return res.confirm or res.reread or (not sure and conv.visit.resident_name is not None)


def reread_apartment(conv: Conversation, res: Resolution) -> bool:
    return (
        res.reread
        and res.status == "apartment_only"
        and len(res.apartments) == 1
        and conv.apartment is None
    )


def next_question(conv: Conversation, res: Resolution, sure: bool = True) -> str | None:
    """What to ask next, or None when everything needed is known."""
    p, visit = conv.phrases, conv.visit
    if res.status == "ok" and res.matches:
        m = res.matches[0]
        if needs_confirming(conv, res, sure):
            return p.confirm_match.format(resident=m.resident.name, apartment=m.apartment.label())
        accept(conv, m)
    elif reread_apartment(conv, res):
        return p.confirm_apartment.format(apartment=res.apartments[0].label())
    elif res.status == "apartment_only" and len(res.apartments) == 1:
        conv.apartment, conv.resident = res.apartments[0], None
    elif res.status == "ambiguous":
        options = options_text(res)
        return p.ask_choice.format(options=options)
    elif res.status == "not_found":
        if visit.apartment is not None:
            missing = visit.apartment.number + (
                f" bloco {visit.apartment.block}" if visit.apartment.block else ""
            )
            visit.apartment = None
            return p.apartment_not_found.format(apartment=missing)
        name = visit.resident_name or ""
        visit.resident_name = None
        return p.resident_not_found.format(name=name)
    else:
        return question_for_missing(conv)
    if not visit.visitor_name:
        return p.ask_name
    return None


def options_text(res: Resolution) -> str:
    """The {options} of ask_choice: whom an ambiguous resolution is between, in the same
    order that an answer like "a primeira" is read against."""
    names = [
        f"{o.resident.name}, do {o.apartment.label()}"
        if isinstance(o, ResidentMatch)
        else f"o apartamento {o.label()}"
        for o in res.offered()
    ]
    return " e ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def question_for_missing(conv: Conversation) -> str:
    p, v = conv.phrases, conv.visit
    if conv.apartment is None and v.apartment is None and not v.resident_name:
        return p.ask_apartment if v.visitor_name else p.ask_everything
    if not v.visitor_name:
        return p.ask_name
    return p.ask_apartment
