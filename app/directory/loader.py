"""Validation of directory entries (data/apartamentos.json) into model values.

The file is edited by hand by building staff, so every error names the file,
the entry and the field, and says what was expected.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from app.errors import ConfigurationError

from .gender import Gender
from .model import Apartment, Resident
from .normalize import apartment_key

_APARTMENT_KEYS = frozenset({"apartment_number", "block", "tower", "residents", "voip_number"})
_RESIDENT_KEYS = frozenset({"name", "voip_number", "nicknames", "gender"})
# Staff write what they would say; all of these mean the same two values.
_GENDERS: dict[str, Gender] = {
    "f": "f",
    "feminino": "f",
    "mulher": "f",
    "m": "m",
    "masculino": "m",
    "homem": "m",
}


class DirectoryError(ConfigurationError, ValueError):
    """The directory file or its entries are invalid; the message says where and why."""


def read_entries(path: Path) -> list[object]:
    """Read the JSON file and return its top-level list, unvalidated."""
    try:
        # utf-8-sig: spreadsheet tools often save a BOM in front of the JSON.
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DirectoryError(f"{path}: cannot read directory file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise DirectoryError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    try:
        data: object = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DirectoryError(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    if not isinstance(data, list):
        raise DirectoryError(
            f"{path}: the top level must be a list of apartments, got {_type_name(data)}"
        )
    return data


def parse_entries(entries: Sequence[object], source: str) -> tuple[Apartment, ...]:
    apartments: list[Apartment] = []
    seen: dict[tuple[str, str | None], int] = {}
    for index, entry in enumerate(entries):
        apartment = _EntryParser(source, index, entry).parse()
        key = apartment_key(apartment.number, apartment.block)
        if key in seen:
            raise DirectoryError(
                f"{source}: entry at index {index} ({_describe(apartment)}): duplicate apartment, "
                f"already defined by the entry at index {seen[key]}"
            )
        seen[key] = index
        apartments.append(apartment)
    return tuple(apartments)


def _type_name(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _describe(apartment: Apartment) -> str:
    text = f"apartment {apartment.number!r}"
    return text if apartment.block is None else f"{text}, block {apartment.block!r}"


class _EntryParser:
    """Parses one apartment entry; knows enough context to say where an error is."""

    def __init__(self, source: str, index: int, entry: object) -> None:
        self._source = source
        self._index = index
        self._entry = entry
        # Filled in as parsing goes, so that later messages name the apartment.
        self._apartment_number: str | None = None
        self._block_name: str | None = None

    def _fail(self, field: str | None, problem: str) -> DirectoryError:
        location = f"{self._source}: entry at index {self._index}"
        if self._apartment_number is not None:
            location += f" (apartment {self._apartment_number!r}"
            if self._block_name is not None:
                location += f", block {self._block_name!r}"
            location += ")"
        if field is not None:
            location += f": field {field!r}"
        return DirectoryError(f"{location}: {problem}")

    def parse(self) -> Apartment:
        entry = self._entry
        if not isinstance(entry, dict):
            raise self._fail(None, f"expected an object, got {_type_name(entry)}")
        number = self._code(entry, "apartment_number", required=True)
        assert number is not None  # required=True never returns None
        self._apartment_number = number
        unknown = sorted(str(key) for key in entry if key not in _APARTMENT_KEYS)
        if unknown:
            raise self._fail(
                unknown[0], f"unknown field; expected one of {', '.join(sorted(_APARTMENT_KEYS))}"
            )
        block = self._block(entry)
        self._block_name = block
        residents = self._residents(entry)
        if "voip_number" not in entry:
            raise self._fail("voip_number", "missing")
        numbers = self._numbers(entry["voip_number"], "voip_number")
        if not numbers:
            raise self._fail("voip_number", "must list at least one number")
        return Apartment(number=number, block=block, residents=residents, numbers=numbers)

    def _code(self, entry: dict[object, object], field: str, *, required: bool) -> str | None:
        """A short identifier (apartment number, block) given as a string or an integer."""
        if field not in entry:
            if required:
                raise self._fail(field, "missing")
            return None
        value = entry[field]
        if value is None and not required:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return str(value)
        if isinstance(value, str):
            if value.strip():
                return value.strip()
            if not required:
                return None  # "" in a spreadsheet export means "no block"
            raise self._fail(field, "must not be empty")
        raise self._fail(
            field, f"expected a string or a non-negative integer, got {_type_name(value)}"
        )

    def _block(self, entry: dict[object, object]) -> str | None:
        block = self._code(entry, "block", required=False)
        tower = self._code(entry, "tower", required=False)
        if block is not None and tower is not None and block != tower:
            raise self._fail(
                "tower", f"{tower!r} disagrees with block {block!r} (they mean the same thing)"
            )
        return block if block is not None else tower

    def _residents(self, entry: dict[object, object]) -> tuple[Resident, ...]:
        if "residents" not in entry:
            raise self._fail("residents", "missing")
        value = entry["residents"]
        if not isinstance(value, list):
            raise self._fail("residents", f"expected a list, got {_type_name(value)}")
        if not value:
            raise self._fail("residents", "must list at least one resident")
        residents = tuple(self._resident(item, i) for i, item in enumerate(value))
        names: dict[str, int] = {}
        for i, resident in enumerate(residents):
            key = " ".join(resident.name.casefold().split())
            if key in names:
                raise self._fail(
                    f"residents[{i}]",
                    f"{resident.name!r} is already listed at residents[{names[key]}]",
                )
            names[key] = i
        return residents

    def _resident(self, item: object, i: int) -> Resident:
        field = f"residents[{i}]"
        if isinstance(item, str):
            return Resident(name=self._name(item, field), numbers=())
        if not isinstance(item, dict):
            raise self._fail(
                field, f"expected a name or an object with 'name', got {_type_name(item)}"
            )
        unknown = sorted(str(key) for key in item if key not in _RESIDENT_KEYS)
        if unknown:
            raise self._fail(
                f"{field}.{unknown[0]}",
                f"unknown field; expected one of {', '.join(sorted(_RESIDENT_KEYS))}",
            )
        if "name" not in item:
            raise self._fail(f"{field}.name", "missing")
        name = self._name(item["name"], f"{field}.name")
        numbers: tuple[str, ...] = ()
        if "voip_number" in item and item["voip_number"] is not None:
            numbers = self._numbers(item["voip_number"], f"{field}.voip_number")
        nicknames = self._nicknames(item.get("nicknames"), f"{field}.nicknames")
        return Resident(
            name=name,
            numbers=numbers,
            nicknames=nicknames,
            gender=self._gender(item.get("gender"), f"{field}.gender"),
        )

    def _nicknames(self, value: object, field: str) -> tuple[str, ...]:
        """One nickname or a list of them ("Bia", ["Zé", "Zé Carlos"])."""
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        names = [
            self._name(item, f"{field}[{i}]" if isinstance(value, list) else field)
            for i, item in enumerate(items)
        ]
        return tuple(dict.fromkeys(names))

    def _gender(self, value: object, field: str) -> Gender | None:
        if value is None:
            return None
        gender = _GENDERS.get(value.strip().casefold()) if isinstance(value, str) else None
        if gender is None:
            raise self._fail(field, f'expected "f" or "m", got {value!r}')
        return gender

    def _name(self, value: object, field: str) -> str:
        if not isinstance(value, str):
            raise self._fail(field, f"expected a string, got {_type_name(value)}")
        name = " ".join(value.split())
        if not name:
            raise self._fail(field, "must not be empty")
        return name

    def _numbers(self, value: object, field: str) -> tuple[str, ...]:
        """One number or a list of numbers, tried in the order given."""
        items = value if isinstance(value, list) else [value]
        numbers: list[str] = []
        for i, item in enumerate(items):
            item_field = f"{field}[{i}]" if isinstance(value, list) else field
            numbers.append(self._number(item, item_field))
        return tuple(dict.fromkeys(numbers))

    def _number(self, value: object, field: str) -> str:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return str(value)
        if isinstance(value, str):
            number = value.strip()
            if not number:
                raise self._fail(field, "must not be empty")
            if any(ch.isspace() for ch in number):
                raise self._fail(field, f"{value!r} contains spaces")
            return number
        raise self._fail(
            field, f"expected a number as a string or an integer, got {_type_name(value)}"
        )
