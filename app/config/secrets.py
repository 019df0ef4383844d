"""Secrets: read from the environment only, never from config.yaml."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Secrets:
    """Read from the environment only; never logged (repr hides them)."""

    ari_password: str
    api_token: str | None
    webhook_secret: str | None = None

    def __repr__(self) -> str:
        return "Secrets(***)"

    @classmethod
    def from_env(cls) -> Secrets:
        return cls(
            ari_password=os.environ.get("PORTARIA_ARI_PASSWORD", "portaria"),
            api_token=os.environ.get("PORTARIA_API_TOKEN") or None,
            webhook_secret=os.environ.get("PORTARIA_WEBHOOK_SECRET") or None,
        )
