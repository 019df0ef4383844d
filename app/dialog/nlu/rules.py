"""The embedded extractor: pt-BR rules plus directory-aware fuzzy matching.

Needs no key and runs in well under 5 ms per utterance (bench/bench_nlu.py).
Names come from cue phrases ("meu nome é…", "vim ver a…"); a resident's name
said without a cue is still found by matching each word against the
directory's names. Reply words ("sim", "não") are never names.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from app.dialog.nlu.lexicon import INTENT_CUES, KEYPAD_CUES, NAME_STOP, PARTICLES, RESIDENT_CUES, VISITOR_CUES
from app.dialog.nlu.model import Extraction, Intent, VisitState
from app.directory.directory import Directory
from app.directory.normalize import canonical_name, normalize
from app.directory.numbers import parse_apartment

_INTENT_RANK = {Intent.ENTREGA: 0, Intent.SERVICO: 1, Intent.VISITA: 2}
_NAME_TOKEN_SCORE = 88.0


def _has(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text) is not None


def _intent(t: str) -> tuple[Intent | None, str | None]:
    found = [(intent, detail) for phrase, intent, detail in INTENT_CUES if _has(t, phrase)]
    if not found:
        return None, None
    found.sort(key=lambda f: (_INTENT_RANK[f[0]], f[1] is None))
    best = found[0][0]
    detail = next((d for i, d in found if i is best and d), None)
    return best, detail


def _name_after(t: str, cues: list[str], original: list[str] | None = None) -> str | None:
    """The words after the first cue that are a name: up to 4, particles inside allowed."""
    best: tuple[int, str] | None = None
    for cue in cues:
        m = re.search(rf"(?<![a-z0-9]){re.escape(cue)}\s+", t)
        if m and (best is None or m.end() < best[0] or (m.end() == best[0])):
            name = _take_name(t[m.end():].split())
            if name and (best is None or m.start() < best[0]):
                best = (m.start(), name)
    return best[1] if best else None


def _take_name(words: list[str]) -> str | None:
    out: list[str] = []
    for i, w in enumerate(words):
        if w in PARTICLES and out and i + 1 < len(words) and words[i + 1] not in NAME_STOP \
                and not any(c.isdigit() for c in words[i + 1]) and _is_company(words[i + 1]) is False:
            out.append(w)
            continue
        if w in NAME_STOP or any(c.isdigit() for c in w) or len(w) < 2 or _is_company(w):
            break
        out.append(w)
        if len(out) >= 4:
            break
    while out and out[-1] in PARTICLES:
        out.pop()
    return " ".join(x.capitalize() if x not in PARTICLES else x for x in out) or None


def _original_spelling(text: str) -> dict[str, str]:
    """normalized word -> the word as transcribed (accents kept), for names we hand back."""
    out: dict[str, str] = {}
    for w in text.split():
        w = w.strip(".,;:!?\"'()")
        if w:
            out.setdefault(normalize(w), w)
    return out


def _respell(name: str | None, spelling: dict[str, str]) -> str | None:
    if name is None:
        return None
    words = [spelling.get(normalize(w), w) for w in name.split()]
    return " ".join(w if w.lower() in PARTICLES else w[:1].upper() + w[1:] for w in words)


def _is_company(w: str) -> bool:
    return any(w == phrase for phrase, _, detail in INTENT_CUES if detail and " " not in phrase)


class RuleExtractor:
    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        # canonical name token -> how many residents carry it (first names and surnames)
        self._tokens: set[str] = set()
        for apt in directory.apartments:
            for r in apt.residents:
                for tok in canonical_name(r.name).split():
                    if len(tok) >= 3 and tok not in PARTICLES:
                        self._tokens.add(tok)

    async def extract(self, text: str, state: VisitState) -> Extraction:
        return self.extract_sync(text, state)

    def extract_sync(self, text: str, state: VisitState | None = None) -> Extraction:
        t = normalize(text)
        spelling = _original_spelling(text)
        intent, detail = _intent(t)
        apartment = parse_apartment(text)
        visitor = _name_after(t, VISITOR_CUES)
        resident = _name_after(t, RESIDENT_CUES)
        if resident and not self._known_name(resident):
            resident = None
        if visitor and resident and canonical_name(visitor) == canonical_name(resident):
            resident = None
        if resident is None:
            resident = self._spot_resident(t, exclude=visitor)
        visitor, resident = _respell(visitor, spelling), _respell(resident, spelling)
        wants_keypad = any(_has(t, c) for c in KEYPAD_CUES)
        if intent is None and resident:
            intent = Intent.VISITA
        found = sum(x is not None for x in (intent, apartment, visitor, resident))
        confidence = min(1.0, 0.25 * found + (0.25 if apartment or resident else 0.0)) if found else 0.0
        return Extraction(intent=intent, intent_detail=detail, visitor_name=visitor, apartment=apartment,
                          resident_name=resident, wants_keypad=wants_keypad, confidence=confidence)

    def _known_name(self, name: str) -> bool:
        return any(self._token_score(tok) >= _NAME_TOKEN_SCORE for tok in canonical_name(name).split())

    def _token_score(self, tok: str) -> float:
        if len(tok) < 3 or tok in NAME_STOP:
            return 0.0
        if tok in self._tokens:
            return 100.0
        return max((fuzz.ratio(tok, known) for known in self._tokens), default=0.0)

    def _spot_resident(self, t: str, exclude: str | None) -> str | None:
        """A directory name said without a cue ("entrega Simone Araújo")."""
        skip = set(canonical_name(exclude).split()) if exclude else set()
        words = t.split()
        picked: list[str] = []
        for w in words:
            cw = canonical_name(w)
            if not cw or cw in skip or w in NAME_STOP or any(c.isdigit() for c in w):
                if picked:
                    break
                continue
            if self._token_score(cw) >= _NAME_TOKEN_SCORE:
                picked.append(w)
            elif picked:
                break
        return " ".join(p.capitalize() for p in picked) or None
