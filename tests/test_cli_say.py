"""`portaria say`: a phrase in a condominium's voice, written to a WAV file."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from app.cli import main
from tests.harness.asterisk import REPO


def test_say_writes_the_phrase_as_the_call_would_hear_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "apto.wav"
    code = main(
        [
            "-c",
            str(REPO / "config.yaml"),
            "say",
            "Apto 501, responda SIM ou NÃO.",
            "--voice",
            "espeak",
            "--condominium",
            "jardins",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    with wave.open(str(out), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
        assert w.getnframes() > 8000  # over a second of speech
    printed = capsys.readouterr().out
    assert "apartamento quinhentos e um, responda sim ou não." in printed
    assert "espeak" in printed
