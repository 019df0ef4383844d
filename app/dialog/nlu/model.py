"""What understanding produces: one utterance's extraction and the visit so far."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from app.directory.numbers import ApartmentRef


class Intent(enum.StrEnum):
    VISITA = "visita"
    ENTREGA = "entrega"
    SERVICO = "servico"
    DESCONHECIDO = "desconhecido"


class NluError(Exception):
    """An extractor backend failed (timeout, bad JSON); the caller falls back."""


@dataclass(frozen=True)
class Extraction:
    intent: Intent | None = None
    intent_detail: str | None = None  # "ifood", "correios", "uber", "eletricista", ...
    visitor_name: str | None = None
    apartment: ApartmentRef | None = None
    resident_name: str | None = None
    wants_keypad: bool = False
    confidence: float = 0.0


@dataclass
class VisitState:
    """Accumulated over the conversation: newer values win, None never erases."""

    intent: Intent | None = None
    intent_detail: str | None = None
    visitor_name: str | None = None
    apartment: ApartmentRef | None = None
    resident_name: str | None = None

    def merge(self, e: Extraction) -> None:
        if e.intent is not None and e.intent is not Intent.DESCONHECIDO:
            self.intent = e.intent
        elif e.intent is Intent.DESCONHECIDO and self.intent is None:
            self.intent = e.intent
        self.intent_detail = e.intent_detail or self.intent_detail
        self.visitor_name = e.visitor_name or self.visitor_name
        self.apartment = e.apartment or self.apartment
        self.resident_name = e.resident_name or self.resident_name


class Extractor(Protocol):
    async def extract(self, text: str, state: VisitState) -> Extraction: ...
