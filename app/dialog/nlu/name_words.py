"""What a name is made of: the words that can be part of one, and reading one from
where it starts to where it stops ("Pedro da Silva" but "João | da Vivo").

Shared by the name finder (app/dialog/nlu/names.py), the rules and the identity
reader, so that all three agree on which words are never names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.dialog.nlu import lexicon as lx
from app.dialog.nlu.text import Word
from app.directory.gender import Gender, cue_before
from app.directory.normalize import normalize


def norms(words: Iterable[str]) -> frozenset[str]:
    return frozenset(t for w in words for t in normalize(w).split())


PARTICLES = norms(lx.PARTICLES)
OPENERS = norms(lx.CLAUSE_OPENERS)
# Every word of every cue, plus fillers, numbers and replies: never part of a name.
# "luiza" and "ze" stay names although brand names contain them.
NEVER_NAME = (
    (
        norms(lx.FILLERS)
        | norms(lx.NUMBER_WORDS)
        | norms(lx.REPLY_WORDS)
        | norms(lx.NOT_NAMES)
        | norms(lx.VAGUE)
        | norms(lx.INTENT_CUES)
        | norms(lx.VISITOR_SUFFIXES)
        | norms(lx.VISITOR_ARRIVED)
        | norms(lx.RESIDENT_SUFFIXES)
        | norms(lx.KEYPAD_CUES)
        | norms(lx.HONORIFICS)
        | norms(lx.RESIDENT_CUES)
        | norms(lx.VISITOR_CUES)
    )
    - PARTICLES
    - {"luiza", "ze", "james"}
)

MAX_NAME_WORDS = 4


@dataclass(frozen=True)
class NameSpan:
    start: int  # word indexes, end exclusive
    end: int
    text: str  # as written, title-cased: "Pedro da Silva"
    strong: bool  # found after a cue (not only by looking it up in the directory)
    known: bool  # some word of it is a resident's name word
    # What the word before marks: "a"/"dona"/"da" -> "f", "o"/"seu"/"do" -> "m".
    gender: Gender | None = None


def gender_before(ws: Sequence[Word], start: int) -> Gender | None:
    """The gender the word right before word `start` marks ("vim ver a Rafaela" -> "f")."""
    return cue_before([w.norm for w in ws[max(0, start - 1) : start]])


def is_name_word(w: Word, cased: bool) -> bool:
    """A word that can be (part of) a name; particles only join two of them."""
    if w.norm in NEVER_NAME or w.norm in PARTICLES or len(w.norm) < 2 or not w.norm.isalpha():
        return False
    # When the recognizer capitalizes names, "sou o entregador" has none.
    return not cased or w.raw[:1].isupper()


def read_name(ws: Sequence[Word], i: int, cased: bool) -> int:
    """End index of the name starting at word i (i itself when there is none)."""
    j, count = i, 0
    while j < len(ws) and count < MAX_NAME_WORDS:
        if j > i and ws[j].pause:
            break
        w = ws[j]
        if is_name_word(w, cased):
            j, count = j + 1, count + 1
            continue
        # "Pedro da Silva" goes on; "João da Vivo", "Ana do 202" stop before the particle.
        if (
            count
            and w.norm in PARTICLES
            and j + 1 < len(ws)
            and not ws[j + 1].pause
            and is_name_word(ws[j + 1], cased)
        ):
            j += 1
            continue
        break
    return j


def clause_start(ws: Sequence[Word], i: int) -> bool:
    """Only greetings and fillers before word i in its sentence (or since the last comma)."""
    for j in range(i - 1, -1, -1):
        if ws[j + 1].pause:
            return True
        if ws[j].norm not in OPENERS:
            return False
    return True
