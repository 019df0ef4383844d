"""The base of every settings model: unknown keys are errors, values are frozen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    # forbid: a misspelt key in config.yaml is reported, not silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)
