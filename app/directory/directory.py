"""The building's directory: who lives where and which numbers to dial."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from .gender import Gender, fit
from .loader import DirectoryError, parse_entries, read_entries
from .matching import NameIndex, gender_said, name_tokens
from .model import Apartment, Resident, ResidentMatch
from .normalize import apartment_key
from .numbers import ApartmentRef, rereadings
from .resolution import CLEAR_LEAD, CONFIRM_BELOW, Resolution, apartments_of, pick, standing

__all__ = ["CLEAR_LEAD", "CONFIRM_BELOW", "Directory", "DirectoryError", "Resolution"]


def _at(apartment: Apartment, number: str | None, block: str | None) -> bool:
    """Whether an answer's "do 501" / "o do bloco B" points at this apartment.

    A block said for an apartment without one says nothing about it.
    """
    number_key, block_key = apartment_key(number or "0", block)
    here_number, here_block = apartment_key(apartment.number, apartment.block)
    if number is not None and number_key != here_number:
        return False
    return block_key is None or here_block is None or block_key == here_block


class Directory:
    def __init__(self, apartments: Iterable[Apartment]) -> None:
        self.apartments: tuple[Apartment, ...] = tuple(apartments)
        self._names = NameIndex(
            (apartment, resident)
            for apartment in self.apartments
            for resident in apartment.residents
        )
        self._genders = {
            (entry.apartment, entry.resident): entry.gender for entry in self._names.entries
        }

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

    def gender_of(self, apartment: Apartment, resident: Resident) -> Gender | None:
        """As the directory says, else as the first name implies; None when unsure."""
        return self._genders.get((apartment, resident))

    def _match(
        self,
        name: str,
        within: Sequence[Apartment] | None,
        threshold: float,
        gender: Gender | None = None,
        loose: bool = False,
    ) -> list[ResidentMatch]:
        said = gender or gender_said(name)
        matches = [
            ResidentMatch(
                found.entry.apartment,
                found.entry.resident,
                found.score,
                found.exact,
                fit(said, found.entry.gender),
            )
            for found in self._names.search(name, threshold, within, loose=loose)
        ]
        # Ties keep directory order, so results are stable from call to call.
        matches.sort(key=lambda m: -m.score)
        return matches

    def _reread(self, apt: ApartmentRef) -> ApartmentRef | None:
        """A number the recognizer wrote another way: "5001" -> 501, "50" (cut short) -> 501."""
        for number in rereadings(apt.number):
            if self.find_apartment(number, apt.block):
                return ApartmentRef(number, apt.block)
        longer = {
            a.number
            for a in self.apartments
            if len(apt.number) >= 2
            and a.number.startswith(apt.number)
            and len(a.number) == len(apt.number) + 1
        }
        return ApartmentRef(longer.pop(), apt.block) if len(longer) == 1 else None

    def resolve(
        self,
        name: str | None,
        apt: ApartmentRef | None,
        threshold: float = 75.0,
        gender: Gender | None = None,
    ) -> Resolution:
        """Decide whom the visitor wants, never guessing between close candidates.

        `gender` is what the caller's "a"/"dona" or "o"/"seu" said about the
        resident when the name arrives without it; else it is read from `name`.
        """
        # A name that is only "o senhor" or "a moradora" says nothing.
        has_name = name is not None and bool(name_tokens(name))
        if apt is None:
            if not has_name:
                return Resolution("empty")
            assert name is not None
            return pick(self._match(name, None, threshold, gender))

        apartments = tuple(self.find_apartment(apt.number, apt.block))
        if not apartments and (alternative := self._reread(apt)):
            return replace(self.resolve(name, alternative, threshold, gender), reread=True)
        if not has_name:
            if not apartments:
                return Resolution("not_found")
            if len(apartments) > 1:
                return Resolution("ambiguous", (), apartments)
            return Resolution("apartment_only", (), apartments)

        assert name is not None
        if apartments:
            inside = self._match(name, apartments, threshold, gender)
            if inside:
                return self._doubt_lookalike(pick(inside), name, threshold, gender)
        elsewhere = self._match(name, None, threshold, gender)
        if elsewhere:
            # The name lives somewhere else than the apartment said: ask, don't pick;
            # but about the names meant, not their look-alikes.
            return Resolution("ambiguous", tuple(standing(elsewhere)), apartments)
        return Resolution("not_found", (), apartments)

    def _doubt_lookalike(
        self, found: Resolution, name: str, threshold: float, gender: Gender | None
    ) -> Resolution:
        """Confirm a look-alike found in the apartment said when the name said exactly lives
        elsewhere ("o Daniel do 303", and 303 has a Daniela): one of the two was misheard."""
        if found.status != "ok" or found.confirm:
            return found
        best = found.matches[0]
        if best.exact == len(name_tokens(name)):
            return found
        if any(m.exact > best.exact for m in self._match(name, None, threshold, gender)):
            return replace(found, confirm=True)
        return found

    def choose(
        self,
        asked: Resolution,
        *,
        name: str | None = None,
        apartment: ApartmentRef | None = None,
        block: str | None = None,
        gender: Gender | None = None,
        threshold: float = 75.0,
    ) -> Resolution:
        """Which of the options a choice question offered (`asked.offered()`) the answer means.

        The answer's parts narrow the options together: a name ("a Rafaela
        Silva", "Silva"), an apartment ("do 501"), a block ("o do bloco B") and
        the gender of its article ("a do quinze"). Against options just offered
        a dropped final vowel is no difference ("Rafael" for "Rafaela"), since
        the choice is only among them. Returns ok / apartment_only for one
        option, ambiguous for several still standing (ask about those), and
        not_found when the answer points at none of them (it may name someone
        else: resolve it afresh).
        """
        offered = asked.offered()
        number = apartment.number if apartment is not None else None
        block = block or (apartment.block if apartment is not None else None)
        has_name = name is not None and bool(name_tokens(name))
        places = tuple(
            dict.fromkeys(o if isinstance(o, Apartment) else o.apartment for o in offered)
        )
        places = tuple(a for a in places if _at(a, number, block))
        if not places:
            return Resolution("not_found")
        if has_name:
            assert name is not None
            everywhere = self._match(name, None, threshold, gender, loose=True)
            if isinstance(offered[0], Apartment):
                found = [m for m in everywhere if m.apartment in places]
            else:
                keep = {(m.apartment, m.resident) for m in offered if isinstance(m, ResidentMatch)}
                found = [
                    m
                    for m in everywhere
                    if (m.apartment, m.resident) in keep and m.apartment in places
                ]
            # Said more exactly of someone not offered: a new name, not an answer.
            best = max((m.exact for m in found), default=-1)
            if any(m.exact > best for m in everywhere if m not in found):
                return Resolution("not_found")
        elif isinstance(offered[0], Apartment):
            if len(places) == 1:
                return Resolution("apartment_only", (), places)
            return Resolution("ambiguous", (), places)
        else:
            # No name in the answer: the options tie on name, and only the
            # place and the article said can tell them apart.
            found = [
                replace(
                    m,
                    score=100.0,
                    exact=0,
                    fit=fit(gender, self.gender_of(m.apartment, m.resident)),
                )
                for m in offered
                if isinstance(m, ResidentMatch) and m.apartment in places
            ]
        if not found:
            return Resolution("not_found")
        left = standing(found)
        if len(left) == 1:
            return Resolution("ok", (left[0],), (left[0].apartment,))
        return Resolution("ambiguous", tuple(left), apartments_of(left))
