"""The product, end to end on the real Asterisk: a visitor phone talks pt-BR
(espeak-ng audio, transcribed by the scripted OpenAI-compatible server), a
resident phone reached through the endpoint template answers, and the gate
opens only on an explicit yes. Every scenario ends with nothing left in Asterisk."""

from __future__ import annotations

from tests.conftest import wait_clean
from tests.gate import Gate


async def _ends_clean(gate: Gate) -> None:
    chans, bridges, n = await wait_clean(gate.ari, gate.app, timeout=8)
    assert (chans, bridges, n) == ([], [], 0), f"left behind: {chans} {bridges} sessions={n}"


async def test_delivery_to_501_resident_says_sim_gate_opens_both_channels_gone(gate: Gate) -> None:
    gate.stt.push("Boa tarde, tenho uma entrega para o apartamento quinhentos e um.",  # type: ignore[attr-defined]
                  "Meu nome é Pedro da Silva.", "Sim, pode entrar.")
    await gate.resident("1003021", says=["Sim, pode entrar."])
    phone = await gate.visitor(["Boa tarde, tenho uma entrega para o apartamento quinhentos e um.",
                                "Meu nome é Pedro da Silva."])
    await phone.wait_hung_up(timeout=90)
    d = gate.last_decision()
    assert d is not None and d.outcome == "authorized" and d.decided_by == "resident"
    assert d.apartment == "501" and d.visitor_name and "Pedro" in d.visitor_name and d.intent == "entrega"
    assert d.dialed == "1003021" and d.gate_opened
    assert gate.tap.dtmf_on(phone.channel_id) == "#9"
    await _ends_clean(gate)
