"""Apartment numbers as visitors say them, and what is not an apartment number."""

from __future__ import annotations

import pytest

from app.directory import ApartmentRef, parse_apartment, words_to_number


@pytest.mark.parametrize(
    ("utterance", "number", "block"),
    [
        # digits
        ("501", "501", None),
        ("apartamento 501", "501", None),
        ("ap 501", "501", None),
        ("Apto. 1201", "1201", None),
        ("apartamento número 501", "501", None),
        ("é pro apê 303", "303", None),
        ("unidade 404", "404", None),
        ("casa 3", "3", None),
        ("5 0 1", "501", None),
        ("apartamento 0501", "501", None),
        ("1.201", "1201", None),
        # cardinals
        ("quinhentos e um", "501", None),
        ("vim no quinhentos e um", "501", None),
        ("mil e duzentos e um", "1201", None),
        ("mil duzentos e um", "1201", None),
        ("cento e um", "101", None),
        ("duzentos e dois", "202", None),
        ("trezentos e três", "303", None),
        ("apartamento doze", "12", None),
        ("casa três", "3", None),
        # digit by digit
        ("cinco zero um", "501", None),
        ("cinco meia dois", "562", None),
        ("um dois zero um", "1201", None),
        ("doze zero um", "1201", None),
        ("quatro zero quatro", "404", None),
        # blocks
        ("apto. 12 do bloco B", "12", "B"),
        ("apartamento 12 do bloco B", "12", "B"),
        ("bloco b apartamento doze", "12", "B"),
        ("doze B", "12", "B"),
        ("12B", "12", "B"),
        ("12 bloco bê", "12", "B"),
        ("ap nº 12, bloco A", "12", "A"),
        ("torre 2 apartamento 31", "31", "2"),
        ("apartamento 12 torre um", "12", "1"),
        # a bare "a" after a number is the article, not block A
        ("doze a Rafaela", "12", None),
        # the number after "apartamento" wins over other numbers
        ("trouxe 3 caixas para o apartamento 404", "404", None),
        ("(11) 98765-4321, apartamento 303", "303", None),
        ("5º andar, apartamento 501", "501", None),
        ("vim às 14h no 303", "303", None),
        ("eu trouxe dois pacotes pro 404", "404", None),
        ("apartamento 2001", "2001", None),
    ],
)
def test_apartment_is_found_in_utterance(utterance: str, number: str, block: str | None) -> None:
    assert parse_apartment(utterance) == ApartmentRef(number, block)


@pytest.mark.parametrize(
    "utterance",
    [
        "",
        "quero falar com a Rafaela",
        "uma entrega para a Rafaela",
        "sou do bloco A",
        "meu telefone é 11 99999-1234",
        "o número é 11987654321",
        "nove nove oito sete seis cinco quatro três",
        "nasci em 1985",
        "chego em cinco minutos",
        "são dois",
        "moro no 5º andar",
        "mil desculpas",
    ],
)
def test_no_apartment_in_utterance(utterance: str) -> None:
    assert parse_apartment(utterance) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("quinhentos e um", 501),
        ("cinco zero um", 501),
        ("cinco meia dois", 562),
        ("mil e duzentos e um", 1201),
        ("mil duzentos e um", 1201),
        ("doze zero um", 1201),
        ("vinte e um", 21),
        ("cem", 100),
        ("dois mil", 2000),
        ("novecentos e noventa e nove", 999),
        ("Três", 3),
        ("zero", 0),
        ("501", 501),
        ("5 0 1", 501),
    ],
)
def test_words_to_number_reads_a_whole_phrase(text: str, value: int) -> None:
    assert words_to_number(text) == value


@pytest.mark.parametrize(
    "text", ["", "e", "uma", "quinhentos e", "cinco e um", "apartamento 501", "Rafaela"]
)
def test_words_to_number_rejects_what_is_not_only_a_number(text: str) -> None:
    assert words_to_number(text) is None
