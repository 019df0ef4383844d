"""What the dialog tells the recognizer per turn, and how a scored answer is read back."""

from __future__ import annotations

import pytest

from app.dialog.hints import (
    CONFIRM_HINT,
    RESIDENT_HINT,
    apartment_choices,
    building_prompt,
    read_reply,
)
from app.dialog.nlu import Reply, classify_confirmation, classify_reply
from app.dialog.ports import Input
from app.directory import parse_apartment
from app.directory.directory import Directory
from app.directory.spoken import say_number, words_to_number
from tests.harness.asterisk import REPO

DIRECTORY = Directory.load(REPO / "data" / "apartamentos.json")


@pytest.mark.parametrize(
    "n", [1, 12, 21, 100, 101, 202, 303, 404, 501, 1000, 1100, 1201, 2020, 9999]
)
def test_a_number_said_in_words_reads_back_as_the_same_number(n: int) -> None:
    assert words_to_number(say_number(n)) == n


def test_every_way_of_saying_an_apartment_parses_back_to_that_apartment() -> None:
    for phrase, label in apartment_choices(list(DIRECTORY.apartments)):
        ref = parse_apartment(phrase)
        assert ref is not None, phrase
        assert DIRECTORY.find_apartment(ref.number, ref.block)[0].label() == label, phrase


def test_expected_answers_mean_what_the_text_classifiers_say() -> None:
    assert ("quem é", "who") in RESIDENT_HINT.choices and (
        "não autorizo",
        "no",
    ) in RESIDENT_HINT.choices
    assert ("isso mesmo", "yes") in CONFIRM_HINT.choices and (
        "errado",
        "no",
    ) in CONFIRM_HINT.choices
    assert all(classify_reply(p).value == m for p, m in RESIDENT_HINT.choices)
    assert all(classify_confirmation(p).value == m for p, m in CONFIRM_HINT.choices)


def test_the_prompt_lists_names_and_numbers_the_known_apartment_first() -> None:
    apartments = sorted(DIRECTORY.apartments, key=lambda a: a.number != "404")
    prompt = building_prompt(apartments)
    assert prompt.index("Fernanda Oliveira") < prompt.index("Daniel dos Reis")
    assert "501" in prompt and "12 bloco B" in prompt


def test_a_doubtful_yes_is_never_taken_and_a_sure_choice_is() -> None:
    assert (
        read_reply(Input("speech", text="sim", choice="sim", scored=True), classify_reply)
        is Reply.YES
    )
    assert (
        read_reply(Input("speech", text="sim", scored=True, unsure=True), classify_reply)
        is Reply.UNKNOWN
    )
    assert (
        read_reply(Input("speech", text="não", scored=True, unsure=True), classify_reply)
        is Reply.UNKNOWN
    )
    assert (
        read_reply(Input("speech", text="pode subir", unsure=True), classify_reply) is Reply.UNKNOWN
    )
    assert read_reply(Input("speech", text="não autorizo", unsure=True), classify_reply) is Reply.NO
    assert read_reply(Input("speech", text=None), classify_reply) is Reply.UNKNOWN
