"""The visitor's answer to "Encontrei X e Y. Com quem você quer falar?".

The answer is read against the options just offered before anything else,
because that is what the visitor is answering: "a primeira", "a do quinze",
"Silva", "Rafael" (a misheard "Rafaela") each mean one of them, while the
same words out of context could mean someone else in the building. Only an
answer that points at none of the options is resolved afresh against the
whole directory ("não, é a Fernanda do 404").
"""

from __future__ import annotations

from typing import Literal

from app.dialog.nlu.choice import block_said, read_choice
from app.dialog.nlu.model import Extraction, VisitState
from app.directory.directory import Directory, Resolution
from app.directory.numbers import ApartmentRef

NoneOfThem = Literal["none_of_them"]


def settle_choice(
    directory: Directory, asked: Resolution, text: str, extraction: Extraction, threshold: float
) -> Resolution | NoneOfThem | None:
    """The option(s) the answer points at; "none_of_them" when turned down; None when unrelated.

    A Resolution is `ok`/`apartment_only` for one option, or `ambiguous` with
    the options still standing (ask again about those).
    """
    said = read_choice(text)
    if said.ordinal is not None:
        return asked.option(said.ordinal)
    named = extraction.resident_name is not None or extraction.apartment is not None
    if said.none_of_them:
        # "nenhuma, é a Fernanda": turned down, but someone else was named.
        return None if named else "none_of_them"
    if not named and said.block is None and said.gender is None:
        return None
    gender = extraction.resident_gender if extraction.resident_name else said.gender
    found = directory.choose(
        asked,
        name=extraction.resident_name,
        apartment=extraction.apartment,
        block=said.block,
        gender=gender,
        threshold=threshold,
    )
    return None if found.status == "not_found" else found


def resolve_turn(
    directory: Directory,
    visit: VisitState,
    threshold: float,
    asked: Resolution | None,
    text: str,
    extraction: Extraction,
) -> Resolution | NoneOfThem:
    """Whom the visit points at after this turn (`extraction` already merged into `visit`)."""
    if asked is not None:
        answer = settle_choice(directory, asked, text, extraction, threshold)
        if answer == "none_of_them":
            forget_resident(visit)
            return answer
        if answer is not None:
            if answer.status in ("ok", "apartment_only"):
                pin(visit, answer)
            return answer
    found = directory.resolve(
        visit.resident_name, visit.apartment, threshold, visit.resident_gender
    )
    if found.status == "ambiguous" and len(found.matches) == 1:
        # The one resident so named lives elsewhere than the apartment said: "Conceição
        # Araújo, do apartamento 502, certo?" rather than a choice of one.
        only = found.matches[0]
        return Resolution("ok", (only,), (only.apartment,), confirm=True)
    block = block_said(text) if found.status == "ambiguous" and visit.apartment is None else None
    if block is not None:
        # "o Zé Carlos do bloco B": a block said without a number still tells homonyms apart.
        narrowed = directory.choose(found, block=block)
        if narrowed.status in ("ok", "apartment_only"):
            pin(visit, narrowed)
            return narrowed
    return found


def pin(visit: VisitState, chosen: Resolution) -> None:
    """Hold the visit to what the visitor chose or confirmed, so later turns cannot undo it."""
    if chosen.matches:
        visit.resident_name, visit.resident_gender = chosen.matches[0].resident.name, None
        visit.confirm("resident_name")
    if chosen.apartments:
        apartment = chosen.apartments[0]
        visit.apartment = ApartmentRef(apartment.number, apartment.block)
        visit.confirm("apartment")


def forget_resident(visit: VisitState) -> None:
    """The visitor wants none of the residents offered: start the "whom" over."""
    if "resident_name" not in visit.confirmed:
        visit.resident_name, visit.resident_gender = None, None
    if "apartment" not in visit.confirmed:
        visit.apartment = None
