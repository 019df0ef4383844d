"""Grammatical gender as evidence for telling look-alike names apart.

Portuguese marks the person being asked for: "a Rafaela", "dona Ana", "da
Daniela" against "o Rafael", "seu Daniel", "do Paulo". When the recognizer
drops a final vowel ("Rafaela" heard as "Rafael") the article is often what
is left of the difference. A resident's gender comes from the directory when
it says so, else from a first name that implies it; anything unsure is None,
and None is never evidence either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from .normalize import normalize

Gender = Literal["f", "m"]

# The word said right before a person's name (or standing for them: "a do 501").
# "pra" is left out: it is "para" as often as "para a". Plural forms say nothing
# about which one person is meant.
CUE_WORDS: dict[str, Gender] = {
    "a": "f", "da": "f", "dona": "f", "senhora": "f", "sra": "f", "doutora": "f", "dra": "f",
    "tia": "f", "moradora": "f",
    "o": "m", "do": "m", "pro": "m", "seu": "m", "senhor": "m", "sr": "m", "doutor": "m",
    "dr": "m", "tio": "m", "morador": "m", "sio": "m",
}  # fmt: skip

# First names whose ending misleads or says nothing. Spelled as `normalize` gives.
_FEMININE = frozenset({
    "raquel", "isabel", "mabel", "maribel", "anabel", "rachel", "ester", "esther", "rute", "ruth",
    "beatriz", "lais", "tais", "thais", "ines", "iris", "liz", "luz", "alice", "simone",
    "cristiane", "eliane", "luciane", "viviane", "tatiane", "ariane", "josiane", "rosane", "jane",
    "jaqueline", "caroline", "aline", "francine", "ivone", "yvone", "dirce", "irene", "denise",
    "clarice", "gisele", "michele", "daniele", "adriele", "rafaele", "gabriele", "elisabete",
    "elizabete", "bernadete", "ivete", "odete", "claudete", "marlene", "darlene", "solange",
    "ingrid", "astrid", "miriam", "yasmin", "jasmin", "carmen", "karen", "helen", "ellen", "sueli",
    "sheila", "nair", "rosimeire", "rosemeire", "valdirene", "cleide", "neide",
    "aparecida", "socorro", "rosario", "amparo", "consuelo", "carmo", "ilda", "hilda", "matilde",
    "clotilde", "leonor", "noemi", "noemia", "nicole", "natali", "sofi", "suzi", "vivian", "lilian",
    "marli", "nadir", "zuleide", "agnes", "raissa",
})  # fmt: skip
_MASCULINE = frozenset({
    "jose", "jorge", "henrique", "felipe", "filipe", "vicente", "alexandre", "guilherme", "andre",
    "duarte", "dante", "roque", "rene", "jaime", "caique", "anderson", "luis", "luiz", "davi",
    "david", "levi", "rui", "ruy", "joao", "tome", "noe", "moises", "elias", "jonas", "tomas",
    "lucas", "matias", "nicolas", "douglas", "thomas", "luca", "nicola", "joshua", "jonatas",
    "benjamin", "joaquim", "kevin", "kelvin", "alvin", "edwin", "ivan", "renan", "allan", "alan",
    "juan", "ian", "bruce", "wallace", "cleber", "kleber", "valter", "walter", "peter", "roger",
    "ali", "ari", "caue", "cristian", "christian", "diogenes", "aquiles", "felix",
    "max", "alex", "zeca", "ze", "juca",
})  # fmt: skip
_NEVER_BY_ENDING = frozenset({"ariel", "darci", "juraci", "sasha", "jaci", "rafa", "dani", "gabi"})
# Endings that are a safe guess in Brazilian first names, checked in this order
# ("Conceição" ends in "o" but is a woman's name, like every "-ção").
_ENDINGS: tuple[tuple[str, Gender], ...] = (
    ("son", "m"), ("ton", "m"), ("el", "m"), ("or", "m"), ("os", "m"), ("us", "m"),
    ("cao", "f"), ("o", "m"), ("a", "f"), ("iane", "f"), ("ine", "f"), ("ete", "f"), ("ele", "f"),
)  # fmt: skip


def name_gender(name: str) -> Gender | None:
    """The gender a name's first word implies, or None when it could be either."""
    first = next(iter(normalize(name).split()), "")
    if not first or first in _NEVER_BY_ENDING:
        return None
    if first in _FEMININE:
        return "f"
    if first in _MASCULINE:
        return "m"
    for ending, gender in _ENDINGS:
        if first.endswith(ending) and len(first) > len(ending) + 1:
            return gender
    return None


def cue_before(words: Sequence[str]) -> Gender | None:
    """The gender marked by the word said right before a name.

    `words` are normalized, in spoken order, ending right before the name:
    "vim ver a dona" -> "f" ("dona"); "vim ver" -> None. Only the nearest word
    counts: an honorific is always next to the name, and a cue further back
    may belong to another phrase ("o pacote, Maria").
    """
    return CUE_WORDS.get(words[-1]) if words else None


def fit(said: Gender | None, resident: Gender | None) -> int:
    """+1 when the caller's cue agrees with the resident, -1 when it contradicts, 0 when unknown."""
    if said is None or resident is None:
        return 0
    return 1 if said == resident else -1
