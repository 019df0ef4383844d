"""Extraction by an LLM through any OpenAI-compatible chat API: one call, JSON out.

One chat.completions call per utterance with `response_format=json_object`
and a short pt-BR system prompt that lists the building (so the model can
spell residents' names as the directory does). The reply is validated with
pydantic; anything off (timeout, HTTP error, not JSON, wrong types) raises
NluError and the hybrid extractor keeps the rules' result.
"""

from __future__ import annotations

import json
import time
from typing import Any

import structlog
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from app.dialog.nlu.model import Extraction, Intent, NluError, VisitState
from app.directory.directory import Directory
from app.directory.normalize import normalize
from app.directory.numbers import ApartmentRef, parse_apartment
from app.vendors import openai_api
from app.vendors.limits import CallLimits, Expired

log = structlog.get_logger(__name__)

SYSTEM_PROMPT = (
    "Você é a portaria eletrônica de um condomínio no Brasil. Recebe a fala transcrita de quem "
    "está no portão e responde só com um objeto JSON com estas chaves: "
    '"intent" ("visita", "entrega", "servico", "desconhecido" ou null), '
    '"intent_detail" (ex.: "ifood", "correios", "mercado livre", "uber", "99", "eletricista", '
    '"encanador", "internet", "gás", ou null), "visitor_name" (nome de quem fala), '
    '"apartment" (só dígitos, ex.: "501"), "block" (ex.: "B"), '
    '"resident_name" (morador procurado), '
    '"wants_keypad" (true se pediu para digitar). Use null para o que não foi dito; não invente. '
    'Números por extenso viram dígitos ("quinhentos e um" = "501"). "Sim" e "não" não são nomes.'
)
_MAX_DIRECTORY_CHARS = 1500  # keeps the prompt (and its latency) small in big buildings

_INTENT_WORDS = {
    **{i.value: i for i in Intent},
    "visit": Intent.VISITA, "delivery": Intent.ENTREGA, "service": Intent.SERVICO,
    "unknown": Intent.DESCONHECIDO,
}  # fmt: skip


class LlmAnswer(BaseModel):
    """The JSON the model must return; types are checked, unknown keys ignored."""

    model_config = ConfigDict(extra="ignore")

    intent: Intent | None = None
    intent_detail: str | None = None
    visitor_name: str | None = None
    apartment: str | None = None
    block: str | None = None
    resident_name: str | None = None
    wants_keypad: bool = False

    @field_validator("intent", mode="before")
    @classmethod
    def _intent(cls, value: object) -> object:
        if isinstance(value, str):
            word = normalize(value)
            if word in ("", "null", "none"):
                return None
            if word in _INTENT_WORDS:
                return _INTENT_WORDS[word]
        return value  # anything else fails validation: the model did not follow the schema

    @field_validator("apartment", "block", mode="before")
    @classmethod
    def _code(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("intent_detail", "visitor_name", "apartment", "block", "resident_name")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        if value is None or normalize(value) in ("", "null", "none", "nao informado"):
            return None
        return value.strip()


def directory_listing(directory: Directory, limit: int = _MAX_DIRECTORY_CHARS) -> str:
    """ "501: Daniel dos Reis, Rafaela Silva; 302: Beatriz Nunes (Bia); ..." cut at `limit`.

    Nicknames in parentheses, so the model can map "a Bia" to the name it must return.
    """
    parts = [
        f"{a.label()}: "
        + ", ".join(
            f"{r.name} ({', '.join(r.nicknames)})" if r.nicknames else r.name for r in a.residents
        )
        for a in directory.apartments
    ]
    text = "; ".join(parts)
    return text if len(text) <= limit else text[:limit].rsplit(";", 1)[0] + "; …"


def _context(state: VisitState) -> str:
    """What earlier turns established, so "é ela" or "o do lado" can be read."""
    apartment = None
    if state.apartment is not None:
        block = f" bloco {state.apartment.block}" if state.apartment.block else ""
        apartment = state.apartment.number + block
    known = {
        "apartamento": apartment,
        "morador": state.resident_name,
        "visitante": state.visitor_name,
        "pergunta feita": state.awaiting,
    }
    said = "; ".join(f"{k}: {v}" for k, v in known.items() if v)
    return f"Já informado: {said}.\n" if said else ""


def to_extraction(answer: LlmAnswer) -> Extraction:
    apartment: ApartmentRef | None = None
    if answer.apartment:
        # The model may answer "501", "501B", "quinhentos e um" or "12 bloco B".
        ref = parse_apartment(f"apartamento {answer.apartment}")
        if ref is not None:
            block = answer.block.removeprefix("bloco").strip().upper() if answer.block else None
            apartment = ApartmentRef(ref.number, block or ref.block)
    found = any((answer.intent, apartment, answer.visitor_name, answer.resident_name))
    return Extraction(
        intent=answer.intent,
        intent_detail=answer.intent_detail.lower() if answer.intent_detail else None,
        visitor_name=answer.visitor_name,
        apartment=apartment,
        resident_name=answer.resident_name,
        wants_keypad=answer.wants_keypad,
        # A model's own confidence figure is not calibrated; this only says "it found something".
        confidence=0.8 if found or answer.wants_keypad else 0.3,
    )


class LlmExtractor:
    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str,
        timeout_s: float = 2.5,
        *,
        directory: Directory | None = None,
        temperature: float | None = 0.0,  # None for models that refuse the parameter
    ) -> None:
        # No retries (openai_api.client): a retry would outlast the visitor's patience, and
        # the rules are the fallback.
        self._client = openai_api.client(base_url, api_key, timeout_s)
        self._limits = CallLimits(timeout_s)
        self.model = model
        self.timeout_s = timeout_s
        self.temperature = temperature
        self.system_prompt = SYSTEM_PROMPT
        if directory is not None and len(directory):
            self.system_prompt += f" Apartamentos e moradores: {directory_listing(directory)}."

    async def aclose(self) -> None:
        await self._client.close()

    async def extract(self, text: str, state: VisitState) -> Extraction:
        started = time.perf_counter()
        extra: dict[str, Any] = (
            {} if self.temperature is None else {"temperature": self.temperature}
        )
        try:
            async with self._limits.call():
                response = await self._client.chat.completions.create(
                    model=self.model,
                    messages=[
                        {"role": "system", "content": self.system_prompt},
                        {"role": "user", "content": f"{_context(state)}Fala: {text}"},
                    ],
                    response_format={"type": "json_object"},
                    **extra,
                )
        except Expired as exc:
            raise NluError(
                f"llm {self.model}: no answer within {self.timeout_s} s", "timeout"
            ) from exc
        except Exception as exc:
            failed = openai_api.failure(exc)
            if failed is None:
                raise
            raise NluError(f"llm {self.model}: {failed.text}", failed.kind) from exc
        answer = self._parse(response)
        log.debug(
            "llm_extracted",
            model=self.model,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            tokens=response.usage.total_tokens if response.usage else None,
        )
        return to_extraction(answer)

    def _parse(self, response: Any) -> LlmAnswer:
        try:
            content = response.choices[0].message.content
        except (AttributeError, IndexError) as exc:
            raise NluError(f"llm {self.model}: reply without a message", "bad_json") from exc
        if not content:
            raise NluError(f"llm {self.model}: empty reply", "bad_json")
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise NluError(
                f"llm {self.model}: reply is not JSON: {exc.msg} at {exc.pos}", "bad_json"
            ) from exc
        if not isinstance(data, dict):
            raise NluError(f"llm {self.model}: reply is JSON but not an object", "bad_json")
        try:
            return LlmAnswer.model_validate(data)
        except ValidationError as exc:
            fields = ", ".join(str(e["loc"][0]) for e in exc.errors() if e["loc"])
            raise NluError(
                f"llm {self.model}: reply does not fit the schema ({fields})", "bad_json"
            ) from exc
