"""LLM extraction through any OpenAI-compatible chat API: one call, JSON out.

Used only when the rules are unsure, with a hard timeout; any failure falls
back to the rules' result (and the dialog asks the visitor). The seed made
three sequential calls (1.2–2.6 s); this makes one.
"""

from __future__ import annotations

import asyncio
import json
import time

import structlog
from openai import AsyncOpenAI, OpenAIError
from pydantic import BaseModel, ValidationError

from app.dialog.nlu.model import Extraction, Extractor, Intent, NluError, VisitState
from app.directory.directory import Directory
from app.directory.numbers import ApartmentRef, parse_apartment

log = structlog.get_logger(__name__)

SYSTEM = (
    "Você é a portaria eletrônica de um condomínio. Extraia da fala do visitante um JSON com as chaves "
    '"intent" ("visita", "entrega", "servico" ou null), "intent_detail" (ex.: "ifood", "uber", "eletricista" ou null), '
    '"visitor_name", "apartment" (só o número, ex.: "501"), "block" (ex.: "B" ou null), "resident_name". '
    "Use null para o que não foi dito. Apartamentos e moradores: {directory}"
)


class _Answer(BaseModel):
    intent: str | None = None
    intent_detail: str | None = None
    visitor_name: str | None = None
    apartment: str | None = None
    block: str | None = None
    resident_name: str | None = None


class LlmExtractor:
    def __init__(self, directory: Directory, base_url: str, model: str, api_key: str, timeout_s: float) -> None:
        self._client = AsyncOpenAI(base_url=base_url, api_key=api_key, timeout=timeout_s, max_retries=0)
        self.model = model
        self.timeout_s = timeout_s
        listing = "; ".join(f"{a.label()}: {', '.join(r.name for r in a.residents)}" for a in directory.apartments)
        self._system = SYSTEM.format(directory=listing[:3000])

    async def extract(self, text: str, state: VisitState) -> Extraction:
        t0 = time.perf_counter()
        try:
            resp = await asyncio.wait_for(self._client.chat.completions.create(
                model=self.model, temperature=0, response_format={"type": "json_object"},
                messages=[{"role": "system", "content": self._system},
                          {"role": "user", "content": text}],
            ), self.timeout_s)
            content = resp.choices[0].message.content or "{}"
            ans = _Answer.model_validate(json.loads(content))
        except (TimeoutError, OpenAIError, ValueError, ValidationError, IndexError) as exc:
            raise NluError(f"llm {self.model}: {type(exc).__name__}: {exc}") from exc
        log.info("llm_extracted", model=self.model, latency_ms=round((time.perf_counter() - t0) * 1000, 1))
        intent = Intent(ans.intent) if ans.intent in {i.value for i in Intent} else None
        apt = None
        if ans.apartment:
            apt = parse_apartment(f"apartamento {ans.apartment}") or ApartmentRef(ans.apartment, None)
            if ans.block:
                apt = ApartmentRef(apt.number, ans.block.upper())
        return Extraction(intent=intent, intent_detail=ans.intent_detail, visitor_name=ans.visitor_name,
                          apartment=apt, resident_name=ans.resident_name, confidence=0.8)


class HybridExtractor:
    """Rules first (microseconds); the LLM only when the rules are unsure."""

    def __init__(self, rules: Extractor, llm: Extractor | None, threshold: float = 0.6) -> None:
        self.rules = rules
        self.llm = llm
        self.threshold = threshold

    async def extract(self, text: str, state: VisitState) -> Extraction:
        base = await self.rules.extract(text, state)
        if self.llm is None or base.confidence >= self.threshold:
            return base
        try:
            got = await self.llm.extract(text, state)
        except NluError as exc:
            log.warning("llm_fallback_to_rules", error=str(exc))
            return base
        # Rules' hard facts (a parsed apartment number) win over the model's guess.
        return Extraction(
            intent=got.intent or base.intent, intent_detail=got.intent_detail or base.intent_detail,
            visitor_name=got.visitor_name or base.visitor_name, apartment=base.apartment or got.apartment,
            resident_name=got.resident_name or base.resident_name, wants_keypad=base.wants_keypad,
            confidence=max(base.confidence, got.confidence),
        )
