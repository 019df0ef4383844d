"""Slow or failing backends never leave the caller in silence for more than 3 s.

Each scenario runs a whole visitor call on the real Asterisk with one backend
misbehaving (recognizer slow, recognizer timing out, LLM stalled, cloud voice
stalled), measures in the visitor phone's recordings how long it heard nothing
after each time it stopped talking, and checks the flow still reaches the
resident's decision through its fallback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.ari import AriClient
from app.metrics import REGISTRY
from tests.harness.asterisk import AsteriskEnv
from tests.harness.fakes.openai_chat import ChatReply, ScriptedChatServer
from tests.harness.fakes.openai_server import Reply
from tests.harness.fakes.openai_speech import ScriptedSpeechServer, SpeechReply
from tests.harness.gate import Gate, running_gate
from tests.harness.live import wait_clean
from tests.harness.phone import PhoneCall, Phones, dead_air

# The product's promise, measured in the phone's own recording. The hold phrase is
# due hold_after_s = 2 s after the caller stops (and a failed backend hands over
# within its timeout, tests/test_cloud_stalls.py), so 1 s is left for a busy
# machine: a stalled event loop (0.2-0.5 s GC pauses, a starved process 0.8 s
# measured here) delays the phrase by that much.
MAX_DEAD_AIR_S = 3.0
DELIVERY = "Boa tarde, tenho uma entrega para o apartamento quinhentos e um."
NAME = "Meu nome é Pedro da Silva."


async def longest_silence(phone: PhoneCall) -> list[float]:
    said, rate = await phone.said()
    heard, _ = await phone.heard()
    gaps = dead_air(said, heard, rate)
    print(f"silences heard after the visitor stopped talking: {gaps}")
    return gaps


def hold_fillers() -> float:
    return REGISTRY.get_sample_value("portaria_hold_fillers_total") or 0.0


async def authorized_call(g: Gate, says: list[str]) -> tuple[list[float], PhoneCall]:
    await g.resident("1003021", says=["DTMF:1"])
    phone = await g.visitor(says)
    await phone.wait_hung_up(timeout=120)
    d = g.last_decision()
    assert d is not None and d.outcome == "authorized" and d.gate_opened
    assert (await wait_clean(g.ari, g.app, timeout=8)) == ([], [], 0)
    return await longest_silence(phone), phone


async def test_slow_recognizer_the_visitor_hears_a_hold_phrase_not_silence(
    aenv: AsteriskEnv,
    ari: AriClient,
    phones: Phones,
    clean_asterisk: None,
    stt_server: Any,
    tmp_path: Path,
) -> None:
    stt_server.push(Reply(DELIVERY, delay_s=2.7), Reply(NAME, delay_s=2.7))
    before = hold_fillers()
    async with running_gate(aenv, ari, phones, stt_server, tmp_path) as g:
        gaps, _ = await authorized_call(g, [DELIVERY, NAME])
    assert len(gaps) >= 2 and max(gaps) <= MAX_DEAD_AIR_S
    assert hold_fillers() - before >= 2, "a 3 s recognition should have been covered twice"


async def test_recognizer_failing_twice_switches_the_visitor_to_the_keypad_without_long_silences(
    aenv: AsteriskEnv,
    ari: AriClient,
    phones: Phones,
    clean_asterisk: None,
    stt_server: Any,
    tmp_path: Path,
) -> None:
    stt_server.push(Reply.error(500), Reply("tarde demais", delay_s=8))
    async with running_gate(aenv, ari, phones, stt_server, tmp_path) as g:
        gaps, phone = await authorized_call(
            g, [DELIVERY, "Quinhentos e um.", "DTMF:501#", "Pedro da Silva"]
        )
        d = g.last_decision()
        assert d is not None and d.decided_by == "resident_dtmf"
        assert g.tap.dtmf_on(phone.channel_id) == "#9"
    assert max(gaps) <= MAX_DEAD_AIR_S


async def test_stalled_llm_falls_back_to_the_rules_without_long_silences(
    aenv: AsteriskEnv,
    ari: AriClient,
    phones: Phones,
    clean_asterisk: None,
    stt_server: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vague = "Oi, boa tarde, tudo bem?"
    stt_server.push(vague, DELIVERY, NAME)
    async with ScriptedChatServer([ChatReply({"intent": "visita"}, delay_s=20)] * 3) as llm:
        monkeypatch.setenv("AI_API_KEY", "test-key")
        monkeypatch.setenv("AI_API_URL", llm.base_url)
        top = {"nlu": {"backend": "llm", "timeout_s": 2.5}}
        async with running_gate(aenv, ari, phones, stt_server, tmp_path, top) as g:
            gaps, _ = await authorized_call(g, [vague, DELIVERY, NAME])
        assert len(llm.requests) >= 1, "the vague greeting should have gone to the LLM"
    assert max(gaps) <= MAX_DEAD_AIR_S


async def test_stalled_cloud_voice_falls_back_to_espeak_without_long_silences(
    aenv: AsteriskEnv,
    ari: AriClient,
    phones: Phones,
    clean_asterisk: None,
    stt_server: Any,
    tmp_path: Path,
) -> None:
    stt_server.push(DELIVERY, NAME)
    async with ScriptedSpeechServer([SpeechReply(delay_s=30)] * 200) as voice:
        top = {
            "tts": {
                "backend": "openai",
                "base_url": voice.base_url,
                "require_api_key": False,
                "timeout_s": 2.0,
                "cache_dir": str(tmp_path / "tts"),
            }
        }
        async with running_gate(aenv, ari, phones, stt_server, tmp_path, top) as g:
            assert g.app.voice.primary_down, "the start-up prewarm should have found the voice down"
            phone_gaps, _ = await authorized_call(g, [DELIVERY, NAME])
        assert voice.requests, "the cloud voice was never tried"
    assert max(phone_gaps) <= MAX_DEAD_AIR_S
