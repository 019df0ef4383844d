"""Apartment numbers as Whisper writes them, read against the building's directory.

Whisper base writes "quinhentos e um" as "501", "500-1" or "5001", and "cinco zero
um" as "5-0-1", "5.0.1" or, cut short, "5.0". What the text settles is taken; what
only the directory can settle is confirmed with the visitor first (`reread`).
"""

from __future__ import annotations

import pytest

from app.directory import ApartmentRef, parse_apartment
from app.directory.directory import Directory
from app.directory.numbers import rereadings
from tests.harness.asterisk import REPO

DIRECTORY = REPO / "data" / "apartamentos.json"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Apartamento 500-1.", "501"),
        ("apto 501", "501"),
        ("É o 5-0-1.", "501"),
        ("5.0.1", "501"),
        ("Vim no 1200-1", "1201"),
        ("Entrega para o 20-2", "22"),
        ("apartamento 300 e 3", "303"),
        ("apartamento 300 de três", "303"),
        ("1.2001", "12001"),
        ("Apartamento 12-B", "12"),
    ],
)
def test_whisper_number_forms_parse_to_the_number_said(text: str, number: str) -> None:
    ref = parse_apartment(text)
    assert ref is not None and ref.number == number


def test_phone_numbers_and_times_stay_out_of_the_rewriting() -> None:
    assert parse_apartment("meu telefone é 99999-1234") is None
    assert parse_apartment("chego às 14:30 no 303") == ApartmentRef("303", None)


def test_a_round_part_then_the_rest_is_read_as_one_number() -> None:
    assert rereadings("5001")[0] == "501"
    assert rereadings("12001")[0] == "1201"
    assert rereadings("501") == ["51"]


@pytest.mark.parametrize(
    ("written", "meant"), [("5001", "501"), ("12001", "1201"), ("4004", "404"), ("50", "501")]
)
def test_a_number_missing_from_the_directory_is_reread_and_marked_for_confirmation(
    written: str, meant: str
) -> None:
    res = Directory.load(DIRECTORY).resolve(None, ApartmentRef(written, None))
    assert res.status == "apartment_only" and res.reread
    assert [a.number for a in res.apartments] == [meant]


def test_a_number_in_the_directory_is_taken_as_said() -> None:
    res = Directory.load(DIRECTORY).resolve(None, ApartmentRef("501", None))
    assert res.status == "apartment_only" and not res.reread


def test_a_prefix_shared_by_two_apartments_is_not_guessed() -> None:
    # "10" could be 101 or 102: ask again rather than pick one.
    assert Directory.load(DIRECTORY).resolve(None, ApartmentRef("10", None)).status == "not_found"


def test_name_and_reread_number_together_still_confirm() -> None:
    res = Directory.load(DIRECTORY).resolve("Rafaela Silva", ApartmentRef("5001", None))
    assert res.status == "ok" and res.reread and res.matches[0].apartment.number == "501"
