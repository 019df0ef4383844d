"""Who the visitor is when they give no name: a job ("sou o técnico da operadora",
"motoboy do iFood") or a company ("sou da Claro"). The resident hears it as said,
with its article ("O técnico da operadora está na portaria"), and the dialog
does not ask a courier for a name they never give at a gate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.dialog.nlu import lexicon as lx
from app.dialog.nlu.name_words import OPENERS as _OPENERS
from app.dialog.nlu.name_words import PARTICLES as _PARTICLES
from app.dialog.nlu.name_words import NameSpan
from app.dialog.nlu.name_words import norms as _norms
from app.dialog.nlu.text import Word, index
from app.directory.normalize import normalize

_ROLES = _norms(lx.ROLES)
_GENERIC = _norms(lx.GENERIC_PEOPLE)
_FEMININE = _norms(lx.FEMININE_ROLES)
# "a babá do filho da Ana": a relation word starts whom they came for, not who they are.
_STOPS = (
    _norms(lx.ROLE_STOPS)
    | _norms(lx.FORMAL_TITLES)
    | _norms(lx.NUMBER_WORDS)
    | _norms(lx.RELATIONS)
)
_ROLE_TAILS = frozenset({"trainer"})  # "personal trainer"
_ARTICLES = frozenset({"o", "a"})
# "sou o", "aqui é a", "é o": what introduces oneself. "é" only opens a clause.
_INTRO = index(
    ("sou", "eu sou", "aqui é", "quem fala é", "aqui quem fala é", "é", "quem tá falando é")
)
_MAX_COMPLEMENT = 3

# (norms, index) -> length of a company or trade cue starting there, 0 if none.
CompanyAt = Callable[[Sequence[str], int], int]


def _introduced(ws: Sequence[Word], i: int) -> bool:
    """Word i follows "sou"/"aqui é"/... or opens its clause (only greetings before)."""
    norms = [w.norm for w in ws]
    for start, cue, _ in _INTRO.find_all(norms[:i]):
        if start + len(cue) == i:
            return True
    j = i - 1
    while j >= 0 and not ws[j + 1].pause:
        if norms[j] not in _OPENERS:
            return False
        j -= 1
    return True


def _complement(ws: Sequence[Word], j: int, is_name: Callable[[str], bool]) -> int:
    """End of "da operadora" / "do prédio da frente" starting at particle j (j if none)."""
    n = len(ws)
    if j >= n or ws[j].pause or ws[j].norm not in _PARTICLES:
        return j
    k = j + 1
    if k < n and ws[k].norm.isdigit():
        # "motorista da 99": an app's name, not an apartment.
        return k + 1 if f"{ws[j].norm} {ws[k].norm}" in _APP_NUMBERS else j
    count = 0
    while k < n and count < _MAX_COMPLEMENT and not ws[k].pause:
        w = ws[k].norm
        if (
            w in _PARTICLES
            and count
            and k + 1 < n
            and not ws[k + 1].pause
            and ws[k + 1].norm not in _STOPS
            and not ws[k + 1].norm.isdigit()
            and not is_name(ws[k + 1].norm)
        ):
            k += 1
            continue
        if w in _STOPS or w in _PARTICLES or w.isdigit() or (count == 0 and is_name(w)):
            break
        k, count = k + 1, count + 1
    return k if count else j


_APP_NUMBERS = frozenset(normalize(a) for a in lx.APP_NUMBERS)


def _raw(ws: Sequence[Word], start: int, end: int) -> str:
    return " ".join(w.raw for w in ws[start:end])


def role_identity(
    ws: Sequence[Word], is_name: Callable[[str], bool], company_at: CompanyAt
) -> NameSpan | None:
    """The visitor's job or company as a span, e.g. "o técnico da operadora"."""
    for i, w in enumerate(ws):
        if w.norm in _ROLES or w.norm in _GENERIC:
            said = i > 0 and not w.pause and ws[i - 1].norm in _ARTICLES
            start = i - 1 if said else i
            if not _introduced(ws, start):
                continue
            role_end = i + 2 if i + 1 < len(ws) and ws[i + 1].norm in _ROLE_TAILS else i + 1
            end = _complement(ws, role_end, is_name)
            if w.norm in _GENERIC and end == role_end:
                continue  # "o pessoal" alone says nothing
            article = ws[i - 1].raw.lower() if said else ("a" if w.norm in _FEMININE else "o")
            # A job is a common noun: "Técnico da Net" at a sentence start is "o técnico da Net".
            role = _raw(ws, i, role_end).lower()
            text = " ".join(filter(None, (article, role, _raw(ws, role_end, end))))
            return NameSpan(start, end, text, strong=True, known=False)
        if w.norm in _PARTICLES and i > 0 and not w.pause and _introduced(ws, i):
            # "sou da Claro", "é do iFood": a company alone is "alguém da Claro".
            norms = [x.norm for x in ws]
            with_particle = company_at(norms, i)  # cues like "da claro" include it
            end = i + with_particle if with_particle else i + 1 + company_at(norms, i + 1)
            if end > i + 1:
                return NameSpan(
                    i,
                    end,
                    f"alguém {w.raw.lower()} {_raw(ws, i + 1, end)}",
                    strong=True,
                    known=False,
                )
    return None
