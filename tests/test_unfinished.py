"""Which fragments a person would wait on: pt-BR endings that cannot close a sentence."""

from __future__ import annotations

import pytest

from app.dialog.nlu.unfinished import sounds_unfinished

UNFINISHED = [
    "Boa noite, aqui é o",
    "Boa noite, aqui é o Fulano,",
    "vim deixar uma encomenda para o",
    "é pro apartamento",
    "é pro apartamento.",  # recognizers close fragments with a period
    "quinhentos e",
    "meu nome é",
    "Meu nome é.",
    "sou o",
    "sou a",
    "eu sou",
    "aqui é",
    "vim ver a",
    "vim ver",
    "entrega da",
    "é do",
    "tenho um pacote com",
    "é o técnico da",
    "bloco",
    "eu vim buscar a Fernanda e",
    "tô aqui porque",
    "é uma entrega…",
    "é uma entrega...",
    "me chamo",
    "quero falar com",
    "é pra dona",
]
FINISHED = [
    "Boa noite, aqui é o Fulano.",
    "Boa noite, aqui é o Fulano, vim deixar uma encomenda.",
    "quinhentos e um",
    "Quem é?",
    "é",
    "É.",
    "isso mesmo",
    "sim, pode entrar",
    "não",
    "sou eu",
    "Rafaela",
    "apartamento 501",
    "bloco B",
    "entrega do iFood",
    "é o Marcos",
    "a",  # a bare letter is an answer ("bloco A" asked), not an article
    "",
]


@pytest.mark.parametrize("text", UNFINISHED)
def test_a_fragment_that_cannot_end_a_sentence_waits_for_more(text: str) -> None:
    assert sounds_unfinished(text)


@pytest.mark.parametrize("text", FINISHED)
def test_a_whole_answer_is_replied_to_at_once(text: str) -> None:
    assert not sounds_unfinished(text)
