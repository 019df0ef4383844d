"""Answers to "Com quem você quer falar?" that are not a name or an apartment.

After the gate names two or three options, people point at one ("a
primeira", "o segundo", "a última"), at its block ("o do bloco B"), mark it
by its article ("a do quinze": the woman in 15), or turn them all down
("nenhum", "nenhuma delas"). Names and apartments in the same answer are
read by the extractor as on any other turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from app.dialog.nlu.text import PhraseIndex, Word, words
from app.directory.gender import Gender

_ORDINALS = {
    "primeiro": 0, "primeira": 0, "segundo": 1, "segunda": 1, "terceiro": 2, "terceira": 2,
    "ultimo": -1, "ultima": -1,
}  # fmt: skip
_NONE_OF_THEM = PhraseIndex((p, True) for p in (
    "nenhum", "nenhuma", "nenhum deles", "nenhuma delas", "nenhum dos dois", "nenhuma das duas",
    "nem um nem outro", "nem uma nem outra", "nenhum desses", "nenhuma dessas", "outra pessoa",
    "outro morador", "outra moradora", "não é nenhum", "não é nenhuma",
))  # fmt: skip
_BLOCK_WORDS = frozenset({"bloco", "torre"})
# Letters as said after "bloco": "bloco bê". Only the ones a block is called.
_LETTER_NAMES = {"a": "A", "be": "B", "ce": "C", "de": "D", "e": "E", "efe": "F", "ge": "G"}
# Only marked, person-referring words: a bare "o" in "o do 501" may mean the
# apartment ("o apartamento do 501"), but "a do quinze" is the woman in 15.
_LEADING_GENDER: dict[str, Gender] = {
    "a": "f",
    "dona": "f",
    "senhora": "f",
    "seu": "m",
    "senhor": "m",
}
_SKIP_AT_START = frozenset({"e", "ah", "entao", "olha", "hum", "eh", "pode", "ser", "quero"})


@dataclass(frozen=True)
class ChoiceWords:
    ordinal: int | None = None  # index into the options said: 0 first, -1 last
    none_of_them: bool = False
    block: str | None = None  # "o do bloco B" with no apartment number
    gender: Gender | None = None  # "a do quinze": the article standing for the person


def _block(ws: list[Word]) -> str | None:
    for word, nxt in pairwise(ws):
        if word.norm not in _BLOCK_WORDS:
            continue
        if nxt.norm.isdigit():
            return str(int(nxt.norm))
        if len(nxt.norm) == 1 and nxt.norm.isalpha():
            return nxt.norm.upper()
        if nxt.norm in _LETTER_NAMES:
            return _LETTER_NAMES[nxt.norm]
    return None


def _gender(ws: list[Word]) -> Gender | None:
    for w in ws:
        if w.norm in _LEADING_GENDER:
            return _LEADING_GENDER[w.norm]
        if w.norm not in _SKIP_AT_START:
            return None
    return None


def block_said(text: str) -> str | None:
    """A block named without an apartment number: "o Zé Carlos do bloco B"."""
    return _block(words(text))


def read_choice(text: str) -> ChoiceWords:
    ws = words(text)
    norms = [w.norm for w in ws]
    if _NONE_OF_THEM.find_all(norms):
        return ChoiceWords(none_of_them=True)
    ordinal = next((_ORDINALS[n] for n in norms if n in _ORDINALS), None)
    if ordinal is not None:
        return ChoiceWords(ordinal=ordinal)
    return ChoiceWords(block=_block(ws), gender=_gender(ws))
