"""How replies are cut for speaking, and what is made before anyone calls."""

from __future__ import annotations

from pathlib import Path

from app.config import CondominiumSettings, Phrases
from app.dialog.spoken_phrases import predictable_phrases
from app.directory.directory import Directory
from app.media.tts.phrasebook import PAUSE_MS, Phrasebook, Segment
from tests.harness.live import DIRECTORY

P = Phrases()
BOOK = Phrasebook(P.model_dump())


def texts(segments: list[Segment]) -> list[str]:
    return [s.text for s in segments]


def test_a_fixed_phrase_is_one_segment() -> None:
    assert BOOK.segments(P.greeting) == [Segment(P.greeting, 0, False)]


def test_the_visitors_name_is_cut_out_of_the_residents_presentation() -> None:
    text = P.resident_prompt.format(
        apartment="501", visitor="Carlos Alberto", purpose=P.purpose_entrega
    )
    segs = BOOK.segments(text)
    assert texts(segs) == [
        "Olá morador do apartamento 501!",
        "Carlos Alberto",
        "está na portaria com uma entrega.",
        "Você autoriza a entrada?",
        "Responda sim ou não.",
    ]
    assert [s.dynamic for s in segs] == [False, True, False, False, False]
    # A sentence's pause before the name; a short one inside the sentence after it.
    assert [s.pause_ms for s in segs[1:3]] == [PAUSE_MS["sentence"], PAUSE_MS["inside"]]


def test_an_unknown_apartment_keeps_its_full_stop_and_the_question_is_whole() -> None:
    segs = BOOK.segments(P.apartment_not_found.format(apartment="705 bloco C"))
    assert texts(segs) == [
        "Não encontrei o apartamento",
        "705 bloco C.",
        "Qual é o número do apartamento?",
    ]


def test_text_no_template_made_is_said_a_sentence_at_a_time() -> None:
    assert texts(BOOK.segments("Portão aberto.  Pode  entrar!")) == [
        "Portão aberto.",
        "Pode entrar!",
    ]


def test_the_directory_makes_every_confirmation_presentation_and_choice_predictable() -> None:
    condo = CondominiumSettings(directory=DIRECTORY)
    ready = set(predictable_phrases(condo, Directory.load(Path(DIRECTORY))))
    assert "Daniel dos Reis, do apartamento 501, certo?" in ready
    assert "Simone Araújo, do apartamento 12 bloco B, certo?" in ready
    assert "Olá morador do apartamento 1201!" in ready
    assert "está na portaria para uma visita." in ready
    assert "o apartamento 12 bloco A e o apartamento 12 bloco B." in ready  # "12?" is ambiguous
    assert "Ana Paula Souza, do 202 e Paulo Souza, do 202." in ready  # so is "Souza"
    assert {P.greeting, P.goodbye, P.hold, "Não encontrei", "Encontrei"} <= ready
    assert not any("{" in t for t in ready)


def test_the_greeting_is_made_first() -> None:
    condo = CondominiumSettings(directory=DIRECTORY)
    assert predictable_phrases(condo, Directory.load(Path(DIRECTORY)))[0] == P.greeting
