"""The embedded recognizer (Whisper base, from the package registry) on natural voices
at telephone quality: what a visitor and a resident say reaches the dialog right.

Clips come from Kokoro (tests/harness/speech_audio.py), cached on disk after the first run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import numpy as np
import pytest

from app.dialog.hints import CONFIRM_HINT, RESIDENT_HINT, read_reply
from app.dialog.nlu import Reply, RuleExtractor, VisitState, classify_confirmation, classify_reply
from app.dialog.ports import Input, SttHint
from app.directory.directory import Directory
from app.media.stt import SttError, Transcript
from app.media.stt.prompt import directory_prompt
from app.media.stt.whisper import WhisperStt, tidy
from app.media.stt.whisper_engine import cut_repetition
from tests.harness.asterisk import REPO
from tests.harness.speech_audio import natural_clip

DIRECTORY = Directory.load(REPO / "data" / "apartamentos.json")
PROMPT = SttHint(
    prompt=directory_prompt(
        [r.name for a in DIRECTORY.apartments for r in a.residents],
        [a.label() for a in DIRECTORY.apartments],
    )
)


@pytest.fixture(scope="module")
def whisper() -> Iterator[WhisperStt]:
    stt = WhisperStt()
    yield stt
    asyncio.run(stt.aclose())


def as_input(t: Transcript) -> Input:
    return Input("speech", text=t.text, choice=t.choice, scored=t.scored, unsure=t.unsure)


async def test_visitor_asks_for_501_in_a_natural_voice_and_the_app_finds_apartment_501(
    whisper: WhisperStt,
) -> None:
    pcm = natural_clip(
        "Boa tarde, tenho uma entrega para o apartamento quinhentos e um.", "pm_alex", 8000
    )
    heard = await whisper.transcribe(pcm, 8000, PROMPT)
    said = RuleExtractor(DIRECTORY).extract_sync(heard.text, VisitState())
    res = DIRECTORY.resolve(said.resident_name, said.apartment)
    print(f"heard {heard.text!r} in {heard.latency_s * 1000:.0f} ms")
    assert [a.number for a in res.apartments] == ["501"], heard.text


async def test_visitor_names_the_resident_and_the_prompt_spells_her_right(
    whisper: WhisperStt,
) -> None:
    pcm = natural_clip("Oi, vim visitar a Fernanda Oliveira.", "pf_dora", 8000)
    heard = await whisper.transcribe(pcm, 8000, PROMPT)
    said = RuleExtractor(DIRECTORY).extract_sync(heard.text, VisitState())
    res = DIRECTORY.resolve(said.resident_name, said.apartment)
    assert res.status == "ok" and res.matches[0].resident.name == "Fernanda Oliveira", heard.text


async def test_resident_asking_quem_e_is_recognized_among_the_expected_answers(
    whisper: WhisperStt,
) -> None:
    # Free decoding never gets "Quem é?" from Whisper base; scoring the expected answers does.
    heard = await whisper.transcribe(natural_clip("Quem é?", "pf_dora", 8000), 8000, RESIDENT_HINT)
    assert heard.choice == "quem é"
    assert read_reply(as_input(heard), classify_reply) is Reply.WHO


async def test_visitor_saying_isso_mesmo_confirms_the_match(whisper: WhisperStt) -> None:
    heard = await whisper.transcribe(
        natural_clip("Isso mesmo.", "pm_santa", 8000), 8000, CONFIRM_HINT
    )
    assert read_reply(as_input(heard), classify_confirmation) is Reply.YES, heard


async def test_resident_saying_pode_entrar_authorizes(whisper: WhisperStt) -> None:
    heard = await whisper.transcribe(
        natural_clip("Pode entrar.", "pm_alex", 8000), 8000, RESIDENT_HINT
    )
    assert read_reply(as_input(heard), classify_reply) is Reply.YES, heard


async def test_resident_refusing_is_never_read_as_yes(whisper: WhisperStt) -> None:
    heard = await whisper.transcribe(
        natural_clip("Não, não autorizo.", "pm_santa", 8000), 8000, RESIDENT_HINT
    )
    assert read_reply(as_input(heard), classify_reply) is Reply.NO, heard


async def test_line_noise_gives_no_resident_name_even_with_the_directory_as_prompt(
    whisper: WhisperStt,
) -> None:
    noise = (np.random.default_rng(7).normal(0, 900, 12_000)).astype("<i2").tobytes()
    heard = await whisper.transcribe(noise, 8000, PROMPT)
    said = RuleExtractor(DIRECTORY).extract_sync(heard.text, VisitState())
    res = DIRECTORY.resolve(said.resident_name, said.apartment)
    # Either nothing was heard, or what was "heard" is flagged for confirmation.
    assert res.status in ("empty", "not_found") or heard.unsure, heard


async def test_noise_answering_a_closed_question_is_never_a_yes(whisper: WhisperStt) -> None:
    noise = (np.random.default_rng(3).normal(0, 900, 8_000)).astype("<i2").tobytes()
    heard = await whisper.transcribe(noise, 8000, RESIDENT_HINT)
    assert read_reply(as_input(heard), classify_reply) is not Reply.YES, heard


async def test_a_full_queue_says_busy_at_once_instead_of_making_callers_wait(
    whisper: WhisperStt,
) -> None:
    stt = WhisperStt(workers=1, max_queue=0)
    try:
        pcm = natural_clip("Pode subir.", "pf_dora", 8000)
        first, second = await asyncio.gather(
            stt.transcribe(pcm, 8000), stt.transcribe(pcm, 8000), return_exceptions=True
        )
        assert isinstance(first, Transcript) and first.text
        assert isinstance(second, SttError) and "busy" in str(second)
    finally:
        await stt.aclose()


@pytest.mark.parametrize(
    ("decoded", "kept"),
    [
        ("Não, não autorizo. Não, não autor", "Não, não autorizo."),
        (
            "Boa tarde tem uma entrega para o apartamento 5001. Boa tarde tem",
            "Boa tarde tem uma entrega para o apartamento 5001.",
        ),
        ("sim sim sim sim", "sim"),
        ("Pode subir pode subir", "Pode subir"),
        ("não, não", "não, não"),
        ("Meu nome é Pedro. Vim ver a Ana.", "Meu nome é Pedro. Vim ver a Ana."),
    ],
)
def test_a_phrase_the_decoder_repeats_is_cut_and_real_speech_is_kept(
    decoded: str, kept: str
) -> None:
    assert cut_repetition(decoded) == kept


def test_sua_carla_at_a_sentence_start_is_read_as_the_visitor_introducing_herself() -> None:
    assert tidy("Bom dia, sua Carla, vou no 202.") == "Bom dia, sou a Carla, vou no 202."
    assert tidy("Sua encomenda chegou.") == "Sua encomenda chegou."
