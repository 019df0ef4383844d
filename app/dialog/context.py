"""Everything one conversation works with, gathered so flows take one argument."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.config import CondominiumSettings, Phrases
from app.dialog.nlu import Extractor, VisitState
from app.dialog.ports import CallPort
from app.directory.directory import Directory
from app.directory.model import Apartment, Resident
from app.records import RecordWriter


@dataclass
class Conversation:
    call: CallPort
    condo: CondominiumSettings
    directory: Directory
    extractor: Extractor
    audit: RecordWriter | None
    visit: VisitState = field(default_factory=VisitState)
    apartment: Apartment | None = None
    resident: Resident | None = None
    visitor_audio: tuple[bytes, int] | None = None  # keypad mode: the visitor saying their name
    dialed: list[str] = field(default_factory=list)

    @property
    def phrases(self) -> Phrases:
        return self.condo.phrases

    def purpose(self) -> str:
        p = self.condo.phrases
        intent = str(self.visit.intent.value) if self.visit.intent else ""
        return {
            "entrega": p.purpose_entrega,
            "visita": p.purpose_visita,
            "servico": p.purpose_servico,
        }.get(intent, p.purpose_unknown)
