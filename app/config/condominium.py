"""One condominium's settings: its directory, phrases, voice, listening, the resident's
call, the gate, and the dialog's patience."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.config.base import Model
from app.config.endpointing import EndpointingSettings
from app.config.phrases import Phrases
from app.media.tts.settings import CondominiumVoice


class ResidentCallSettings(Model):
    # {number} is the directory's voip_number; e.g. PJSIP/{number} or Local/{number}@residents.
    endpoint_template: str = "PJSIP/{number}"
    caller_id: str = "Portaria <100>"
    ring_timeout_s: int = Field(30, ge=5, le=120)
    silence_timeout_s: float = Field(45.0, gt=0)


class GateAction(Model):
    # dtmf: sent on the visitor's channel (SIP door phones open on a DTMF code);
    # http: POST to url; none: only tell the visitor.
    type: Literal["dtmf", "http", "none"] = "dtmf"
    dtmf: str = Field("#9", pattern=r"^[0-9A-D*#]{1,16}$")
    url: str | None = None
    timeout_s: float = Field(3.0, gt=0, le=30)


class CondominiumSettings(Model):
    name: str = "Condomínio Apoena"
    directory: str = "data/apartamentos.json"
    phrases: Phrases = Field(default_factory=Phrases)
    # Kokoro voice, speed and number reading for this building (default: the tts: section's).
    voice: CondominiumVoice = Field(default_factory=CondominiumVoice)
    endpointing: EndpointingSettings = Field(default_factory=EndpointingSettings)
    resident_call: ResidentCallSettings = Field(default_factory=ResidentCallSettings)
    gate: GateAction = Field(default_factory=GateAction)
    fuzzy_threshold: float = Field(75.0, ge=0, le=100)
    # Seconds of visitor silence before asking again; after max_visitor_turns, give up politely.
    visitor_silence_timeout_s: float = Field(8.0, gt=0)
    max_visitor_turns: int = Field(6, ge=1, le=20)
    # STT failures in a row before switching the visitor to the keypad.
    stt_failures_to_keypad: int = Field(2, ge=1)
    # Seconds of silence after the caller's turn before "Só um instante." covers a slow
    # backend (repeated up to 3 times); 0 turns it off. Keeps dead air under ~2 s.
    hold_after_s: float = Field(2.0, ge=0, le=10)
    # While the resident's phone rings and they decide, the visitor hears `still_calling`
    # this often (0: never), so a long wait never sounds like a dead line.
    reassure_every_s: float = Field(12.0, ge=0, le=60)
    # Seconds after which any session of this condominium is ended, whatever its state.
    session_timeout_s: float = Field(300.0, gt=0)
    # Voice recordings (LGPD: off unless the building has a purpose for them): "decision"
    # keeps the resident's deciding answer, "call" both legs whole. Saved compressed next
    # to the record store, readable by the service user only, deleted after the retention.
    recording: Literal["none", "decision", "call"] = "none"
    recording_retention_days: int = Field(30, ge=1, le=3650)
