"""Telling close names apart: words said exactly, the caller's article, nicknames.

The fuzzy score decides whether a name is meant at all; these tests are about
which of several names that pass it the caller meant, and when to ask.
"""

from __future__ import annotations

import pytest

from app.directory import ApartmentRef, Directory, Resolution
from app.directory.gender import name_gender

LOOKALIKES = Directory.from_entries([
    {"apartment_number": "101", "residents": ["Ana Costa"], "voip_number": "1101"},
    {"apartment_number": "102", "residents": ["Anabela Souza"], "voip_number": "1102"},
    {"apartment_number": "201", "residents": ["Daniel Reis"], "voip_number": "1201"},
    {"apartment_number": "303", "residents": ["Daniela Prado"], "voip_number": "1303"},
    {"apartment_number": "301", "residents": ["Rafael Nunes"], "voip_number": "1301"},
    {"apartment_number": "302", "voip_number": "1302", "residents": [
        "Rafaela Silva", {"name": "Beatriz Nunes", "nicknames": ["Bia"]}]},
    {"apartment_number": "15", "residents": ["Marina Lopes"], "voip_number": "1015"},
    {"apartment_number": "16", "residents": ["Marina Duarte"], "voip_number": "1016"},
    {"apartment_number": "12", "block": "A", "residents": ["Darci Lima"], "voip_number": "1012"},
    {"apartment_number": "12", "block": "B", "residents": [
        {"name": "Darci Lima", "gender": "f"}], "voip_number": "1112"},
])  # fmt: skip


def who(res: Resolution) -> list[str]:
    return [f"{m.resident.name} {m.apartment.label()}" for m in res.matches]


@pytest.mark.parametrize(("name", "gender"), [
    ("Ana Paula Souza", "f"), ("Rafaela", "f"), ("Raquel", "f"), ("Beatriz", "f"), ("Simone", "f"),
    ("Conceição Araújo", "f"), ("Assunção", "f"),
    ("Daniel dos Reis", "m"), ("Thiago", "m"), ("Marcos", "m"), ("José", "m"), ("Luís", "m"),
    ("Darci", None), ("Ariel", None), ("Dani", None),
])  # fmt: skip
def test_a_first_name_implies_a_gender_only_when_it_is_safe(name: str, gender: str | None) -> None:
    assert name_gender(name) == gender


@pytest.mark.parametrize(("said", "meant"), [
    ("Ana", "Ana Costa 101"), ("Anabela", "Anabela Souza 102"),
    ("Daniel", "Daniel Reis 201"), ("Daniela", "Daniela Prado 303"),
    ("Rafael", "Rafael Nunes 301"), ("Rafaela", "Rafaela Silva 302"),
])  # fmt: skip
def test_the_name_said_exactly_beats_its_look_alike(said: str, meant: str) -> None:
    res = LOOKALIKES.resolve(said, None)
    assert (res.status, who(res), res.confirm) == ("ok", [meant], False)


def test_the_article_decides_when_the_name_and_the_look_alike_tie_on_it() -> None:
    assert who(LOOKALIKES.resolve("Nunes", None)) == ["Rafael Nunes 301", "Beatriz Nunes 302"]
    assert who(LOOKALIKES.resolve("a Nunes", None)) == ["Beatriz Nunes 302"]
    assert who(LOOKALIKES.resolve("seu Nunes", None)) == ["Rafael Nunes 301"]


def test_an_article_against_the_name_said_is_asked_about() -> None:
    # "a Rafael": the word says Rafael, the article a woman; a misheard "Rafaela"?
    res = LOOKALIKES.resolve("Rafael", None, gender="f")
    assert res.status == "ambiguous"
    assert sorted(who(res)) == ["Rafael Nunes 301", "Rafaela Silva 302"]
    assert LOOKALIKES.resolve("o Rafael", None).status == "ok"


def test_the_directory_says_the_gender_a_name_does_not() -> None:
    assert LOOKALIKES.resolve("Darci", None).status == "ambiguous"
    # The directory says the Darci in 12 B is a woman: "seu Darci" can only be the other.
    res = LOOKALIKES.resolve("seu Darci", None)
    assert (res.status, who(res)) == ("ok", ["Darci Lima 12 bloco A"])
    # Nobody wrote down the other Darci's gender: she may be a woman too.
    assert LOOKALIKES.resolve("dona Darci", None).status == "ambiguous"


def test_a_first_name_said_beats_the_same_word_as_someone_s_middle_name() -> None:
    building = Directory.from_entries(
        [
            {
                "apartment_number": "501",
                "residents": ["Luís Fernando Gonçalves"],
                "voip_number": "1",
            },
            {"apartment_number": "602", "residents": ["Fernando Lima"], "voip_number": "2"},
            {
                "apartment_number": "701",
                "residents": ["Jorge Henrique Batista"],
                "voip_number": "3",
            },
        ]
    )
    assert who(building.resolve("o Fernando", None)) == ["Fernando Lima 602"]
    assert who(building.resolve("Luís Fernando", None)) == ["Luís Fernando Gonçalves 501"]
    # Nobody else holds the word: a middle name alone still finds its owner, unasked.
    res = building.resolve("o Henrique", None)
    assert (who(res), res.confirm) == (["Jorge Henrique Batista 701"], False)


def test_a_candidate_far_behind_on_the_name_is_not_chosen_for_its_article() -> None:
    # "o Rafael Silva": the article says Rafael Nunes, the whole name Rafaela Silva.
    res = LOOKALIKES.resolve("o Rafael Silva", None)
    assert res.status == "ambiguous"
    assert sorted(who(res)) == ["Rafael Nunes 301", "Rafaela Silva 302"]


def test_a_nickname_the_directory_lists_is_as_good_as_the_name() -> None:
    assert who(LOOKALIKES.resolve("a Bia", None)) == ["Beatriz Nunes 302"]
    assert who(LOOKALIKES.resolve("Bia Nunes", None)) == ["Beatriz Nunes 302"]


def test_a_look_alike_in_the_apartment_said_is_confirmed_when_the_exact_name_lives_elsewhere() -> (
    None
):
    res = LOOKALIKES.resolve("Daniel", ApartmentRef("303", None))
    assert (res.status, who(res), res.confirm) == ("ok", ["Daniela Prado 303"], True)
    res = LOOKALIKES.resolve("Daniela", ApartmentRef("303", None))
    assert (res.status, res.confirm) == ("ok", False)


def test_a_name_living_elsewhere_is_asked_about_without_its_look_alikes() -> None:
    res = LOOKALIKES.resolve("o Daniel", ApartmentRef("15", None))
    assert (res.status, who(res)) == ("ambiguous", ["Daniel Reis 201"])
    assert [a.label() for a in res.apartments] == ["15"], "the apartment the visitor said"


def test_homonyms_are_chosen_between_by_what_the_answer_says() -> None:
    asked = LOOKALIKES.resolve("Marina", None)
    assert asked.status == "ambiguous"
    by_apartment = LOOKALIKES.choose(asked, apartment=ApartmentRef("15", None))
    assert who(by_apartment) == ["Marina Lopes 15"]
    assert who(LOOKALIKES.choose(asked, name="Duarte")) == ["Marina Duarte 16"]
    assert LOOKALIKES.choose(asked, name="Marina").status == "ambiguous"
    assert LOOKALIKES.choose(asked, apartment=ApartmentRef("909", None)).status == "not_found"
    assert who(asked.option(-1) or Resolution("empty")) == ["Marina Duarte 16"]
    assert asked.option(2) is None


def test_a_dropped_final_vowel_is_no_difference_among_the_options_offered() -> None:
    asked = LOOKALIKES.resolve("Rafael", None, gender="f")
    assert (
        LOOKALIKES.choose(asked, name="Rafael", gender="f").matches[0].resident.name
        == "Rafaela Silva"
    )
    assert (
        LOOKALIKES.choose(asked, name="Rafael", gender="m").matches[0].resident.name
        == "Rafael Nunes"
    )
    assert LOOKALIKES.choose(asked, name="Rafael").status == "ambiguous"


def test_an_answer_naming_someone_not_offered_is_not_taken_as_an_option() -> None:
    asked = LOOKALIKES.resolve("Marina", None)
    assert LOOKALIKES.choose(asked, name="Daniela").status == "not_found"


def test_blocks_offered_are_chosen_by_block_or_by_name() -> None:
    asked = LOOKALIKES.resolve(None, ApartmentRef("12", None))
    assert asked.status == "ambiguous" and not asked.matches
    assert LOOKALIKES.choose(asked, block="B").apartments[0].label() == "12 bloco B"
    assert LOOKALIKES.choose(asked, block="B").status == "apartment_only"
    assert LOOKALIKES.choose(asked, name="Darci", gender="m").apartments[0].label() == "12 bloco A"
    assert LOOKALIKES.choose(asked, name="Darci", gender="f").status == "ambiguous"
