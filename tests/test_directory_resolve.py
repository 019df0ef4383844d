"""Directory.resolve: who the visitor wants, from a name and/or an apartment; never a guess."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.directory import ApartmentRef, Directory, Resolution, parse_apartment

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "apartamentos.json"


@pytest.fixture(scope="module")
def directory() -> Directory:
    return Directory.load(SHIPPED)


def residents(resolution: Resolution) -> list[str]:
    return [match.resident.name for match in resolution.matches]


def labels(resolution: Resolution) -> list[str]:
    return [apartment.label() for apartment in resolution.apartments]


def test_rafaela_of_501_is_ok(directory: Directory) -> None:
    result = directory.resolve("Rafaela", ApartmentRef("501", None))
    assert result.status == "ok"
    assert residents(result) == ["Rafaela Silva"]
    assert labels(result) == ["501"]


def test_rafaela_of_303_is_rafaella_martins(directory: Directory) -> None:
    result = directory.resolve("a Rafaela", parse_apartment("apartamento trezentos e três"))
    assert result.status == "ok"
    assert residents(result) == ["Rafaella Martins"]


def test_rafaela_alone_is_ambiguous_between_501_and_303(directory: Directory) -> None:
    result = directory.resolve("Rafaela", None)
    assert result.status == "ambiguous"
    assert sorted(residents(result)) == ["Rafaela Silva", "Rafaella Martins"]
    assert sorted(labels(result)) == ["303", "501"]


def test_full_name_alone_is_ok(directory: Directory) -> None:
    result = directory.resolve("Daniel dos Reis", None)
    assert result.status == "ok"
    assert result.matches[0].apartment.number == "501"


def test_first_name_alone_clearly_ahead_is_ok(directory: Directory) -> None:
    # "Fernando" also resembles "Fernanda", but by far less.
    result = directory.resolve("Fernanda", None)
    assert result.status == "ok"
    assert residents(result) == ["Fernanda Oliveira"]


def test_surname_shared_by_two_residents_is_ambiguous(directory: Directory) -> None:
    result = directory.resolve("Souza", None)
    assert result.status == "ambiguous"
    assert sorted(residents(result)) == ["Ana Paula Souza", "Paulo Souza"]
    assert labels(result) == ["202"], "both live in 202"


def test_surname_in_its_own_apartment_is_still_ambiguous(directory: Directory) -> None:
    result = directory.resolve("Oliveira", ApartmentRef("404", None))
    assert result.status == "ambiguous"
    assert len(result.matches) == 2


def test_full_name_said_beats_a_resembling_neighbour(directory: Directory) -> None:
    result = directory.resolve("Paulo Souza", None)
    assert result.status == "ok"
    assert residents(result) == ["Paulo Souza"]


def test_apartment_only_gives_the_apartment(directory: Directory) -> None:
    result = directory.resolve(None, parse_apartment("cinco zero um"))
    assert result.status == "apartment_only"
    assert labels(result) == ["501"]
    assert result.matches == ()


def test_apartment_in_two_blocks_without_block_is_ambiguous(directory: Directory) -> None:
    result = directory.resolve(None, ApartmentRef("12", None))
    assert result.status == "ambiguous"
    assert labels(result) == ["12 bloco A", "12 bloco B"]
    assert result.matches == ()


def test_apartment_with_block_is_apartment_only(directory: Directory) -> None:
    result = directory.resolve(None, parse_apartment("bloco b apartamento doze"))
    assert result.status == "apartment_only"
    assert labels(result) == ["12 bloco B"]


def test_name_settles_which_block(directory: Directory) -> None:
    result = directory.resolve("dona Simone", ApartmentRef("12", None))
    assert result.status == "ok"
    assert labels(result) == ["12 bloco B"]


def test_name_living_elsewhere_is_a_conflict_not_a_guess(directory: Directory) -> None:
    result = directory.resolve("Thiago", ApartmentRef("501", None))
    assert result.status == "ambiguous"
    assert residents(result) == ["Thiago Mendes"]
    assert labels(result) == ["501"], "the apartment the visitor said"


def test_name_in_the_other_block_is_a_conflict(directory: Directory) -> None:
    result = directory.resolve("Marcos", ApartmentRef("12", "B"))
    assert result.status == "ambiguous"
    assert residents(result) == ["Marcos Lima"]
    assert labels(result) == ["12 bloco B"]


def test_unknown_name_in_existing_apartment_is_not_found_with_the_apartment(
    directory: Directory,
) -> None:
    result = directory.resolve("Bartolomeu", ApartmentRef("501", None))
    assert result.status == "not_found"
    assert labels(result) == ["501"]


def test_unknown_apartment_is_not_found(directory: Directory) -> None:
    result = directory.resolve(None, ApartmentRef("999", None))
    assert result == Resolution("not_found", (), ())


def test_unknown_name_is_not_found(directory: Directory) -> None:
    assert directory.resolve("Bartolomeu", None).status == "not_found"


def test_sim_is_not_simone(directory: Directory) -> None:
    assert directory.resolve("sim", None).status == "not_found"


def test_nothing_said_is_empty(directory: Directory) -> None:
    assert directory.resolve(None, None).status == "empty"
    assert directory.resolve("  ", None).status == "empty"
    assert directory.resolve("o senhor", None).status == "empty"
