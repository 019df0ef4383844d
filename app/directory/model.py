"""The building's directory as immutable values shared by the whole app."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resident:
    name: str
    numbers: tuple[str, ...]  # the resident's own numbers, may be empty


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
