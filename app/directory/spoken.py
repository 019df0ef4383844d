"""Numbers as Brazilians say them: cardinals ("quinhentos e um", "mil duzentos
e um") and digit by digit ("cinco zero um", "cinco meia dois", "doze zero um").

Works on tokens so that apartment parsing can find number spans inside a longer
utterance; `words_to_number` is the whole-string entry point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import normalize

# "uma"/"duas" are left out on purpose: apartment numbers are masculine, and
# as articles ("uma entrega") they would turn into apartment 1.
UNITS: dict[str, int] = {
    "zero": 0, "um": 1, "dois": 2, "tres": 3, "quatro": 4, "cinco": 5,
    "seis": 6, "meia": 6, "sete": 7, "oito": 8, "nove": 9,
}  # fmt: skip
TEENS: dict[str, int] = {
    "dez": 10, "onze": 11, "doze": 12, "treze": 13, "quatorze": 14, "catorze": 14,
    "quinze": 15, "dezesseis": 16, "dezasseis": 16, "dezessete": 17, "dezassete": 17,
    "dezoito": 18, "dezenove": 19, "dezanove": 19,
}  # fmt: skip
TENS: dict[str, int] = {
    "vinte": 20, "trinta": 30, "quarenta": 40, "cinquenta": 50, "cincoenta": 50,
    "sessenta": 60, "setenta": 70, "oitenta": 80, "noventa": 90,
}  # fmt: skip
HUNDREDS: dict[str, int] = {
    "cem": 100, "cento": 100, "duzentos": 200, "trezentos": 300, "quatrocentos": 400,
    "quinhentos": 500, "seiscentos": 600, "setecentos": 700, "oitocentos": 800,
    "novecentos": 900,
}  # fmt: skip

# Once a component is placed, the next one must be smaller than this
# ("quinhentos" leaves room for < 100, "vinte" for < 10, "doze" for nothing).
_ROOM_AFTER = {**{w: 1 for w in UNITS}, **{w: 1 for w in TEENS},
               **{w: 10 for w in TENS}, **{w: 100 for w in HUNDREDS}}  # fmt: skip
_VALUES = {**UNITS, **TEENS, **TENS, **HUNDREDS}

# Longer than this, a digit string is a phone number or a document, not a door.
MAX_DIGITS = 5

_PUNCTUATION = re.compile(r"[.,;:!?]")


@dataclass(frozen=True)
class Token:
    norm: str  # normalized text
    raw: str  # as written, for case checks ("doze A")
    start: int  # offsets in the text it came from
    end: int

    @property
    def is_digits(self) -> bool:
        return self.norm.isdigit()


@dataclass(frozen=True)
class NumberSpan:
    start: int  # token indexes, end exclusive
    end: int
    digits: str  # as spoken, leading zeros kept
    weak: bool  # one word like "dois" or "mil" ("mil desculpas"): often not a number at all


def joined(text: str, left: Token, right: Token) -> bool:
    """Two tokens belong to the same phrase: no punctuation between them."""
    return _PUNCTUATION.search(text, left.end, right.start) is None


def simple_tokens(text: str) -> list[Token]:
    norm = normalize(text)
    return [
        Token(m.group(), m.group(), m.start(), m.end()) for m in re.finditer(r"\d+|[a-z]+", norm)
    ]


def _cardinal(tokens: list[Token], i: int, text: str) -> tuple[int, int] | None:
    """Longest cardinal number starting at token i: (value, end index)."""
    value = 0
    room: int | None = None  # None: nothing placed yet
    thousands = False
    j = i
    while j < len(tokens):
        k = j
        if room is not None and tokens[k].norm == "e" and k + 1 < len(tokens):
            k += 1  # "quinhentos e um": only taken if what follows fits
        if not joined(text, tokens[j - 1] if j > i else tokens[j], tokens[k]):
            break
        word = tokens[k].norm
        if word == "mil":
            if thousands or k != j or value >= 1000:
                break
            value = (value or 1) * 1000
            thousands, room, j = True, 1000, k + 1
            continue
        amount = _VALUES.get(word)
        if amount is None:
            break
        if room is not None and (amount == 0 or amount >= room):
            break
        value += amount
        room = _ROOM_AFTER[word]
        j = k + 1
    return None if room is None else (value, j)


def number_at(tokens: list[Token], i: int, text: str) -> NumberSpan | None:
    """The number spoken or written at token i, if one starts there."""
    first = tokens[i]
    if first.is_digits:
        digits, end = first.norm, i + 1
        # "5 0 1": some recognizers write digits spoken one by one like this.
        while (
            len(first.norm) == 1
            and end < len(tokens)
            and len(tokens[end].norm) == 1
            and tokens[end].is_digits
            and joined(text, tokens[end - 1], tokens[end])
        ):
            digits, end = digits + tokens[end].norm, end + 1
        return NumberSpan(i, end, digits, weak=False)
    cardinal = _cardinal(tokens, i, text)
    if cardinal is None:
        return None
    value, end = cardinal
    digits = str(value)
    # Digit by digit after a small first group: "cinco zero um", "doze zero um".
    while value < 100 and end < len(tokens) and joined(text, tokens[end - 1], tokens[end]):
        digit = UNITS.get(tokens[end].norm)
        if digit is None:
            break
        digits, end = digits + str(digit), end + 1
    weak = end == i + 1 and (first.norm in UNITS or first.norm == "mil")
    return NumberSpan(i, end, digits, weak=weak)


def words_to_number(text: str) -> int | None:
    """The number a whole phrase says ("quinhentos e um", "cinco zero um", "501"), else None.

    The phrase must be nothing but the number; see `parse_apartment` to find
    one inside a sentence.
    """
    tokens = simple_tokens(text)
    if not tokens:
        return None
    span = number_at(tokens, 0, normalize(text))
    if span is None or span.end != len(tokens):
        return None
    return int(span.digits)


_SAY_UNITS = ("zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove")
_SAY_TEENS = (
    "dez",
    "onze",
    "doze",
    "treze",
    "quatorze",
    "quinze",
    "dezesseis",
    "dezessete",
    "dezoito",
    "dezenove",
)
_SAY_TENS = (
    "",
    "",
    "vinte",
    "trinta",
    "quarenta",
    "cinquenta",
    "sessenta",
    "setenta",
    "oitenta",
    "noventa",
)
_SAY_HUNDREDS = (
    "",
    "cento",
    "duzentos",
    "trezentos",
    "quatrocentos",
    "quinhentos",
    "seiscentos",
    "setecentos",
    "oitocentos",
    "novecentos",
)


def say_number(n: int) -> str:
    """A number as a Brazilian says it: 501 -> "quinhentos e um", 1201 -> "mil duzentos e um".

    Up to 9999 (apartment numbers); the recognizer scores these against the audio.
    """
    if not 0 <= n <= 9999:
        raise ValueError(f"{n} is out of range for an apartment number")
    if n < 10:
        return _SAY_UNITS[n]
    if n < 20:
        return _SAY_TEENS[n - 10]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _SAY_TENS[tens] + (f" e {_SAY_UNITS[unit]}" if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if n == 100:
            return "cem"
        return _SAY_HUNDREDS[hundreds] + (f" e {say_number(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = "mil" if thousands == 1 else f"{_SAY_UNITS[thousands]} mil"
    if not rest:
        return head
    # "mil e cem", "mil e vinte", but "mil duzentos e um"
    joiner = " e " if rest < 100 or rest % 100 == 0 else " "
    return head + joiner + say_number(rest)
