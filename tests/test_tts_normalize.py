"""What a voice is given to read: pt-BR text normalized for speech, one row per rule."""

from __future__ import annotations

import pytest

from app.config import Phrases
from app.media.tts.normalize import speech_text

TABLE = [
    # all-caps words are words; real acronyms stay spelled
    ("Responda SIM ou NÃO.", "Responda sim ou não."),
    ("PORTARIA do condomínio", "portaria do condomínio"),
    ("Traga o CPF e o RG.", "Traga o CPF e o RG."),
    ("Entrega do INSS", "Entrega do INSS"),
    ("A", "A"),
    # numbers, the Brazilian way
    ("apartamento 501", "apartamento quinhentos e um"),
    ("apartamento 1201", "apartamento mil duzentos e um"),
    ("do 12 bloco B", "do doze bloco bê"),
    ("tecle 1 para sim e 2 para não", "tecle um para sim e dois para não"),
    ("1.500 reais", "mil e quinhentos reais"),
    ("ramal 0800", "ramal zero oito zero zero"),
    # blocks and towers by the letter's name
    ("bloco E", "bloco é"),
    ("Torre a", "Torre á"),
    ("apto 12B", "apartamento doze bloco bê"),
    # abbreviations
    ("apto 501", "apartamento quinhentos e um"),
    ("Apto. 303", "apartamento trezentos e três"),
    ("ap. 101", "apartamento cento e um"),
    ("Sr. Paulo e Sra. Ana", "senhor Paulo e senhora Ana"),
    ("Dr. Marcos, Dra. Simone", "doutor Marcos, doutora Simone"),
    ("nº 12", "número doze"),
    ("bl. C", "bloco cê"),
    # things that must not change
    ("Simone Araújo", "Simone Araújo"),
    ("Aptidão", "Aptidão"),
    ("Só um instante.", "Só um instante."),
]


@pytest.mark.parametrize(("written", "spoken"), TABLE)
def test_text_is_normalized_for_speech(written: str, spoken: str) -> None:
    assert speech_text(written) == spoken


def test_digit_by_digit_when_configured() -> None:
    assert (
        speech_text("apartamento 501, bloco B", numbers="digits")
        == "apartamento cinco zero um, bloco bê"
    )


def test_normalizing_twice_changes_nothing() -> None:
    for written, _ in TABLE:
        once = speech_text(written)
        assert speech_text(once) == once


def test_no_default_prompt_is_written_in_capitals() -> None:
    # Normalization reads "SIM" as a word, but a cloud voice with SSML may not get it.
    for name, text in Phrases().model_dump().items():
        shouted = [w for w in text.split() if len(w.strip(".,!?")) > 1 and w.isupper()]
        assert not shouted, f"phrases.{name} would be spelled: {shouted}"
