"""Whole conversations on the real Asterisk with the embedded recognizer (no stand-in):
the visitor's and the resident's phones play natural-voice audio (Kokoro, telephone
quality), Whisper base understands them, and the gate opens only on a spoken yes.

Each phone speaks its next line when the app's prompt goes quiet, so a line the
dialog did not ask for (the app already knew the visitor's name) plays to nobody.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, MutableMapping
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from app.ari import AriClient
from app.media.stt import SttSettings
from tests.harness.asterisk import AsteriskEnv
from tests.harness.gate import Gate, running_gate
from tests.harness.live import wait_clean
from tests.harness.phone import Phones
from tests.harness.speech_audio import natural_clip


class VoiceGate(Gate):
    """The scenario harness with phones that speak in Kokoro's natural voices."""

    voice = "pm_alex"

    def speech(self, text: str) -> str:
        name = "nat-" + uuid.uuid5(uuid.NAMESPACE_URL, f"{self.voice}|{text}").hex[:12]
        return self.phones.sound(name, natural_clip(text, self.voice, 8000), 8000)

    async def resident_says(self, number: str, voice: str, lines: list[str]) -> Path:
        self.voice, before = voice, self.voice
        try:
            return await self.resident(number, says=lines)
        finally:
            self.voice = before


@pytest.fixture
async def voice_gate(
    aenv: AsteriskEnv, ari: AriClient, clean_asterisk: None, phones: Phones, tmp_path: Path
) -> AsyncIterator[VoiceGate]:
    async with running_gate(
        aenv,
        ari,
        phones,
        None,
        tmp_path,
        gate_class=VoiceGate,
        replace_settings={"stt": SttSettings(backend="whisper", timeout_s=6)},
    ) as g:
        assert isinstance(g, VoiceGate)
        yield g


async def _ends_clean(gate: Gate) -> None:
    chans, bridges, n = await wait_clean(gate.ari, gate.app, timeout=8)
    assert (chans, bridges, n) == ([], [], 0), f"left behind: {chans} {bridges} sessions={n}"


def _replies(logs: list[MutableMapping[str, Any]]) -> list[str]:
    return [e["reply"] for e in logs if e.get("event") == "resident_reply"]


async def test_visitor_asks_for_fernanda_resident_says_pode_entrar_gate_opens(
    voice_gate: VoiceGate,
) -> None:
    g = voice_gate
    await g.resident_says("1001404", "pf_dora", ["Pode entrar."])
    g.voice = "pm_alex"
    # "Isso mesmo." answers "Fernanda Oliveira, do apartamento 404, certo?" if the app asks it.
    phone = await g.visitor(
        ["Boa tarde, meu nome é Pedro, vim visitar a Fernanda Oliveira.", "Isso mesmo."]
    )
    with capture_logs() as logs:
        await phone.wait_hung_up(timeout=120)
    d = g.last_decision()
    assert d is not None and d.outcome == "authorized" and d.gate_opened, (d, _replies(logs))
    assert d.apartment == "404" and d.resident == "Fernanda Oliveira" and d.visitor_name == "Pedro"
    assert g.tap.dtmf_on(phone.channel_id) == "#9"
    assert _replies(logs) == ["yes"]
    await _ends_clean(g)


async def test_resident_asks_quem_e_hears_the_visitor_again_then_says_sim(
    voice_gate: VoiceGate,
) -> None:
    g = voice_gate
    await g.resident_says("1001101", "pf_dora", ["Quem é?", "Sim, pode deixar subir."])
    g.voice = "pm_santa"
    phone = await g.visitor(["Oi, sou o Marcos, vim ver o Thiago Mendes.", "Meu nome é Marcos."])
    with capture_logs() as logs:
        await phone.wait_hung_up(timeout=150)
    d = g.last_decision()
    assert d is not None and d.outcome == "authorized" and d.gate_opened, (d, _replies(logs))
    assert d.apartment == "101" and d.visitor_name == "Marcos"
    # "Quem é?" was understood as a question (the presentation again), not as a yes or a no.
    assert _replies(logs) == ["who", "yes"]
    assert g.tap.dtmf_on(phone.channel_id) == "#9"
    await _ends_clean(g)


async def test_resident_says_nao_autorizo_gate_stays_shut(voice_gate: VoiceGate) -> None:
    g = voice_gate
    await g.resident_says("1003021", "pm_alex", ["Não, não autorizo."])
    g.voice = "pf_dora"
    phone = await g.visitor(
        ["Bom dia, sou a Carla, vim visitar o Daniel dos Reis.", "Meu nome é Carla."]
    )
    with capture_logs() as logs:
        await phone.wait_hung_up(timeout=120)
    d = g.last_decision()
    assert d is not None and d.outcome == "denied" and not d.gate_opened, (d, _replies(logs))
    assert d.apartment == "501" and d.resident == "Daniel dos Reis"
    assert _replies(logs) == ["no"]
    assert g.tap.dtmf_on(phone.channel_id) == ""
    await _ends_clean(g)
