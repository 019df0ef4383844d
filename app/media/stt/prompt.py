"""The Whisper prompt that lists the building.

The dialog builds it, Whisper-family backends read it.

Its own module, free of SDKs, because the dialog imports it (app/dialog/hints.py)
and must not load a recognizer's client library to build a string.
"""

from __future__ import annotations

from collections.abc import Iterable

# Whisper reads at most 224 prompt tokens; ~600 characters of Portuguese names stay under.
MAX_PROMPT_CHARS = 600


def directory_prompt(
    names: Iterable[str], numbers: Iterable[str] = (), max_chars: int = MAX_PROMPT_CHARS
) -> str:
    """A Whisper prompt listing residents' names and apartment numbers, so rare surnames
    come back spelled right and numbers come back as the building writes them ("501").

    Names, then numbers, are added in the given order until `max_chars`: put the
    likeliest first (a turn after the apartment is known lists its residents first).
    Numbers get a fixed share of the room so a long directory still teaches the format.
    """
    head = "Portaria do condomínio. Moradores:"
    tail = ""
    numbers = [n for n in (" ".join(n.split()) for n in numbers) if n]
    if numbers:
        tail = " Apartamentos"
        for number in numbers:
            piece = f" {number},"
            if len(tail) + len(piece) > max_chars // 4:
                break
            tail += piece
        tail = tail.rstrip(",") + "."
    out = head
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        piece = f" {name},"
        if len(out) + len(piece) + len(tail) > max_chars:
            break
        out += piece
    return out.rstrip(",") + "." + tail
