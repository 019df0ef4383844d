"""A condominium's `endpointing:` settings: when speech starts and ends, and turn-taking."""

from __future__ import annotations

from dataclasses import fields

from pydantic import Field, model_validator

from app.config.base import Model
from app.media.endpointing import EndpointerConfig

_EP = EndpointerConfig()  # the endpointer's defaults are the settings' defaults: one set of knobs


class EndpointingSettings(Model):
    """VAD and end-of-speech (see README "Listening" for the defaults' reasons), then
    turn-taking. The first group is app/media/endpointing.py's EndpointerConfig, same names and
    defaults (`endpointer()` maps them; the reasons for each default live there)."""

    aggressiveness: int = Field(_EP.aggressiveness, ge=0, le=3)
    energy_threshold_dbfs: float = Field(_EP.energy_threshold_dbfs, le=0)
    start_frames: int = Field(_EP.start_frames, ge=1, le=25)
    silence_seconds: float = Field(_EP.silence_seconds, gt=0.1, le=5)
    min_utterance_seconds: float = Field(_EP.min_utterance_seconds, ge=0, le=5)
    max_utterance_seconds: float = Field(_EP.max_utterance_seconds, gt=1, le=60)
    pre_roll_seconds: float = Field(_EP.pre_roll_seconds, ge=0, le=2)
    guard_seconds: float = Field(_EP.guard_seconds, ge=0, le=3)
    tail_seconds: float = Field(_EP.tail_seconds, ge=0, le=1)
    barge_in_frames: int = Field(_EP.barge_in_frames, ge=1, le=25)
    barge_in_margin_db: float = Field(_EP.barge_in_margin_db, ge=0, le=30)
    # Recognition starts after this much silence and its result is used at the end of
    # the turn (silence_seconds) when no speech resumed; 0: recognize only at the end.
    speculative_seconds: float = Field(_EP.speculative_seconds, ge=0, le=5)
    barge_in_visitor: bool = True
    barge_in_resident: bool = True
    # Turn-taking (README "Turn-taking"). Speech again before our reply has been heard
    # this long is the same turn; joined and recognized once. 0.5 s: nobody answers what
    # they have not heard yet (a reply's first word takes ~0.3 s, a response needs ~0.2 s
    # more), and at 0.3 s a visitor going on 0.6-0.7 s after a full stop was cut in two.
    continuation_seconds: float = Field(0.5, ge=0, le=2)
    # ... as long as it starts within this of the previous fragment's end.
    continuation_max_gap_seconds: float = Field(2.0, ge=0, le=10)
    # A fragment that ends like an unfinished sentence ("aqui é o", "para o,") waits this
    # long for more speech before we reply.
    unfinished_wait_seconds: float = Field(1.0, ge=0, le=5)

    @model_validator(mode="after")
    def _endpointer_accepts(self) -> EndpointingSettings:
        self.endpointer(8000)  # its own checks (speculative < silence, ...) as config errors
        return self

    def endpointer(self, sample_rate: int) -> EndpointerConfig:
        """The endpointer's config for a leg at `sample_rate`: the one place they are mapped."""
        knobs = [f.name for f in fields(EndpointerConfig) if f.name != "sample_rate"]
        return EndpointerConfig(sample_rate=sample_rate, **{k: getattr(self, k) for k in knobs})
