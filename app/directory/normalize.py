"""Text normalization for matching what a caller said against the directory.

Speech recognition output and the directory are typed by different people
(and machines), so every comparison goes through the same folding: case,
accents, punctuation and the common spelling variants of Brazilian names.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
_DOUBLE_LETTER = re.compile(r"([a-z])\1+")

# Applied in this order, token by token. Digraphs go first so that the
# letters they leave behind can still be collapsed afterwards
# ("Matthias" -> "mattias" -> "matias").
_DIGRAPHS: tuple[tuple[str, str], ...] = (
    ("ph", "f"),  # Raphael / Rafael
    ("th", "t"),  # Thiago / Tiago, Thaís / Taís
    ("y", "i"),  # Sylvia / Silvia, Yasmin / Iasmin
    ("w", "v"),  # Wagner / Vagner, Walter / Valter
    ("ck", "c"),
    ("k", "c"),  # Kátia / Cátia, Kelly / Celly
)


def normalize(text: str) -> str:
    """Lowercase, strip accents, drop punctuation and collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped).strip()


def _canonical_token(token: str) -> str:
    for old, new in _DIGRAPHS:
        token = token.replace(old, new)
    # A leading "h" is silent in Portuguese (Helena / Elena, Hélio / Élio).
    # "ch", "lh" and "nh" never start with it, so they are untouched.
    if len(token) > 1 and token[0] == "h" and token[1] in "aeiou":
        token = token[1:]
    token = _DOUBLE_LETTER.sub(r"\1", token)  # Rafaella / Rafaela, Mattos / Matos
    # A final "z" sounds like "s" (Luiz / Luís, Queiroz / Queirós).
    if len(token) > 2 and token.endswith("z"):
        token = token[:-1] + "s"
    return token


def canonical_name(text: str) -> str:
    """Normalize and fold spelling variants so that names that sound alike compare equal."""
    return " ".join(_canonical_token(token) for token in normalize(text).split())


def _fold_code(text: str) -> str:
    # "0501" and "501" are the same door, and so are blocks "b" and "B".
    folded = normalize(text).replace(" ", "")
    return str(int(folded)) if folded.isdigit() else folded


def apartment_key(number: str, block: str | None) -> tuple[str, str | None]:
    """Identity of an apartment for lookups and duplicate checks."""
    return _fold_code(number), (None if block is None else _fold_code(block))
