"""Does a transcript end like a sentence someone is still saying?

People pause mid-sentence ("Boa noite, aqui é o…", "é pro apartamento…"). When a
fragment ends on a word that cannot end a pt-BR sentence (a connector, a
preposition, an article, "meu nome é"), the turn-taker waits a little longer for
the rest before replying. Recognizers often close such a fragment with a period,
so final periods are ignored; a trailing comma or an ellipsis counts as unfinished.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+|\d+")
# Accents kept: "e" (and) leaves a sentence open, "é" (is) may close it ("Quem é?").
_CONNECTORS = {"e", "ou", "mas", "que", "porque", "pois", "então", "tipo", "quando", "se"}
_PREPOSITIONS = {
    "de",
    "do",
    "da",
    "dos",
    "das",
    "para",
    "pra",
    "pro",
    "pras",
    "pros",
    "com",
    "no",
    "na",
    "nos",
    "nas",
    "em",
    "por",
    "pelo",
    "pela",
    "ao",
    "num",
    "numa",
    "sem",
    "até",
}
_ARTICLES = {"o", "a", "os", "as", "um", "uma", "uns", "umas"}
# Words that announce what comes next: "é pro apartamento…", "meu nome…".
_ANNOUNCERS = {
    "apartamento",
    "apto",
    "ap",
    "bloco",
    "número",
    "nome",
    "chamo",
    "sou",
    "seu",
    "dona",
    "meu",
    "minha",
}
# Two-word endings: "meu nome é", "aqui é", "eu sou" ("quem é?" and a bare "é" are whole answers).
_PAIRS = {
    ("nome", "é"),
    ("aqui", "é"),
    ("fala", "é"),
    ("falando", "é"),
    ("me", "chamo"),
    ("eu", "sou"),
    ("vim", "ver"),
    ("vim", "visitar"),
    ("falar", "com"),
}
_LAST_WORDS = _CONNECTORS | _PREPOSITIONS | _ARTICLES | _ANNOUNCERS
_TRAILING_OPEN = re.compile(r"(,|…|\.\.\.|-)\s*$")


def sounds_unfinished(text: str) -> bool:
    stripped = text.strip()
    if not stripped:
        return False
    if _TRAILING_OPEN.search(stripped):
        return True
    words = _WORD.findall(stripped.lower())
    if not words:
        return False
    last = words[-1]
    if last in {"um", "uma"} and len(words) >= 2 and words[-2] == "e":
        return False  # "quinhentos e um": a number, not an article
    if last in _LAST_WORDS and not (len(words) == 1 and last in {"e", "a"}):
        return True
    return len(words) >= 2 and (words[-2], words[-1]) in _PAIRS
