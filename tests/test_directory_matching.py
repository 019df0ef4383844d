"""Matching spoken names against the shipped directory's residents."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.directory import Directory, canonical_name, normalize

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "apartamentos.json"


@pytest.fixture(scope="module")
def directory() -> Directory:
    return Directory.load(SHIPPED)


def names(directory: Directory, query: str) -> list[str]:
    return [match.resident.name for match in directory.match_residents(query)]


def test_normalize_folds_case_accents_punctuation_and_spaces() -> None:
    assert normalize("  Luís   FERNANDO, Costa! ") == "luis fernando costa"
    assert normalize("Maria das Graças Araújo") == "maria das gracas araujo"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Thiago", "Tiago"),
        ("Rafaella", "Rafaela"),
        ("Luís", "Luiz"),
        ("Raphael", "Rafael"),
        ("Sylvia", "Silvia"),
        ("Wagner", "Vagner"),
        ("Helena", "Elena"),
        ("Mattos", "Matos"),
        ("Kátia", "Cátia"),
    ],
)
def test_spelling_variants_share_a_canonical_name(one: str, other: str) -> None:
    assert canonical_name(one) == canonical_name(other)


def test_full_name_finds_daniel_dos_reis(directory: Directory) -> None:
    (match,) = directory.match_residents("Daniel dos Reis")
    assert match.resident.name == "Daniel dos Reis"
    assert match.apartment.number == "501"
    assert match.score == 100.0


def test_full_name_without_particle_still_finds_daniel(directory: Directory) -> None:
    assert names(directory, "Daniel Reis") == ["Daniel dos Reis"]


def test_first_name_only_finds_rafaela_in_501(directory: Directory) -> None:
    (apt,) = directory.find_apartment("501")
    (match,) = directory.match_residents("a Rafaela", apartment=apt)
    assert match.resident.name == "Rafaela Silva"


def test_first_name_only_matches_both_rafaela_and_rafaella(directory: Directory) -> None:
    assert sorted(names(directory, "Rafaela")) == ["Rafaela Silva", "Rafaella Martins"]


def test_surname_only_with_honorific_finds_daniel(directory: Directory) -> None:
    assert names(directory, "o senhor Reis") == ["Daniel dos Reis"]


def test_dona_simone_finds_simone_araujo(directory: Directory) -> None:
    assert names(directory, "dona Simone") == ["Simone Araújo"]


def test_accents_and_case_do_not_matter(directory: Directory) -> None:
    assert names(directory, "SIMONE ARAUJO") == ["Simone Araújo"]
    assert names(directory, "maria das gracas") == ["Maria das Graças Santos"]


def test_tiago_without_h_finds_thiago(directory: Directory) -> None:
    assert names(directory, "Tiago Mendes") == ["Thiago Mendes"]


def test_luiz_with_z_finds_luis(directory: Directory) -> None:
    assert names(directory, "seu Luiz")[0] == "Luís Fernando Costa"


def test_rafaella_spelled_with_one_l_and_surname_finds_martins(directory: Directory) -> None:
    assert names(directory, "Rafaela Martins")[0] == "Rafaella Martins"


def test_misrecognized_name_still_matches(directory: Directory) -> None:
    assert names(directory, "Simoni") == ["Simone Araújo"]


def test_short_query_sim_does_not_match_simone(directory: Directory) -> None:
    assert directory.match_residents("sim") == []


def test_two_letter_query_needs_an_exact_token(directory: Directory) -> None:
    assert directory.match_residents("Si") == []


def test_only_honorifics_match_nobody(directory: Directory) -> None:
    assert directory.match_residents("o senhor") == []
    assert directory.match_residents("") == []


def test_unknown_name_matches_nobody(directory: Directory) -> None:
    assert directory.match_residents("Bartolomeu") == []


def test_half_wrong_full_name_matches_nobody(directory: Directory) -> None:
    assert directory.match_residents("Daniel Souza") == []


def test_surname_shared_in_202_returns_both_souzas(directory: Directory) -> None:
    assert sorted(names(directory, "Souza")) == ["Ana Paula Souza", "Paulo Souza"]


def test_full_name_said_ranks_above_similar_longer_name(directory: Directory) -> None:
    matches = directory.match_residents("Paulo Souza")
    assert matches[0].resident.name == "Paulo Souza"
    assert matches[0].score - matches[1].score >= 10


def test_match_within_apartment_ignores_other_apartments(directory: Directory) -> None:
    (apt,) = directory.find_apartment("303")
    assert [m.resident.name for m in directory.match_residents("Rafaela", apartment=apt)] == [
        "Rafaella Martins"
    ]
    assert directory.match_residents("Daniel", apartment=apt) == []


def test_threshold_is_honoured(directory: Directory) -> None:
    assert names(directory, "Simoni") == ["Simone Araújo"]
    assert directory.match_residents("Simoni", threshold=90.0) == []


def test_results_are_sorted_best_first(directory: Directory) -> None:
    scores = [m.score for m in directory.match_residents("Fernanda", threshold=50.0)]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 100.0 for s in scores)


def test_find_apartment_returns_every_block_when_none_is_given(directory: Directory) -> None:
    assert [a.label() for a in directory.find_apartment("12")] == ["12 bloco A", "12 bloco B"]
    assert [a.label() for a in directory.find_apartment("12", "b")] == ["12 bloco B"]
    assert directory.find_apartment("12", "C") == []
    assert directory.find_apartment("999") == []


def test_find_apartment_ignores_a_block_the_building_does_not_use(directory: Directory) -> None:
    assert [a.label() for a in directory.find_apartment("0501", "A")] == ["501"]
