"""People's names in a visitor's words: their own, and the resident's they ask for.

Names are open vocabulary, so they are read from their context: a cue before
("meu nome é", "vim ver a", "entrega pra") or after ("Pedro aqui", "a Rafaela
tá me esperando"), then name-like words up to a pause or a word that is
never a name. A resident's name said with no cue at all is still found by
comparing each word with the directory's names, word by word (canonical
spelling, fuzzy within a guard so that "Rafael" is not "Rafaela" and "sim"
is never "Simone").
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process

from app.dialog.nlu import lexicon as lx
from app.dialog.nlu.name_words import (
    MAX_NAME_WORDS,
    NEVER_NAME,
    OPENERS,
    PARTICLES,
    NameSpan,
    clause_start,
    gender_before,
    is_name_word,
    norms,
    read_name,
)
from app.dialog.nlu.text import PhraseIndex, Word, index, title
from app.directory.directory import Directory
from app.directory.normalize import canonical_name, normalize

_SKIP_VISITOR = norms(lx.ARTICLES)
_TITLES = norms(lx.FORMAL_TITLES)
_RELATIONS = norms(lx.RELATIONS)
_SKIP_RESIDENT = norms((*lx.ARTICLES, *lx.HONORIFICS))
_COMMON_SURNAMES = frozenset(canonical_name(w) for w in lx.COMMON_WORD_SURNAMES)
_FUZZY_MIN = 85.0  # rapidfuzz ratio for a misheard name word ("Fernada" for "Fernanda")


class NameFinder:
    def __init__(self, directory: Directory) -> None:
        vocabulary = {
            token
            for apartment in directory.apartments
            for resident in apartment.residents
            for said in (resident.name, *resident.nicknames)  # "Bia" is a name here too
            for token in canonical_name(said).split()
            if len(token) >= 3 and token not in PARTICLES
        }
        # A name word and a fuzzy look-alike share their first letter: search only those.
        self._by_letter: dict[str, list[str]] = {}
        for token in sorted(vocabulary):
            self._by_letter.setdefault(token[0], []).append(token)
        self._vocabulary = frozenset(vocabulary)
        self._visitor_cues = index(lx.VISITOR_CUES)
        self._clause_cues = frozenset(normalize(c) for c in lx.AT_CLAUSE_START)
        self._resident_cues = PhraseIndex(
            [(c, True) for c in lx.RESIDENT_CUES] + [(c, False) for c in lx.WEAK_RESIDENT_CUES]
        )
        self._visitor_suffixes = index(lx.VISITOR_SUFFIXES)
        self._visitor_arrived = index(lx.VISITOR_ARRIVED)
        self._resident_suffixes = index(lx.RESIDENT_SUFFIXES)

    # --- directory look-up -------------------------------------------------

    def directory_word(self, norm: str) -> bool:
        """Whether a word is (a misheard form of) a word of some resident's name."""
        if len(norm) < 3 or norm in NEVER_NAME or not norm.isalpha():
            return False
        token = canonical_name(norm)
        if token in self._vocabulary:
            return True
        if len(token) < 4:
            return False
        hit = process.extractOne(
            token, self._by_letter.get(token[0], ()), scorer=fuzz.ratio, score_cutoff=_FUZZY_MIN
        )
        # Same last letter: "Rafael" is not "Rafaela", "Fernando" not "Fernanda".
        return hit is not None and hit[0][-1] == token[-1]

    def known(self, ws: Sequence[Word], start: int, end: int) -> bool:
        return any(self.directory_word(w.norm) for w in ws[start:end] if w.norm not in PARTICLES)

    def _span(self, ws: Sequence[Word], start: int, end: int, strong: bool) -> NameSpan:
        text = title(" ".join(w.raw for w in ws[start:end]), PARTICLES)
        return NameSpan(
            start, end, text, strong, self.known(ws, start, end), gender_before(ws, start)
        )

    # --- cues ----------------------------------------------------------------

    def visitor(
        self,
        ws: Sequence[Word],
        cased: bool,
        before: Sequence[int] = (),
        asked_resident: bool = False,
    ) -> NameSpan | None:
        """The visitor's own name; `before` are word indexes of "da <company>" ("João da Vivo").

        `asked_resident`: the gate just asked whom they want, so "é a Rafaela"
        names the resident, not the caller.
        """
        norms = [w.norm for w in ws]
        for i, cue, _ in self._visitor_cues.find_all(norms):
            if " ".join(cue) in self._clause_cues and (asked_resident or not clause_start(ws, i)):
                continue
            start = i + len(cue)
            while start < len(ws) and ws[start].norm in _SKIP_VISITOR:
                start += 1
            titled = start < len(ws) and ws[start].norm in _TITLES
            start += titled  # "sou a doutora Helena", "é a dona Cida"
            end = read_name(ws, start, cased) if start < len(ws) else start
            if end > start:
                span = self._span(ws, start, end, strong=True)
                # "é a dona Maria das Graças que eu quero ver": a titled resident, not me.
                if not (titled and span.known):
                    return span
        seu = self._seu_for_sou(ws, cased)
        if seu is not None:
            return seu
        apposed = self._apposition(ws, cased, before)
        if apposed is not None:
            return apposed
        for i, _cue, _ in self._visitor_suffixes.find_all(norms):
            before_cue = self._name_before(ws, i, cased)
            # "o Pedro aqui": the article may open the clause.
            if before_cue is not None and clause_start(
                ws,
                before_cue.start
                - (
                    1
                    if before_cue.start > 0 and ws[before_cue.start - 1].norm in _SKIP_VISITOR
                    else 0
                ),
            ):
                return before_cue
        for i, _cue, _ in self._visitor_arrived.find_all(norms):
            arrived = self._name_before(ws, i, cased)
            if arrived is not None:
                return arrived
        for i in before:
            before_company = self._name_before(ws, i, cased)
            if before_company is not None and clause_start(ws, before_company.start):
                return before_company
        return None

    def _seu_for_sou(self, ws: Sequence[Word], cased: bool) -> NameSpan | None:
        """ "seu Marcelo, vim ver a Fernanda": recognizers write "seu" for "sou o"; at the
        start of a clause, before a name the building does not know, it is the visitor's."""
        for i, w in enumerate(ws[:-1]):
            if w.norm == "seu" and clause_start(ws, i):
                end = read_name(ws, i + 1, cased)
                if end > i + 1:
                    span = self._span(ws, i + 1, end, strong=True)
                    return None if span.known else span
        return None

    def _apposition(
        self, ws: Sequence[Word], cased: bool, companies: Sequence[int]
    ) -> NameSpan | None:
        """ "Ricardo, cunhado do Thiago", "Gustavo, da Claro": a name opening the turn,
        then after a pause who they are to the resident or whom they work for."""
        start = next((i for i, w in enumerate(ws) if w.norm not in OPENERS), None)
        if start is None:
            return None
        if ws[start].norm in _SKIP_VISITOR:
            start += 1
        end = read_name(ws, start, cased) if start < len(ws) else start
        if end == start or end + 1 >= len(ws) or not ws[end].pause:
            return None
        relation = ws[end].norm in _RELATIONS and ws[end + 1].norm in PARTICLES
        if relation or end in companies:
            return self._span(ws, start, end, strong=True)
        return None

    def resident(self, ws: Sequence[Word], cased: bool, taken: range | None) -> NameSpan | None:
        """The best cued resident name outside `taken` (the visitor's own name)."""
        norms = [w.norm for w in ws]
        found: list[NameSpan] = []
        for i, cue, strong in self._resident_cues.find_all(norms):
            start = i + len(cue)
            while start < len(ws) and ws[start].norm in _SKIP_RESIDENT:
                start += 1
            end = read_name(ws, start, cased) if start < len(ws) else start
            if end > start and (taken is None or start not in taken):
                span = self._span(ws, start, end, strong)
                # "pra hoje", "pra Pedro": a weak cue needs the directory or a capital letter.
                if strong or span.known or (cased and not ws[start].sentence_start):
                    found.append(span)
        for i, _cue, _ in self._resident_suffixes.find_all(norms):
            before = self._name_before(ws, i, cased)
            if before is not None and (taken is None or before.start not in taken):
                found.append(before)
        if not found:
            return None
        # Prefer a name the directory knows, then a strong cue, then the first said.
        return max(found, key=lambda s: (s.known, s.strong, -s.start))

    def _name_before(self, ws: Sequence[Word], i: int, cased: bool) -> NameSpan | None:
        if i == 0 or ws[i].pause:
            return None
        start = i
        while (
            start > 0
            and not ws[start].pause
            and (
                is_name_word(ws[start - 1], cased)
                or (
                    ws[start - 1].norm in PARTICLES
                    and start < i
                    and start - 1 > 0
                    and is_name_word(ws[start - 2], cased)
                )
            )
        ):
            start -= 1
            if i - start > MAX_NAME_WORDS + 1:
                return None
        if start == i:
            return None
        return self._span(ws, start, i, strong=True)

    # --- no cue: look every word up in the directory --------------------------

    def spot(self, ws: Sequence[Word], taken: set[int]) -> NameSpan | None:
        """The longest run of directory name words ("Simone Araújo" in "entrega Simone Araújo")."""
        best: NameSpan | None = None
        i = 0
        while i < len(ws):
            if i in taken or not self.directory_word(ws[i].norm):
                i += 1
                continue
            j = i + 1
            while j < len(ws) and j not in taken and not ws[j].pause:
                if self.directory_word(ws[j].norm):
                    j += 1
                elif (
                    ws[j].norm in PARTICLES
                    and j + 1 < len(ws)
                    and j + 1 not in taken
                    and not ws[j + 1].pause
                    and self.directory_word(ws[j + 1].norm)
                ):
                    j += 2
                else:
                    break
            if self._plausible_alone(ws, i, j):
                span = NameSpan(
                    i,
                    j,
                    title(" ".join(w.raw for w in ws[i:j]), PARTICLES),
                    strong=False,
                    known=True,
                    gender=gender_before(ws, i),
                )
                if best is None or (span.end - span.start) > (best.end - best.start):
                    best = span
            i = j
        return best

    def _plausible_alone(self, ws: Sequence[Word], i: int, j: int) -> bool:
        # "graças a Deus", "dois dias": an everyday word alone is a surname only
        # when written as one (capital letter mid-sentence).
        if j - i > 1 or canonical_name(ws[i].norm) not in _COMMON_SURNAMES:
            return True
        return ws[i].raw[:1].isupper() and not ws[i].sentence_start
