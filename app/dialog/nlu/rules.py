"""The embedded extractor: pt-BR cue words, the directory's names, no network.

Runs in tens of microseconds to a few hundred per utterance (bench/bench_nlu.py;
the budget is 5 ms). Its `confidence` tells the hybrid extractor when an LLM
could do better: low when nothing was recognized, when much of what was said
is unexplained, or when the cues contradict each other.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.dialog.nlu import lexicon as lx
from app.dialog.nlu import name_words
from app.dialog.nlu.identity import role_identity
from app.dialog.nlu.lexicon import Cue
from app.dialog.nlu.model import Extraction, Intent, VisitState
from app.dialog.nlu.name_words import NEVER_NAME, PARTICLES, NameSpan, gender_before
from app.dialog.nlu.names import NameFinder
from app.dialog.nlu.text import PhraseIndex, Word, index, is_cased, title, words
from app.directory.directory import Directory
from app.directory.normalize import canonical_name, normalize
from app.directory.numbers import parse_apartment

_FILLERS = name_words.norms(lx.FILLERS)
_NUMBERS = frozenset(normalize(w) for w in lx.NUMBER_WORDS)
# Words that carry meaning the rules understood; anything else said lowers confidence.
_UNDERSTOOD = (NEVER_NAME | PARTICLES) - frozenset(normalize(w) for w in lx.VAGUE)
# Between "pedido" and its number ("pedido número 4521"). Not "do"/"no": "o pedido
# do 501" names the apartment the order is for.
_NUMBER_LEADS = frozenset({"numero", "n", "nr", "num"})
_BLOCK_WORDS = frozenset({"bloco", "torre", "predio"})
_PREFERENCE = {Intent.ENTREGA: 2, Intent.SERVICO: 1, Intent.VISITA: 0}  # on a tied score


class RuleExtractor:
    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self.names = NameFinder(directory)
        cues: list[tuple[str, Cue | None]] = list(lx.INTENT_CUES.items())
        cues += [(c, None) for c in lx.NOT_CUES]  # matched so their words cue nothing
        self._cues = PhraseIndex(cues)
        self._keypad = index(lx.KEYPAD_CUES)
        self._app_numbers = index(lx.APP_NUMBERS)
        self._number_owners = index(lx.NUMBER_OWNERS)
        self._plates = index(lx.PLATE_WORDS)

    async def extract(self, text: str, state: VisitState) -> Extraction:
        return self.extract_sync(text, state)

    def extract_sync(self, text: str, state: VisitState | None = None) -> Extraction:
        ws = words(text)
        if not ws:
            return Extraction(confidence=0.0)
        norms = [w.norm for w in ws]
        cased = is_cased(ws)
        intent, detail, conflict, strength, company_at = self._intent(norms)
        # A company said right after a name makes it the visitor's: "Carlos da Claro".
        apartment = parse_apartment(self._mask_numbers(text, ws, norms))
        wants_keypad = bool(self._keypad.find_all(norms))

        asked_resident = state is not None and state.awaiting == "resident_name"
        visitor = self.names.visitor(ws, cased, company_at, asked_resident)
        if visitor is None and not asked_resident:
            visitor = role_identity(ws, self.names.directory_word, self._company_at)
        taken = range(visitor.start, visitor.end) if visitor else None
        resident = self.names.resident(ws, cased, taken)
        if resident is None:
            resident = self.names.spot(ws, set(taken or ()))
        visitor, resident = _bare_answer(ws, cased, visitor, resident, state, self.names)
        if visitor and resident and canonical_name(visitor.text) == canonical_name(resident.text):
            resident = None  # one name, said once: it cannot be both people

        if intent is None and resident is not None and (visitor is not None or resident.strong):
            # Asking for a resident ("chama a dona Fernanda"), or giving one's own
            # name and a resident's, with no other reason: a visit. Couriers name
            # their app and workers their trade; a bare "Rafaela" says nothing.
            intent, strength = Intent.VISITA, 1
        confidence = _confidence(
            ws,
            (visitor, resident),
            conflict,
            strength,
            found=any((intent, apartment, visitor, resident, wants_keypad)),
        )
        if wants_keypad:
            confidence = max(confidence, 0.9)  # whatever else was said, the next step is clear
        return Extraction(
            intent=intent,
            intent_detail=detail,
            visitor_name=visitor.text if visitor else None,
            apartment=apartment,
            resident_name=resident.text if resident else None,
            resident_gender=resident.gender if resident else None,
            wants_keypad=wants_keypad,
            confidence=confidence,
            intent_strength=strength,
        )

    def _company_at(self, norms: Sequence[str], i: int) -> int:
        """Length of a company or trade cue ("claro", "da vivo", "dedetização") at word i."""
        hit = self._cues.at(norms, i) if i < len(norms) else None
        return len(hit[0]) if hit is not None and hit[1] is not None and hit[1].weight == 3 else 0

    def _intent(
        self, norms: Sequence[str]
    ) -> tuple[Intent | None, str | None, bool, int, list[int]]:
        """(intent, detail, conflicting?, best cue weight, indexes of "da" before a company)."""
        score: dict[Intent, int] = {}
        strongest: dict[Intent, Cue] = {}
        company_at: list[int] = []
        for i, said, cue in self._cues.find_all(norms):
            if cue is None:
                continue
            score[cue.intent] = score.get(cue.intent, 0) + cue.weight
            best = strongest.get(cue.intent)
            if best is None or (cue.weight, cue.detail is not None) > (
                best.weight,
                best.detail is not None,
            ):
                strongest[cue.intent] = cue
            if cue.weight == 3 and i > 0:
                if said[0] in PARTICLES:
                    company_at.append(i)  # "da vivo" carries its own particle
                elif norms[i - 1] in PARTICLES:
                    company_at.append(i - 1)
        if not score:
            return None, None, False, 0, company_at
        ranked = sorted(
            score, key=lambda it: (score[it], strongest[it].weight, _PREFERENCE[it]), reverse=True
        )
        top = ranked[0]
        # Two reasons said as strongly as each other ("entrega" and "eletricista"): unsure.
        conflict = (
            len(ranked) > 1 and score[ranked[1]] >= score[top] and strongest[ranked[1]].weight >= 2
        )
        detail = strongest[top].detail
        if detail is None:
            # "entrega do gás": the detail may come from a cue that lost on intent.
            others = [c for it, c in strongest.items() if it is not top and c.detail is not None]
            detail = max(others, key=lambda c: c.weight).detail if others else None
        return top, detail, conflict, strongest[top].weight, company_at

    def _mask_numbers(self, text: str, ws: Sequence[Word], norms: Sequence[str]) -> str:
        """Hide non-apartment numbers ("motorista da 99", "pedido 4521") from the parser."""
        spans: list[tuple[int, int]] = []
        for i, said, _ in self._app_numbers.find_all(norms):
            spans.append((i, i + len(said)))
        owners = self._number_owners.find_all(norms)
        # "pedido do Rappi, número 5521": "número" soon after an owner is the owner's.
        owners += [
            (i, ("numero",), None)
            for i, n in enumerate(norms)
            if n == "numero" and any(0 < i - o <= 4 for o, _, _ in owners)
        ]
        for i, said, _ in owners:
            j = i + len(said)
            while j < len(ws) and norms[j] in _NUMBER_LEADS:
                j += 1
            end = j
            while end < len(ws) and (norms[end].isdigit() or norms[end] in _NUMBERS):
                end += 1
            if end > j:
                spans.append((i, end))
        for i, said, _ in self._plates.find_all(norms):
            # "placa ABC 1D23": letters and digits mixed, up to the next pause.
            end = i + len(said)
            while (
                end < len(ws)
                and end - i <= 6
                and not ws[end].pause
                and (
                    norms[end].isdigit()
                    or (len(norms[end]) <= 3 and norms[end] not in _NUMBER_LEADS)
                )
            ):
                end += 1
            spans.append((i, end))
        if not spans:
            return text
        chars = list(text)
        for first, last in spans:
            start, stop = ws[first].start, ws[last - 1].end
            # A comma keeps the parser from joining what is left on either side.
            chars[start:stop] = "," + " " * (stop - start - 1)
        return "".join(chars)


def _bare_answer(
    ws: Sequence[Word],
    cased: bool,
    visitor: NameSpan | None,
    resident: NameSpan | None,
    state: VisitState | None,
    names: NameFinder,
) -> tuple[NameSpan | None, NameSpan | None]:
    """A turn that is only a name ("Pedro", "é a Rafaela Silva"): whose name is it?"""
    if visitor is not None or (resident is not None and resident.strong):
        return visitor, resident
    content = [i for i, w in enumerate(ws) if w.norm not in _FILLERS]
    if not content or len(content) > 4:
        return visitor, resident
    start, end = content[0], content[-1] + 1
    if any(w.norm in NEVER_NAME or not w.norm.isalpha() for w in ws[start:end]):
        return visitor, resident
    if start > 0 and ws[start - 1].norm in _BLOCK_WORDS:
        return visitor, resident  # "o do bloco B", "torre bê": a block, not a name
    if cased and not all(ws[i].raw[:1].isupper() or ws[i].norm in PARTICLES for i in content):
        return visitor, resident
    span = NameSpan(
        start,
        end,
        resident.text
        if resident and resident.start == start and resident.end == end
        else _title(ws, start, end),
        strong=False,
        known=names.known(ws, start, end),
        gender=gender_before(ws, start),
    )
    awaiting = state.awaiting if state else None
    if awaiting == "visitor_name":
        return span, None
    if awaiting == "resident_name":
        return None, span
    if span.known:
        # A directory name, but the resident is already known and the visitor
        # is not: this is the answer to "qual é o seu nome?".
        if (
            state is not None
            and state.visitor_name is None
            and state.resident_name is not None
            and canonical_name(state.resident_name) != canonical_name(span.text)
        ):
            return span, None
        return None, span
    return span, None


def _title(ws: Sequence[Word], start: int, end: int) -> str:
    return title(" ".join(w.raw for w in ws[start:end]), PARTICLES)


def _confidence(
    ws: Sequence[Word],
    spans: tuple[NameSpan | None, NameSpan | None],
    conflict: bool,
    strength: int,
    *,
    found: bool,
) -> float:
    in_names = {i for s in spans if s is not None for i in range(s.start, s.end)}
    content = [i for i, w in enumerate(ws) if w.norm not in _FILLERS]
    unexplained = [
        i
        for i in content
        if i not in in_names
        and ws[i].norm not in _UNDERSTOOD
        and not ws[i].norm.isdigit()
        and len(ws[i].norm) > 1
    ]
    coverage = 1.0 - len(unexplained) / len(content) if content else 1.0
    if not found:
        return round(0.1 * coverage, 2)
    # Half of what was said not understood puts it under the default threshold (0.6).
    value = 0.15 + 0.85 * coverage
    if conflict:
        value -= 0.3
    if strength == 1:
        value -= 0.1  # the reason was only hinted at ("pedido", "amigo")
    return round(max(0.05, min(1.0, value)), 2)
