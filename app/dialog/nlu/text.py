"""Words of a transcript, normalized for matching but keeping what was written.

Matching runs on normalized words (lowercase, no accents: what the directory's
`normalize` gives), names are returned as written ("João", not "joao"), and
punctuation the recognizer put in is kept as a "pause" because a comma ends a
name ("Pedro, vim ver a Rafaela").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from app.directory.normalize import normalize

_WORD = re.compile(r"\d+|[^\W\d_]+")
_PAUSE = re.compile(r"[.,;:!?…]")
_SENTENCE_END = re.compile(r"[.!?…]")

Phrase = tuple[str, ...]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Word:
    norm: str  # normalized: "joao"
    raw: str  # as transcribed: "João"
    pause: bool  # punctuation between the previous word and this one
    sentence_start: bool  # first word, or after . ! ?
    start: int  # offsets in the transcript
    end: int


def words(text: str) -> list[Word]:
    out: list[Word] = []
    last_end = 0
    for m in _WORD.finditer(text):
        gap = text[last_end : m.start()]
        norm = normalize(m.group())
        if not norm:
            continue
        # "nº" normalizes to "no": one token in, one out, so indexes stay aligned.
        out.append(
            Word(
                norm.replace(" ", ""),
                m.group(),
                bool(_PAUSE.search(gap)),
                not out or bool(_SENTENCE_END.search(gap)),
                m.start(),
                m.end(),
            )
        )
        last_end = m.end()
    return out


def phrase(text: str) -> Phrase:
    return tuple(normalize(text).split())


class PhraseIndex(Generic[T]):
    """Phrases looked up by their first word, longest first: a few dict hits per word."""

    def __init__(self, items: Iterable[tuple[str, T]]) -> None:
        by_first: dict[str, list[tuple[Phrase, T]]] = {}
        for text, value in items:
            p = phrase(text)
            if p:
                by_first.setdefault(p[0], []).append((p, value))
        self._by_first = {k: sorted(v, key=lambda pv: -len(pv[0])) for k, v in by_first.items()}

    def at(self, norms: Sequence[str], i: int) -> tuple[Phrase, T] | None:
        for p, value in self._by_first.get(norms[i], ()):
            if tuple(norms[i : i + len(p)]) == p:
                return p, value
        return None

    def find_all(self, norms: Sequence[str]) -> list[tuple[int, Phrase, T]]:
        """Non-overlapping occurrences, left to right, the longest at each position."""
        found: list[tuple[int, Phrase, T]] = []
        i = 0
        while i < len(norms):
            hit = self.at(norms, i)
            if hit is None:
                i += 1
                continue
            found.append((i, *hit))
            i += len(hit[0])
        return found


def index(texts: Iterable[str]) -> PhraseIndex[None]:
    return PhraseIndex((t, None) for t in texts)


def is_cased(ws: Sequence[Word]) -> bool:
    """Whether the recognizer capitalizes proper nouns (Whisper, Azure do; some don't).

    Only then can a lowercase word after "sou o" be taken as "not a name".
    """
    return any(w.raw[:1].isupper() and not w.sentence_start for w in ws if w.raw.isalpha())


def title(raw: str, particles: frozenset[str]) -> str:
    """A name as it should be shown: "pedro da silva" -> "Pedro da Silva"."""
    parts = raw.split()
    return " ".join(
        p.lower()
        if normalize(p) in particles and 0 < i < len(parts) - 1
        else (p if any(c.isupper() for c in p) else p[:1].upper() + p[1:])
        for i, p in enumerate(parts)
    )
