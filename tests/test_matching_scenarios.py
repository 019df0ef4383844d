"""Whom the visitor means, on the real Asterisk (issue 15).

A building with look-alike names (Daniel Reis in 201, Daniela Prado in 202)
and homonyms (Marina Lopes in 15, Marina Duarte in 16): a visitor phone talks
(espeak-ng audio, transcribed by the scripted OpenAI-compatible server), the
resident stand-in at the dialed number answers "sim". The recognizer's
uploads count the visitor's turns: one more upload is one more question.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.ari import AriClient
from tests.harness.asterisk import REPO, AsteriskEnv
from tests.harness.gate import Gate, running_gate
from tests.harness.live import wait_clean
from tests.harness.phone import Phones

LOOKALIKES = str(REPO / "tests" / "data" / "lookalikes.json")


async def _authorized(gate: Gate, visitor_says: list[str], resident_number: str) -> None:
    await gate.resident(resident_number, says=["Sim."])
    phone = await gate.visitor(visitor_says)
    await phone.wait_hung_up(timeout=120)
    assert gate.tap.dtmf_on(phone.channel_id) == "#9"
    assert (await wait_clean(gate.ari, gate.app, timeout=8)) == ([], [], 0)


async def test_a_look_alike_name_is_resolved_without_a_question(
    aenv: AsteriskEnv,
    ari: AriClient,
    phones: Phones,
    clean_asterisk: None,
    stt_server: Any,
    tmp_path: Path,
) -> None:
    # "Daniel" is 92 % like "Daniela": close enough that the seed asked which one.
    request = "Boa tarde, meu nome é Bruno, vim ver o Daniel."
    stt_server.push(request, "Sim.")
    async with running_gate(aenv, ari, phones, stt_server, tmp_path, directory=LOOKALIKES) as g:
        await _authorized(g, [request], "2201")
        d = g.last_decision()
    assert d is not None and d.outcome == "authorized" and d.gate_opened
    assert (d.resident, d.apartment, d.dialed, d.visitor_name) == (
        "Daniel Reis",
        "201",
        "2201",
        "Bruno",
    )
    assert len(stt_server.uploads) == 2, (
        "the visitor was asked something before the resident was called"
    )


async def test_homonyms_are_asked_about_and_the_visitor_s_answer_picks_one(
    aenv: AsteriskEnv,
    ari: AriClient,
    phones: Phones,
    clean_asterisk: None,
    stt_server: Any,
    tmp_path: Path,
) -> None:
    # Two Marinas: "Com quem você quer falar?", answered the way people do, by the door.
    request, answer = "Oi, sou a Carla, vim ver a Marina.", "A do quinze."
    stt_server.push(request, answer, "Sim.")
    async with running_gate(aenv, ari, phones, stt_server, tmp_path, directory=LOOKALIKES) as g:
        await _authorized(g, [request, answer], "2015")
        d = g.last_decision()
    assert d is not None and d.outcome == "authorized" and d.gate_opened
    assert (d.resident, d.apartment, d.dialed, d.visitor_name) == (
        "Marina Lopes",
        "15",
        "2015",
        "Carla",
    )
    assert len(stt_server.uploads) == 3, "exactly one question between the request and the resident"
