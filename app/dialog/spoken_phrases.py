"""Every reply a condominium's directory makes predictable, to synthesize before anyone calls.

Fixed phrases are known from the config. The directory adds the rest: each
resident's confirmation ("Daniel dos Reis, do apartamento 501, certo?"), each
apartment's presentation to its resident up to the visitor's name, each way
a name or a number can be ambiguous ("Encontrei ..."). What only the call
knows (the visitor's name) is left out: app/media/tts/phrasebook.py cuts it
out of the reply, so the pieces around it are among these.
"""

from __future__ import annotations

from app.config import CondominiumSettings
from app.dialog.visitor_questions import options_text
from app.directory.directory import Directory
from app.directory.numbers import ApartmentRef
from app.media.tts.phrasebook import Phrasebook, sentences

# Said first at start: the greeting is what the first caller hears.
FIRST = (
    "greeting",
    "hold",
    "didnt_understand",
    "ask_everything",
    "ask_apartment",
    "ask_name",
    "calling_resident",
    "keypad_apartment",
    "keypad_name",
    "goodbye",
)


def _choices(directory: Directory, threshold: float) -> list[str]:
    """The {options} of every ambiguity a single name word or apartment number can cause."""
    out: dict[str, None] = {}
    words = {
        w for a in directory.apartments for r in a.residents for w in r.name.split() if len(w) > 2
    }
    for word in sorted(words):
        res = directory.resolve(word, None, threshold)
        if res.status == "ambiguous":
            out[options_text(res)] = None
    for number in sorted({a.number for a in directory.apartments}):
        res = directory.resolve(None, ApartmentRef(number, None), threshold)
        if res.status == "ambiguous":
            out[options_text(res)] = None
    return list(out)


def predictable_phrases(condo: CondominiumSettings, directory: Directory) -> list[str]:
    """The texts to have in the cache, most urgent first."""
    p = condo.phrases
    book = Phrasebook(p.model_dump())
    fixed = [t for t in p.model_dump().values() if "{" not in t]
    out: dict[str, None] = dict.fromkeys(getattr(p, k) for k in FIRST)
    out.update(dict.fromkeys(fixed))
    purposes = (p.purpose_entrega, p.purpose_visita, p.purpose_servico, p.purpose_unknown)
    labels = [a.label() for a in directory.apartments]
    templates: dict[str, list[dict[str, str]]] = {
        "apartment_not_found": [{}],
        "resident_not_found": [{}],
        "confirm_match": [
            {"resident": r.name, "apartment": a.label()}
            for a in directory.apartments
            for r in a.residents
        ],
        "resident_prompt": [
            {"apartment": label, "purpose": purpose} for label in labels for purpose in purposes
        ],
        "resident_keypad_prompt": [{"apartment": label} for label in labels],
        "ask_choice": [{"options": o} for o in _choices(directory, condo.fuzzy_threshold)],
    }
    # The unknown visitor stands where a name would: "Um visitante está na portaria ..."
    out[p.unknown_visitor] = None
    for name, values in templates.items():
        out.update(dict.fromkeys(sorted(book.predictable(name, values))))
    return [t for t in out if sentences(t)]
