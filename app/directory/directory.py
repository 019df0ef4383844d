"""The building's directory: who lives where and which numbers to dial."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from .loader import DirectoryError, parse_entries, read_entries
from .matching import NameIndex, name_tokens
from .model import Apartment, ResidentMatch
from .normalize import apartment_key
from .numbers import ApartmentRef, rereadings

__all__ = ["CLEAR_LEAD", "Directory", "DirectoryError", "Resolution"]

# A best match must beat the next by this much to be taken without asking.
CLEAR_LEAD = 10.0

ResolutionStatus = Literal["ok", "ambiguous", "not_found", "apartment_only", "empty"]


@dataclass(frozen=True)
class Resolution:
    """What the visitor's words point at in the directory.

    - ok: `matches` holds exactly one resident; `apartments` holds their apartment.
    - ambiguous: do not dial, ask. Either several residents fit (`matches`, best
      first, `apartments` their distinct apartments), or the number exists in
      several blocks (`apartments`, no `matches`), or the name and the
      apartment disagree (`matches` where the name was found, `apartments`
      what the visitor said).
    - apartment_only: only an apartment was given; `apartments` holds it.
    - not_found: nothing fits; `apartments` holds the apartment(s) said, if
      they exist but the name is not among their residents.
    - empty: neither a name nor an apartment was given.
    """

    status: ResolutionStatus
    matches: tuple[ResidentMatch, ...] = ()
    apartments: tuple[Apartment, ...] = ()
    # The apartment said does not exist, but another reading of the number does
    # ("5001" for "quinhentos e um"): `apartments` holds it; confirm before dialing.
    reread: bool = False


def _apartments_of(matches: Iterable[ResidentMatch]) -> tuple[Apartment, ...]:
    return tuple(dict.fromkeys(match.apartment for match in matches))


def _pick(matches: list[ResidentMatch]) -> Resolution:
    """One resident when the matches allow it without guessing, else the ones to ask about."""
    if not matches:
        return Resolution("not_found")
    best = matches[0]
    if len(matches) == 1 or best.score - matches[1].score >= CLEAR_LEAD:
        return Resolution("ok", (best,), (best.apartment,))
    close = tuple(m for m in matches if best.score - m.score < CLEAR_LEAD)
    return Resolution("ambiguous", close, _apartments_of(close))


class Directory:
    def __init__(self, apartments: Iterable[Apartment]) -> None:
        self.apartments: tuple[Apartment, ...] = tuple(apartments)
        self._names = NameIndex(
            (apartment, resident)
            for apartment in self.apartments
            for resident in apartment.residents
        )

    @classmethod
    def load(cls, path: Path) -> Directory:
        """Load and validate a directory file; raises DirectoryError naming the problem."""
        return cls(parse_entries(read_entries(path), str(path)))

    @classmethod
    def from_entries(cls, entries: list[dict[str, object]], source: str = "<memory>") -> Directory:
        """Build from already-parsed entries, with the same validation and messages as `load`."""
        if not isinstance(entries, list):
            raise DirectoryError(f"{source}: expected a list of apartments")
        return cls(parse_entries(entries, source))

    def __len__(self) -> int:
        return len(self.apartments)

    def __repr__(self) -> str:
        return f"Directory({len(self.apartments)} apartments, {len(self._names.entries)} residents)"

    def find_apartment(self, number: str, block: str | None = None) -> list[Apartment]:
        """Apartments with this number: one per block when `block` is None.

        A block given for a number that exists only without a block still finds
        it: in a single-block building the block the visitor adds is noise.
        """
        wanted_number, wanted_block = apartment_key(number, block)
        same_number = [
            apartment
            for apartment in self.apartments
            if apartment_key(apartment.number, None)[0] == wanted_number
        ]
        if wanted_block is None:
            return same_number
        in_block = [a for a in same_number if apartment_key(a.number, a.block)[1] == wanted_block]
        return in_block or [a for a in same_number if a.block is None]

    def match_residents(
        self, name: str, apartment: Apartment | None = None, threshold: float = 75.0
    ) -> list[ResidentMatch]:
        """Residents whose name fits `name`, best first, scored 0..100.

        Accent, case and spelling-variant insensitive; honorifics ("seu",
        "dona", ...) are ignored, and a first name or a surname alone matches.
        """
        return self._match(name, None if apartment is None else (apartment,), threshold)

    def _match(
        self, name: str, within: tuple[Apartment, ...] | None, threshold: float
    ) -> list[ResidentMatch]:
        matches = [
            ResidentMatch(entry.apartment, entry.resident, value)
            for entry, value in self._names.search(name, threshold, within)
        ]
        # Ties keep directory order, so results are stable from call to call.
        matches.sort(key=lambda m: -m.score)
        return matches

    def _reread(self, apt: ApartmentRef) -> ApartmentRef | None:
        """A number the recognizer wrote another way: "5001" -> 501, "50" (cut short) -> 501."""
        for number in rereadings(apt.number):
            if self.find_apartment(number, apt.block):
                return ApartmentRef(number, apt.block)
        longer = {a.number for a in self.apartments
                  if len(apt.number) >= 2 and a.number.startswith(apt.number) and len(a.number) == len(apt.number) + 1}
        return ApartmentRef(longer.pop(), apt.block) if len(longer) == 1 else None

    def resolve(
        self, name: str | None, apt: ApartmentRef | None, threshold: float = 75.0
    ) -> Resolution:
        """Decide whom the visitor wants, never guessing between close candidates."""
        # A name that is only "o senhor" or "a moradora" says nothing.
        has_name = name is not None and bool(name_tokens(name))
        if apt is None:
            if not has_name:
                return Resolution("empty")
            assert name is not None
            return _pick(self._match(name, None, threshold))

        apartments = tuple(self.find_apartment(apt.number, apt.block))
        if not apartments and (alternative := self._reread(apt)):
            return replace(self.resolve(name, alternative, threshold), reread=True)
        if not has_name:
            if not apartments:
                return Resolution("not_found")
            if len(apartments) > 1:
                return Resolution("ambiguous", (), apartments)
            return Resolution("apartment_only", (), apartments)

        assert name is not None
        if apartments:
            inside = self._match(name, apartments, threshold)
            if inside:
                return _pick(inside)
        elsewhere = self._match(name, None, threshold)
        if elsewhere:
            # The name lives somewhere else than the apartment said: ask, don't pick.
            return Resolution("ambiguous", tuple(elsewhere), apartments)
        return Resolution("not_found", (), apartments)
