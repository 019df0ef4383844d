"""The whole of config.yaml: every section's settings and the condominiums."""

from __future__ import annotations

from pydantic import Field, field_validator

from app.config.base import Model
from app.config.condominium import CondominiumSettings
from app.config.services import (
    ApiSettings,
    AriSettings,
    AuditSettings,
    LogSettings,
    MediaSettings,
    NluSettings,
)
from app.media.stt.settings import SttSettings
from app.media.tts.settings import TtsSettings
from app.webhooks.settings import WebhookSettings


class Settings(Model):
    ari: AriSettings = Field(default_factory=AriSettings)
    media: MediaSettings = Field(default_factory=MediaSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    tts: TtsSettings = Field(default_factory=TtsSettings)
    stt: SttSettings = Field(default_factory=SttSettings)
    nlu: NluSettings = Field(default_factory=NluSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    log: LogSettings = Field(default_factory=LogSettings)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)
    # Simultaneous visitor calls; more are refused at once (ARI hangup, cause congestion)
    # rather than letting an overloaded Asterisk fail every call (see README, capacity).
    max_calls: int = Field(50, ge=1, le=10_000)
    default_condominium: str = "apoena"
    # Folder of per-condominium files (<key>.yaml, each one condominium's settings),
    # merged with `condominiums:` below; relative to the config file.
    condominiums_dir: str | None = None
    condominiums: dict[str, CondominiumSettings] = Field(
        default_factory=lambda: {"apoena": CondominiumSettings()}
    )

    @field_validator("condominiums")
    @classmethod
    def _some_condominium(cls, v: dict[str, CondominiumSettings]) -> dict[str, CondominiumSettings]:
        if not v:
            raise ValueError("at least one condominium is required")
        return v

    def condominium(self, key: str | None) -> tuple[str, CondominiumSettings]:
        """The condominium a Stasis argument names, or the default one."""
        if key and key in self.condominiums:
            return key, self.condominiums[key]
        k = (
            self.default_condominium
            if self.default_condominium in self.condominiums
            else next(iter(self.condominiums))
        )
        return k, self.condominiums[k]
