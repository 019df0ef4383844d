"""The building's directory as immutable values shared by the whole app."""

from __future__ import annotations

from dataclasses import dataclass

from .gender import Gender


@dataclass(frozen=True)
class Resident:
    name: str
    numbers: tuple[str, ...]  # the resident's own numbers, may be empty
    nicknames: tuple[str, ...] = ()  # what callers also call them: "Bia", "Zé Carlos"
    gender: Gender | None = None  # as the directory says; else the first name may imply it


@dataclass(frozen=True)
class Apartment:
    number: str  # "501"
    block: str | None  # "B" or None
    residents: tuple[Resident, ...]
    numbers: tuple[str, ...]  # apartment voip numbers, in dialing order

    def label(self) -> str:
        """How the apartment is named in logs and in what callers hear: "501", "12 bloco B"."""
        if self.block is None:
            return self.number
        return f"{self.number} bloco {self.block}"

    def numbers_for(self, resident: Resident | None) -> tuple[str, ...]:
        """Numbers to dial, in order: the resident's own first, then the apartment's.

        A number listed in both places is dialed once, at its first position.
        """
        own = resident.numbers if resident is not None else ()
        return tuple(dict.fromkeys((*own, *self.numbers)))


@dataclass(frozen=True)
class ResidentMatch:
    apartment: Apartment
    resident: Resident
    score: float  # 0..100
    # Evidence beyond the score, for telling close candidates apart:
    exact: float = (
        0.0  # words said that are exactly one of the resident's name words (a middle one: half)
    )
    fit: int = 0  # the caller's "a"/"dona" or "o"/"seu" against the resident: +1, 0, -1
