"""Finding the apartment a visitor mentions in a pt-BR utterance.

"apartamento 501", "ap 501", "quinhentos e um", "cinco meia dois",
"apto. 12 do bloco B", "bloco b apartamento doze", "doze B", ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import normalize
from .spoken import (
    MAX_DIGITS,
    TEENS,
    TENS,
    UNITS,
    NumberSpan,
    Token,
    joined,
    number_at,
    words_to_number,
)

__all__ = ["ApartmentRef", "parse_apartment", "rereadings", "words_to_number"]


@dataclass(frozen=True)
class ApartmentRef:
    number: str
    block: str | None


_APARTMENT_WORDS = frozenset(
    {"apartamento", "apartamentos", "apto", "ap", "apt", "ape", "unidade", "casa", "sala"}
)
_BLOCK_WORDS = frozenset({"bloco", "torre", "bl", "predio"})
# Allowed between "apartamento" and its number: "apartamento número 501", "ap nº 12".
_FILLERS = frozenset({"de", "do", "da", "o", "no", "n", "numero", "nr", "num"})
# A number right before these counts something; it is not a door.
_COUNTED = frozenset(
    {"minuto", "minutos", "hora", "horas", "segundos", "dia", "dias", "ano", "anos",
     "vez", "vezes", "pessoa", "pessoas", "caixa", "caixas", "pacote", "pacotes",
     "volume", "volumes", "reais", "real", "andar"}
)  # fmt: skip
LETTER_NAMES: dict[str, str] = {
    "be": "B", "ce": "C", "de": "D", "efe": "F", "ge": "G", "aga": "H", "jota": "J",
    "ca": "K", "ele": "L", "eme": "M", "ene": "N", "pe": "P", "que": "Q", "erre": "R",
    "esse": "S", "te": "T", "ve": "V", "dablio": "W", "xis": "X", "ipsilon": "Y", "ze": "Z",
}  # fmt: skip
# Letter names that are also everyday words: after a bare number ("doze de...")
# they are not taken as a block; after "bloco" they are.
_WORDLIKE_LETTERS = frozenset({"a", "e", "o", "de", "que", "esse", "ca", "te", "ele"})

# Digit strings that are not apartment numbers, blanked before tokenizing.
_NOT_APARTMENT = (
    re.compile(r"\d+\s*[ºª°]"),  # ordinals: "5º andar"
    re.compile(r"\b\d{1,2}(?:[:h]\d{2}|h)\b"),  # times: "14:30", "14h"
    re.compile(r"\b\d{1,4}/\d{1,2}(?:/\d{2,4})?\b"),  # dates
    re.compile(r"\+?\(?\b\d{2,3}\)?[\s.-]*\d{4,5}[\s.-]?\d{4}\b"),  # phones: (11) 99999-1234
    re.compile(r"\b\d{4,5}-\d{4}\b"),
    re.compile(r"\d{6,}"),
)
# "1.201" as some recognizers write 1201; Whisper's "1.2001" (mil e duzentos... e um)
# is 12001, reread later.
_THOUSANDS_DOT = re.compile(r"\b(\d{1,2})\.(\d{3,4})\b")
# How Whisper writes numbers said digit by digit or in parts: "5-0-1", "5.0.1",
# "500-1" ("quinhentos... um"), "1200-1". Joined, or added when the first part is round.
_DIGIT_RUN = re.compile(r"\b\d(?:[.-]\d){1,4}\b")
_ROUND_PLUS = re.compile(  # "500-1", "300 e 3", "300 de três"
    r"\b(\d{0,2}[1-9]0{1,3})(?:-| e | de )"
    r"(\d{1,3}|um|dois|tr[eê]s|quatro|cinco|seis|sete|oito|nove)\b",
    re.IGNORECASE,
)


def _round_plus(m: re.Match[str]) -> str:
    head, tail = m.group(1), m.group(2)
    if not tail.isdigit():
        tail = str(UNITS[normalize(tail)])
    zeros = len(head) - len(head.rstrip("0"))
    if len(tail) > zeros:
        return m.group()  # "20 e 300": not one number
    joined = str(int(head) + int(tail))
    return joined.ljust(len(m.group()))  # same length: token offsets still point into the text


_TOKEN = re.compile(r"#|\d+|[^\W\d_]+")
_BREAK = "#"


def _tokens(text: str) -> tuple[list[Token], str]:
    text = _THOUSANDS_DOT.sub(lambda m: (m.group(1) + m.group(2)).ljust(len(m.group())), text)
    text = _DIGIT_RUN.sub(lambda m: re.sub(r"[.-]", "", m.group()).ljust(len(m.group())), text)
    text = _ROUND_PLUS.sub(_round_plus, text)
    for pattern in _NOT_APARTMENT:
        # Same length, so token offsets still point into the text.
        text = pattern.sub(lambda m: _BREAK.ljust(len(m.group())), text)
    tokens = [
        Token(normalize(m.group()) or _BREAK, m.group(), m.start(), m.end())
        for m in _TOKEN.finditer(text)
    ]
    return tokens, text


def _block_value(token: Token, after_block_word: bool, glued: bool) -> str | None:
    word = token.norm
    if token.is_digits:
        return str(int(word)) if after_block_word and len(word) <= 3 else None
    if len(word) == 1 and word.isalpha() and token.raw.isascii():
        # After a bare number, "a", "e" and "o" are words unless written as a block ("12A", "12 A").
        if after_block_word or glued or token.raw.isupper() or word not in _WORDLIKE_LETTERS:
            return word.upper()
        return None
    if word in LETTER_NAMES and (after_block_word or word not in _WORDLIKE_LETTERS):
        return LETTER_NAMES[word]
    if after_block_word:
        value = UNITS.get(word, TEENS.get(word, TENS.get(word)))
        if value is not None and word != "meia":
            return str(value)
    return None


def _find_block(tokens: list[Token], text: str) -> str | None:
    """The block named with "bloco"/"torre".

    Its tokens are blanked so they aren't read as the apartment."""
    for i, token in enumerate(tokens[:-1]):
        nxt = tokens[i + 1]
        if token.norm in _BLOCK_WORDS and joined(text, token, nxt):
            block = _block_value(nxt, after_block_word=True, glued=False)
            if block is not None:
                tokens[i] = tokens[i + 1] = Token(_BREAK, _BREAK, token.start, nxt.end)
                return block
    return None


def _after_apartment_word(tokens: list[Token], span: NumberSpan) -> bool:
    i = span.start - 1
    for _ in range(3):
        if i < 0:
            return False
        if tokens[i].norm in _APARTMENT_WORDS:
            return True
        if tokens[i].norm not in _FILLERS:
            return False
        i -= 1
    return False


def _trailing_block(tokens: list[Token], span: NumberSpan, text: str) -> str | None:
    """A block letter right after the number: "doze B", "12B"."""
    if span.end >= len(tokens):
        return None
    last, nxt = tokens[span.end - 1], tokens[span.end]
    if not joined(text, last, nxt):
        return None
    return _block_value(nxt, after_block_word=False, glued=nxt.start == last.end)


def _is_plausible(tokens: list[Token], span: NumberSpan, trailing_block: str | None) -> bool:
    """Whether a number said without "apartamento" before it is likely an apartment."""
    if span.end < len(tokens) and tokens[span.end].norm in _COUNTED:
        return False
    if span.weak and trailing_block is None:
        return False
    is_year = len(span.digits) == 4 and 1900 <= int(span.digits) <= 2099
    return not is_year


def parse_apartment(text: str) -> ApartmentRef | None:
    """The apartment (and block, when said) mentioned in `text`, or None."""
    tokens, text = _tokens(text)
    block = _find_block(tokens, text)
    fallback: ApartmentRef | None = None
    i = 0
    while i < len(tokens):
        span = None if tokens[i].norm == _BREAK else number_at(tokens, i, text)
        if span is None:
            i += 1
            continue
        i = span.end
        if len(span.digits) > MAX_DIGITS:
            continue  # a phone or document number spoken digit by digit
        trailing = _trailing_block(tokens, span, text) if block is None else None
        ref = ApartmentRef(str(int(span.digits)), block or trailing)
        if _after_apartment_word(tokens, span):
            return ref
        if fallback is None and _is_plausible(tokens, span, trailing):
            fallback = ref
    return fallback


def rereadings(number: str) -> list[str]:
    """Other numbers a recognizer may have meant by `number`, likeliest first.

    "5001" is how Whisper often writes "quinhentos e um" (500 then 1): split after a
    round part and add ("5001" -> "501", "12001" -> "1201"). A number cut short
    ("5.0" for "cinco zero um") is left to the directory's prefix lookup.
    """
    out: list[str] = []
    for cut in range(len(number) - 1, 1, -1):  # the longest round part first
        head, tail = number[:cut], number[cut:]
        zeros = len(head) - len(head.rstrip("0"))
        if head[0] != "0" and zeros and len(tail.lstrip("0") or "0") <= zeros:
            out.append(str(int(head) + int(tail)))
    return list(dict.fromkeys(n for n in out if n != number))
