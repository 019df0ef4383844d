"""What understanding produces: one utterance's extraction and the visit so far."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Literal, Protocol

from app.directory.gender import Gender
from app.directory.numbers import ApartmentRef
from app.errors import BackendError


class Intent(enum.StrEnum):
    VISITA = "visita"
    ENTREGA = "entrega"
    SERVICO = "servico"
    DESCONHECIDO = "desconhecido"  # said something, but no reason we know (LLM only)


class NluError(BackendError):
    """An extractor backend failed; callers fall back to the rules.

    `kind` is a small closed set for metrics and logs: timeout, connection,
    http, auth, rate_limit, bad_json.
    """

    def __init__(self, message: str, kind: str = "error") -> None:
        super().__init__(message)
        self.kind = kind


# The slot the dialog has just asked for, so a bare answer ("Pedro") lands in it.
Slot = Literal["visitor_name", "resident_name", "apartment"]


@dataclass(frozen=True)
class Extraction:
    intent: Intent | None = None
    intent_detail: str | None = None  # "ifood", "correios", "uber", "99", "eletricista", "gás", ...
    visitor_name: str | None = None
    apartment: ApartmentRef | None = None
    resident_name: str | None = None
    # The caller's "a"/"dona" or "o"/"seu" before the resident's name: tells
    # "a Rafael" (a misheard Rafaela) from "o Rafael".
    resident_gender: Gender | None = None
    wants_keypad: bool = False
    confidence: float = 0.0  # 0..1; low when nothing was recognized or cues conflict
    # How firmly the intent was said (lexicon weights: 3 trade/company, 2 purpose, 1 hint).
    # A known purpose is only replaced by one said at least as firmly.
    intent_strength: int = 2


_SLOTS = frozenset({"intent", "intent_detail", "visitor_name", "apartment", "resident_name"})


@dataclass
class VisitState:
    """What the visitor has told us so far, over all turns.

    `merge` lets a newer value replace an older one (visitors correct
    themselves: "não, é o 502"), but None never erases: a turn that does not
    mention the apartment leaves the known one alone. Fields in `confirmed`
    (the visitor said "isso" to them) only change through an explicit
    assignment by the dialog, never through `merge`.
    """

    intent: Intent | None = None
    intent_detail: str | None = None
    visitor_name: str | None = None
    apartment: ApartmentRef | None = None
    resident_name: str | None = None
    resident_gender: Gender | None = None  # said with resident_name, replaced with it
    awaiting: Slot | None = None  # set by the dialog before it listens
    confirmed: set[str] = field(default_factory=set)
    intent_strength: int = 0

    def merge(self, e: Extraction) -> None:
        # "I can't say why" adds nothing to a reason already given.
        vague = e.intent is Intent.DESCONHECIDO and self.intent is not None
        # "eletricista" then "o Paulo tá me esperando": a weaker cue is no new purpose.
        weaker = self.intent is not None and e.intent_strength < self.intent_strength
        if (
            e.intent is not None
            and e.intent is not self.intent
            and not vague
            and not weaker
            and "intent" not in self.confirmed
        ):
            self.intent = e.intent
            # The old detail described the old intent ("ifood" is no electrician).
            if "intent_detail" not in self.confirmed:
                self.intent_detail = None
        if e.intent is self.intent:
            self.intent_strength = max(self.intent_strength, e.intent_strength)
            if e.intent_detail is not None and "intent_detail" not in self.confirmed:
                self.intent_detail = e.intent_detail
        for name in ("visitor_name", "resident_name"):
            value = getattr(e, name)
            if value is not None and name not in self.confirmed:
                setattr(self, name, value)
        if e.resident_name is not None and "resident_name" not in self.confirmed:
            self.resident_gender = e.resident_gender
        if e.apartment is not None and "apartment" not in self.confirmed:
            self.apartment = self._same_door(e.apartment)

    def confirm(self, *names: str) -> None:
        """Protect slots the visitor confirmed from later merges."""
        for name in names:
            if name not in _SLOTS:
                raise ValueError(f"VisitState has no slot {name!r}")
            self.confirmed.add(name)

    def _same_door(self, new: ApartmentRef) -> ApartmentRef:
        # "doze" after "doze bloco B" is the same apartment, not one without a block.
        old = self.apartment
        if old is not None and new.block is None and old.number == new.number:
            return old
        return new


class Extractor(Protocol):
    async def extract(self, text: str, state: VisitState) -> Extraction: ...
