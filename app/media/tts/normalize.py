"""Brazilian Portuguese text as it should be spoken, before any voice sees it.

Phrases come from config files and the directory, written for reading: "Responda
SIM ou NÃO", "apto 501", "bloco B", "Sr. Paulo". Voices read them literally: an
all-caps word is spelled letter by letter ("ésse-i-ême"), "501" may come out as
"cinco zero um" or in English, "Sr." as "esse erre". Numbers use num2words'
pt_BR rules ("quinhentos e um"); the rest is a few tables, kept here so that
the test table (tests/test_tts_normalize.py) documents them.
"""

from __future__ import annotations

import re
from typing import Literal

from num2words import num2words

NumberStyle = Literal["cardinal", "digits"]

# All-caps words that really are spelled out when spoken. Any other all-caps word
# with a vowel is read as a word ("SIM" → "sim", "PORTARIA" → "portaria").
ACRONYMS = frozenset(
    {
        "CPF",
        "CNPJ",
        "RG",
        "CEP",
        "CNH",
        "INSS",
        "IPTU",
        "IPVA",
        "FGTS",
        "DF",
        "RJ",
        "SP",
        "MG",
        "PR",
        "RS",
        "SC",
        "BA",
        "PE",
        "CE",
        "PA",
        "AM",
        "GO",
        "ES",
        "MT",
        "MS",
        "PB",
        "RN",
        "AL",
        "SE",
        "PI",
        "MA",
        "TO",
        "RO",
        "RR",
        "AP",
        "AC",
        "TV",
        "DVD",
        "USB",
        "PM",
        "ONG",
        "UPA",
    }
)

# Abbreviations, matched case-insensitively as whole words (the dot is optional
# where a bare word cannot mean anything else).
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"aptos?\.?", "apartamento"),
    (r"ap\.", "apartamento"),
    (r"sra\.", "senhora"),
    (r"sr\.", "senhor"),
    (r"srta\.", "senhorita"),
    (r"dra\.", "doutora"),
    (r"dr\.", "doutor"),
    (r"bl\.?", "bloco"),
    (r"n[º°o]\.?(?=\s*\d)", "número"),
    (r"tel\.", "telefone"),
)
_ABBREV = [(re.compile(rf"(?<!\w){pat}(?!\w)", re.IGNORECASE), word) for pat, word in ABBREVIATIONS]

# A block or tower letter is said by its name: "bloco E" is "bloco é", not "bloco i".
LETTER_NAMES = {
    "A": "á",
    "B": "bê",
    "C": "cê",
    "D": "dê",
    "E": "é",
    "F": "éfe",
    "G": "gê",
    "H": "agá",
    "I": "i",
    "J": "jota",
    "K": "cá",
    "L": "éle",
    "M": "ême",
    "N": "êne",
    "O": "ó",
    "P": "pê",
    "Q": "quê",
    "R": "érre",
    "S": "ésse",
    "T": "tê",
    "U": "u",
    "V": "vê",
    "W": "dáblio",
    "X": "xis",
    "Y": "ípsilon",
    "Z": "zê",
}
_BLOCK = re.compile(r"\b(bloco|torre|casa)\s+([A-Za-z])\b(?![\w'])", re.IGNORECASE)
# "12B", "12-B": an apartment number glued to its block letter.
_NUMBER_LETTER = re.compile(r"\b(\d+)-?([A-Z])\b")
# "1.500" is one thousand five hundred in Brazil, not a decimal.
_THOUSANDS = re.compile(r"\b\d{1,3}(?:\.\d{3})+\b")
_CAPS_WORD = re.compile(r"\b[A-ZÁÂÃÀÉÊÍÓÔÕÚÇ]{2,}\b")
_NUMBER = re.compile(r"\d+")
_VOWELS = set("AEIOUÁÂÃÀÉÊÍÓÔÕÚ")
_DIGIT_NAMES = ("zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove")


def number_words(digits: str, style: NumberStyle = "cardinal") -> str:
    """ "501" → "quinhentos e um" (or "cinco zero um").

    A leading zero is always read digit by digit."""
    if style == "digits" or (len(digits) > 1 and digits.startswith("0")) or len(digits) > 9:
        return " ".join(_DIGIT_NAMES[int(d)] for d in digits)
    # num2words writes "mil, duzentos e um"; spoken Portuguese has no pause there.
    return str(num2words(int(digits), lang="pt_BR")).replace(",", "")


def _caps(m: re.Match[str]) -> str:
    word = m.group(0)
    if word in ACRONYMS or not (set(word) & _VOWELS):
        return word  # spelled, as it should be ("CPF")
    return word.lower()


def speech_text(text: str, numbers: NumberStyle = "cardinal") -> str:
    """The text a voice should read for `text`; idempotent."""
    for pat, word in _ABBREV:
        text = pat.sub(word, text)
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _NUMBER_LETTER.sub(lambda m: f"{m.group(1)} bloco {m.group(2)}", text)
    text = _BLOCK.sub(lambda m: f"{m.group(1)} {LETTER_NAMES[m.group(2).upper()]}", text)
    text = _CAPS_WORD.sub(_caps, text)
    text = _NUMBER.sub(lambda m: number_words(m.group(0), numbers), text)
    return " ".join(text.split())
