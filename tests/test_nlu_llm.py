"""LlmExtractor and HybridExtractor against a fake OpenAI chat server on a real port.

The official `openai` SDK talks HTTP to tests/harness/fakes/openai_chat.py, so the
request we send and the response we parse are the real wire format.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from app.config import NluSettings
from app.dialog.nlu import (
    Extraction,
    HybridExtractor,
    Intent,
    NluConfigError,
    NluError,
    RuleExtractor,
    VisitState,
    build_extractor,
)
from app.dialog.nlu.llm import LlmExtractor
from app.directory.directory import Directory
from app.directory.numbers import ApartmentRef
from tests.harness.fakes.openai_chat import ChatReply, ScriptedChatServer

DIRECTORY = Path(__file__).resolve().parents[1] / "data" / "apartamentos.json"
KEY = "sk-test-not-a-secret"
UNSURE = "é o negócio lá da moça do cabelo vermelho"  # rules find nothing in this


@pytest.fixture(scope="module")
def directory() -> Directory:
    return Directory.load(DIRECTORY)


@pytest.fixture(scope="module")
async def _running_server() -> AsyncIterator[ScriptedChatServer]:
    async with ScriptedChatServer(api_key=KEY) as srv:
        yield srv


@pytest.fixture
def server(_running_server: ScriptedChatServer) -> ScriptedChatServer:
    _running_server.reset()
    return _running_server


@pytest.fixture
async def llm(server: ScriptedChatServer, directory: Directory) -> AsyncIterator[LlmExtractor]:
    extractor = LlmExtractor(server.base_url, "gpt-test", KEY, timeout_s=0.5, directory=directory)
    yield extractor
    await extractor.aclose()


async def test_one_json_call_with_the_directory_in_the_prompt(
    server: ScriptedChatServer, llm: LlmExtractor
) -> None:
    server.push(
        ChatReply(
            {
                "intent": "entrega",
                "intent_detail": "iFood",
                "visitor_name": None,
                "apartment": "501",
                "block": None,
                "resident_name": "Rafaela",
            }
        )
    )
    state = VisitState(visitor_name="Pedro")
    e = await llm.extract("é do ifood pra rafaela do quinhentos e um", state)
    assert e == Extraction(
        intent=Intent.ENTREGA,
        intent_detail="ifood",
        visitor_name=None,
        apartment=ApartmentRef("501", None),
        resident_name="Rafaela",
        wants_keypad=False,
        confidence=0.8,
    )
    assert len(server.requests) == 1
    req = server.requests[0]
    assert req.authorization == f"Bearer {KEY}"
    assert req.body["model"] == "gpt-test"
    assert req.body["response_format"] == {"type": "json_object"}
    assert [m["role"] for m in req.messages] == ["system", "user"]
    system = req.content_of("system")
    # The building, compactly: numbers and names, so the model spells them as the directory does.
    for said in ("501", "Rafaela Silva", "12 bloco B", "Simone Araújo", "Maria das Graças Santos"):
        assert said in system
    assert len(system) < 2500
    user = req.content_of("user")
    assert "é do ifood pra rafaela do quinhentos e um" in user
    assert "visitante: Pedro" in user  # what earlier turns established


async def test_numbers_in_words_and_blocks_are_normalized(
    server: ScriptedChatServer, llm: LlmExtractor
) -> None:
    server.push(
        ChatReply({"intent": "Serviço", "apartment": 12, "block": "bloco b"}),
        ChatReply({"intent": None, "apartment": "quinhentos e um"}),
    )
    first = await llm.extract("x", VisitState())
    assert (first.intent, first.apartment) == (Intent.SERVICO, ApartmentRef("12", "B"))
    second = await llm.extract("y", VisitState())
    assert (second.intent, second.apartment, second.confidence) == (
        None,
        ApartmentRef("501", None),
        0.8,
    )


@pytest.mark.parametrize("content", [
    "isto não é JSON",
    '{"intent": "entrega"',  # cut short
    '["entrega"]',  # JSON, not an object
    '{"intent": "banana"}',  # not one of the intents
    '{"visitor_name": ["Pedro"]}',  # wrong type
    "",
])  # fmt: skip
async def test_bad_replies_raise_nlu_error(
    server: ScriptedChatServer, llm: LlmExtractor, content: str
) -> None:
    server.push(ChatReply(content))
    with pytest.raises(NluError) as info:
        await llm.extract("oi", VisitState())
    assert info.value.kind == "bad_json"


async def test_http_error_raises_nlu_error(server: ScriptedChatServer, llm: LlmExtractor) -> None:
    server.push(ChatReply.error(500))
    with pytest.raises(NluError) as info:
        await llm.extract("oi", VisitState())
    assert info.value.kind == "http"
    assert len(server.requests) == 1  # no retries: the rules are the fallback


async def test_wrong_key_is_an_auth_error(server: ScriptedChatServer, directory: Directory) -> None:
    llm = LlmExtractor(server.base_url, "gpt-test", "sk-wrong", timeout_s=0.5, directory=directory)
    try:
        with pytest.raises(NluError) as info:
            await llm.extract("oi", VisitState())
        assert info.value.kind == "auth"
        assert "sk-wrong" not in str(info.value)
    finally:
        await llm.aclose()


async def test_timeout(server: ScriptedChatServer, llm: LlmExtractor) -> None:
    server.push(ChatReply({"intent": "visita"}, delay_s=5))
    started = time.monotonic()
    with pytest.raises(NluError) as info:
        await llm.extract("oi", VisitState())
    assert info.value.kind == "timeout"
    # Timeout 0.5 s; margin 1 s, more than MARGIN_S of test_cloud_stalls.py (which
    # measures this per stall mode): a busy machine's stall, not a second attempt.
    assert time.monotonic() - started < 1.5


async def test_cannot_connect(directory: Directory) -> None:
    llm = LlmExtractor("http://127.0.0.1:9/v1", "gpt-test", KEY, timeout_s=0.5)
    try:
        with pytest.raises(NluError) as info:
            await llm.extract("oi", VisitState())
        assert info.value.kind in ("connection", "timeout")
    finally:
        await llm.aclose()


# --- hybrid ---------------------------------------------------------------------


async def test_hybrid_skips_the_llm_when_rules_are_sure(
    server: ScriptedChatServer, llm: LlmExtractor, directory: Directory
) -> None:
    hybrid = HybridExtractor(RuleExtractor(directory), llm, confidence_threshold=0.6)
    e = await hybrid.extract("meu nome é Pedro, vim ver a Rafaela do 501", VisitState())
    assert (e.visitor_name, e.resident_name, e.apartment) == (
        "Pedro",
        "Rafaela",
        ApartmentRef("501", None),
    )
    assert server.requests == []


async def test_hybrid_asks_the_llm_when_rules_are_unsure(
    server: ScriptedChatServer, llm: LlmExtractor, directory: Directory
) -> None:
    rules = RuleExtractor(directory)
    assert rules.extract_sync(UNSURE, VisitState()).confidence < 0.6
    server.push(
        ChatReply({"intent": "visita", "resident_name": "Rafaela Silva", "apartment": None})
    )
    e = await HybridExtractor(rules, llm).extract(UNSURE, VisitState())
    assert (e.intent, e.resident_name) == (Intent.VISITA, "Rafaela Silva")
    assert len(server.requests) == 1


async def test_hybrid_keeps_the_rules_apartment(
    server: ScriptedChatServer, llm: LlmExtractor, directory: Directory
) -> None:
    server.push(ChatReply({"intent": "entrega", "apartment": "502"}))
    e = await HybridExtractor(RuleExtractor(directory), llm, confidence_threshold=1.01).extract(
        "é o negócio da moça do 501", VisitState()
    )
    assert (e.intent, e.apartment) == (Intent.ENTREGA, ApartmentRef("501", None))


@pytest.mark.parametrize(
    "reply",
    [ChatReply.error(500), ChatReply("não é json"), ChatReply({"intent": "visita"}, delay_s=5)],
)
async def test_hybrid_falls_back_to_rules_on_failure(
    server: ScriptedChatServer, llm: LlmExtractor, directory: Directory, reply: ChatReply
) -> None:
    server.push(reply)
    rules = RuleExtractor(directory)
    text = "o negócio lá do 501"
    expected = rules.extract_sync(text, VisitState())
    assert expected.confidence < 0.6
    started = time.monotonic()
    with capture_logs() as logs:
        e = await HybridExtractor(rules, llm).extract(text, VisitState())
    assert e == expected
    # The LLM's timeout is 0.5 s; 1 s of margin as in test_timeout above.
    assert time.monotonic() - started < 1.5
    failures = [entry for entry in logs if entry["event"] == "nlu_llm_failed_using_rules"]
    assert len(failures) == 1 and failures[0]["log_level"] == "warning"
    assert KEY not in repr(logs)


async def test_hybrid_outer_timeout_caps_a_slow_backend(directory: Directory) -> None:
    class Stuck:
        async def extract(self, text: str, state: VisitState) -> Extraction:
            import asyncio

            await asyncio.sleep(10)
            raise AssertionError("unreachable")

    rules = RuleExtractor(directory)
    started = time.monotonic()
    e = await HybridExtractor(rules, Stuck(), llm_timeout_s=0.2).extract("bom dia", VisitState())
    assert e == rules.extract_sync("bom dia", VisitState())
    # The outer cap is 0.2 s against a backend stuck 10 s; 0.8 s of margin for a busy machine.
    assert time.monotonic() - started < 1.0


async def test_hybrid_without_llm_is_the_rules(directory: Directory) -> None:
    rules = RuleExtractor(directory)
    e = await HybridExtractor(rules, None).extract("bom dia", VisitState())
    assert e == rules.extract_sync("bom dia", VisitState())


# --- configuration ---------------------------------------------------------------


def test_build_extractor(monkeypatch: pytest.MonkeyPatch, directory: Directory) -> None:
    assert isinstance(build_extractor(NluSettings(), directory), RuleExtractor)
    monkeypatch.delenv("AI_API_KEY", raising=False)
    with pytest.raises(NluConfigError, match="AI_API_KEY"):
        build_extractor(NluSettings(backend="llm"), directory)
    monkeypatch.setenv("AI_API_KEY", KEY)
    hybrid = build_extractor(NluSettings(backend="llm", confidence_threshold=0.7), directory)
    assert isinstance(hybrid, HybridExtractor)
    assert hybrid.confidence_threshold == 0.7
    assert isinstance(hybrid.llm, LlmExtractor)


def test_hybrid_keeps_the_rules_article_only_with_the_rules_name() -> None:
    from app.dialog.nlu.hybrid import combine

    rules = Extraction(resident_name="Rafael", resident_gender="f", confidence=0.4)
    same = combine(rules, Extraction(intent=Intent.VISITA, resident_name="Rafael"))
    assert (same.resident_name, same.resident_gender) == ("Rafael", "f")
    other = combine(rules, Extraction(resident_name="Fernanda"))
    assert (other.resident_name, other.resident_gender) == ("Fernanda", None)
    kept = combine(rules, Extraction(intent=Intent.VISITA))
    assert (kept.resident_name, kept.resident_gender) == ("Rafael", "f")


def test_the_directory_given_to_the_model_lists_nicknames() -> None:
    from app.dialog.nlu.llm import directory_listing

    directory = Directory.from_entries(
        [
            {
                "apartment_number": "302",
                "voip_number": "1",
                "residents": [
                    "Rafaela Silva",
                    {"name": "Beatriz Nunes", "nicknames": ["Bia", "Bia Nunes"]},
                ],
            }
        ]
    )
    assert directory_listing(directory) == "302: Rafaela Silva, Beatriz Nunes (Bia, Bia Nunes)"
