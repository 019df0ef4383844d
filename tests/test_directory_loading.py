"""Loading data/apartamentos.json: the shipped file, the schema's options, and every error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.directory import Apartment, Directory, DirectoryError, Resident

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "apartamentos.json"


def write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "apartamentos.json"
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, content: object) -> str:
    path = write(tmp_path, content)
    with pytest.raises(DirectoryError) as info:
        Directory.load(path)
    message = str(info.value)
    assert str(path) in message, "every message names the file"
    return message


def test_public_api_lives_where_documented() -> None:
    from app.directory.directory import Directory, Resolution
    from app.directory.model import Apartment, Resident, ResidentMatch
    from app.directory.normalize import canonical_name, normalize
    from app.directory.numbers import ApartmentRef, parse_apartment, words_to_number

    assert all(
        callable(thing)
        for thing in (Directory, Resolution, Apartment, Resident, ResidentMatch, ApartmentRef)
    )
    assert all(callable(f) for f in (canonical_name, normalize, parse_apartment, words_to_number))


def test_shipped_directory_loads_with_every_seed_apartment() -> None:
    directory = Directory.load(SHIPPED)
    labels = {apartment.label() for apartment in directory.apartments}
    assert {"501", "101", "102", "202", "12 bloco A", "12 bloco B", "303", "404", "1201"} <= labels


def test_shipped_501_has_daniel_and_rafaela_and_a_second_number_to_try() -> None:
    (apt,) = Directory.load(SHIPPED).find_apartment("501")
    assert [r.name for r in apt.residents] == ["Daniel dos Reis", "Rafaela Silva"]
    assert apt.numbers == ("1003021", "1003022")


def test_shipped_paulo_souza_is_called_on_his_own_number_first() -> None:
    (apt,) = Directory.load(SHIPPED).find_apartment("202")
    paulo = next(r for r in apt.residents if r.name == "Paulo Souza")
    assert apt.numbers_for(paulo) == ("1001203", "1001202")
    assert apt.numbers_for(None) == ("1001202",)


def test_numbers_for_lists_a_number_shared_by_resident_and_apartment_once() -> None:
    resident = Resident("Ana", ("200", "100"))
    apt = Apartment("1", None, (resident,), ("100", "300"))
    assert apt.numbers_for(resident) == ("200", "100", "300")


def test_label_names_the_block_only_when_there_is_one() -> None:
    assert Apartment("501", None, (), ("1",)).label() == "501"
    assert Apartment("12", "B", (), ("1",)).label() == "12 bloco B"


def test_integers_in_json_become_strings(tmp_path: Path) -> None:
    path = write(
        tmp_path, [{"apartment_number": 501, "residents": ["Ana"], "voip_number": 1003021}]
    )
    (apt,) = Directory.load(path).apartments
    assert apt.number == "501"
    assert apt.numbers == ("1003021",)


def test_tower_means_block(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [{"apartment_number": "12", "tower": "B", "residents": ["Ana"], "voip_number": "1"}],
    )
    assert Directory.load(path).apartments[0].block == "B"


def test_resident_objects_carry_their_own_numbers(tmp_path: Path) -> None:
    entry = {
        "apartment_number": "7",
        "residents": ["Ana", {"name": "Bia", "voip_number": ["71", 72]}, {"name": "Caio"}],
        "voip_number": ["70", "70", "79"],
    }
    (apt,) = Directory.load(write(tmp_path, [entry])).apartments
    assert apt.residents == (
        Resident("Ana", ()),
        Resident("Bia", ("71", "72")),
        Resident("Caio", ()),
    )
    assert apt.numbers == ("70", "79"), "a repeated number is dialed once"


def test_residents_may_list_nicknames_and_gender(tmp_path: Path) -> None:
    entry = {
        "apartment_number": "7",
        "residents": [
            {"name": "Beatriz Nunes", "nicknames": ["Bia", "Bia"], "gender": "F"},
            {"name": "José Carlos Pereira", "nicknames": "Zé Carlos", "gender": "masculino"},
            {"name": "Darci Lopes", "nicknames": None, "gender": None},
        ],
        "voip_number": "70",
    }
    (apt,) = Directory.load(write(tmp_path, [entry])).apartments
    assert apt.residents == (
        Resident("Beatriz Nunes", (), ("Bia",), "f"),
        Resident("José Carlos Pereira", (), ("Zé Carlos",), "m"),
        Resident("Darci Lopes", ()),
    )


def test_same_number_in_two_blocks_is_not_a_duplicate(tmp_path: Path) -> None:
    entries = [
        {"apartment_number": "12", "block": "A", "residents": ["Ana"], "voip_number": "1"},
        {"apartment_number": "12", "block": "B", "residents": ["Bia"], "voip_number": "2"},
    ]
    assert len(Directory.load(write(tmp_path, entries)).apartments) == 2


def test_from_entries_validates_like_load() -> None:
    with pytest.raises(DirectoryError, match=r"^condo\.yaml: entry at index 0 .*'residents'"):
        Directory.from_entries([{"apartment_number": "1", "voip_number": "1"}], source="condo.yaml")


def test_empty_list_is_an_empty_directory(tmp_path: Path) -> None:
    assert Directory.load(write(tmp_path, [])).apartments == ()


def test_missing_file_is_a_directory_error(tmp_path: Path) -> None:
    with pytest.raises(DirectoryError, match="cannot read directory file"):
        Directory.load(tmp_path / "nope.json")


def test_non_utf8_file_is_a_directory_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('[{"apartment_number": "1", "residents": ["Jo\u00e3o"]}]'.encode("latin-1"))
    with pytest.raises(DirectoryError, match="not UTF-8"):
        Directory.load(path)


def test_bad_json_names_line_and_column(tmp_path: Path) -> None:
    message = load_error(tmp_path, '[\n  {"apartment_number": "501",\n   "residents": [}\n]')
    assert "invalid JSON at line 3, column" in message


def test_top_level_object_is_rejected(tmp_path: Path) -> None:
    message = load_error(tmp_path, {"501": ["Daniel"]})
    assert "top level must be a list of apartments, got an object" in message


APT: dict[str, object] = {
    "apartment_number": "501",
    "residents": ["Daniel"],
    "voip_number": "1003021",
}


def with_(**changes: object) -> dict[str, object]:
    entry = dict(APT)
    for key, value in changes.items():
        if value is ...:
            del entry[key]
        else:
            entry[key] = value
    return entry


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        pytest.param(
            ["501"], "entry at index 0: expected an object, got a string", id="not-object"
        ),
        pytest.param(
            [APT, with_(apartment_number=...)],
            "entry at index 1: field 'apartment_number': missing",
            id="missing-apartment-number",
        ),
        pytest.param(
            [with_(apartment_number=["501"])],
            "field 'apartment_number': expected a string or a non-negative integer, got a list",
            id="apartment-number-list",
        ),
        pytest.param(
            [with_(apartment_number=True)],
            "field 'apartment_number': expected a string or a non-negative integer, got a boolean",
            id="apartment-number-bool",
        ),
        pytest.param(
            [with_(apartment_number="  ")],
            "field 'apartment_number': must not be empty",
            id="apartment-number-blank",
        ),
        pytest.param(
            [with_(residents=...)],
            "entry at index 0 (apartment '501'): field 'residents': missing",
            id="missing-residents",
        ),
        pytest.param(
            [with_(residents="Daniel")],
            "(apartment '501'): field 'residents': expected a list, got a string",
            id="residents-string",
        ),
        pytest.param(
            [with_(residents=[])],
            "(apartment '501'): field 'residents': must list at least one resident",
            id="residents-empty",
        ),
        pytest.param(
            [with_(residents=["Daniel", 42])],
            "field 'residents[1]': expected a name or an object with 'name', got a number",
            id="resident-number",
        ),
        pytest.param(
            [with_(residents=[{"voip_number": "1"}])],
            "field 'residents[0].name': missing",
            id="resident-without-name",
        ),
        pytest.param(
            [with_(residents=[" "])],
            "field 'residents[0]': must not be empty",
            id="resident-blank",
        ),
        pytest.param(
            [with_(residents=[{"name": "Ana", "voip_number": {"n": 1}}])],
            "field 'residents[0].voip_number': expected a number as a string or an integer, "
            "got an object",
            id="resident-voip-object",
        ),
        pytest.param(
            [with_(residents=[{"name": "Ana", "phone": "1"}])],
            "field 'residents[0].phone': unknown field",
            id="resident-unknown-field",
        ),
        pytest.param(
            [with_(residents=["Ana Souza", "ana  souza"])],
            "field 'residents[1]': 'ana souza' is already listed at residents[0]",
            id="resident-twice",
        ),
        pytest.param(
            [with_(voip_number=...)],
            "(apartment '501'): field 'voip_number': missing",
            id="missing-voip-number",
        ),
        pytest.param(
            [with_(voip_number={"main": "1"})],
            "field 'voip_number': expected a number as a string or an integer, got an object",
            id="voip-number-object",
        ),
        pytest.param(
            [with_(voip_number=[])],
            "field 'voip_number': must list at least one number",
            id="voip-number-empty-list",
        ),
        pytest.param(
            [with_(voip_number=["1003021", None])],
            "field 'voip_number[1]': expected a number as a string or an integer, got null",
            id="voip-number-null-in-list",
        ),
        pytest.param(
            [with_(voip_number="100 3021")],
            "field 'voip_number': '100 3021' contains spaces",
            id="voip-number-spaces",
        ),
        pytest.param(
            [with_(voip_numbers="1")],
            "(apartment '501'): field 'voip_numbers': unknown field",
            id="unknown-field-typo",
        ),
        pytest.param(
            [with_(residents=[{"name": "Ana", "gender": "x"}])],
            "field 'residents[0].gender': expected \"f\" or \"m\", got 'x'",
            id="gender-unknown",
        ),
        pytest.param(
            [with_(residents=[{"name": "Ana", "nicknames": ["Aninha", ""]}])],
            "field 'residents[0].nicknames[1]': must not be empty",
            id="nickname-empty",
        ),
        pytest.param(
            [with_(residents=[{"name": "Ana", "nicknames": {"x": 1}}])],
            "field 'residents[0].nicknames': expected a string, got an object",
            id="nickname-object",
        ),
        pytest.param(
            [with_(block=["B"])],
            "field 'block': expected a string or a non-negative integer, got a list",
            id="block-list",
        ),
        pytest.param(
            [with_(block="A", tower="B")],
            "(apartment '501'): field 'tower': 'B' disagrees with block 'A'",
            id="block-tower-disagree",
        ),
        pytest.param(
            [APT, with_(residents=["Outro"])],
            "entry at index 1 (apartment '501'): duplicate apartment, "
            "already defined by the entry at index 0",
            id="duplicate-apartment",
        ),
        pytest.param(
            [with_(block="b"), with_(apartment_number="0501", block="B")],
            "entry at index 1 (apartment '0501', block 'B'): duplicate apartment",
            id="duplicate-apartment-and-block-spelled-differently",
        ),
    ],
)
def test_invalid_entry_is_reported_with_file_entry_and_field(
    tmp_path: Path, entries: list[object], expected: str
) -> None:
    assert expected in load_error(tmp_path, entries)
