"""Settings of what the process connects to: Asterisk (ARI), the media sockets, the
HTTP API, the log, the LLM understanding backend and the audit store."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from app.config.base import Model


class AriSettings(Model):
    url: str = "http://127.0.0.1:8088"
    username: str = "portaria"
    app: str = "portaria"
    # Start the Debian-chroot Asterisk (scripts/sandbox.sh) when `url` is the local default.
    sandbox: bool = True
    # Per REST request. A busy Asterisk answers slowly rather than not at all: giving
    # up sooner fails calls that would have worked (measured in tests/test_soak.py).
    timeout_s: float = Field(10.0, gt=0, le=60)


class MediaSettings(Model):
    bind_host: str = "127.0.0.1"
    # The address Asterisk connects to (external_host of externalMedia).
    advertise_host: str = "127.0.0.1"
    visitor_port: int = Field(8080, ge=0, le=65535)
    resident_port: int = Field(8081, ge=0, le=65535)
    format: Literal["slin", "slin16"] = "slin"

    @property
    def sample_rate(self) -> int:
        return 16000 if self.format == "slin16" else 8000


class ApiSettings(Model):
    host: str = "127.0.0.1"
    port: int = Field(8082, ge=0, le=65535)


class LogSettings(Model):
    level: Literal["debug", "info", "warning", "error"] = "info"
    file: str | None = "logs/portaria.log"


class NluSettings(Model):
    # rules: embedded extractor. llm: rules first, an OpenAI-compatible model when unsure.
    backend: Literal["rules", "llm"] = "rules"
    base_url: str = "https://api.openai.com/v1"
    model: str = "gpt-4o-mini"
    timeout_s: float = Field(2.5, gt=0, le=30)
    confidence_threshold: float = Field(0.6, ge=0, le=1)


class AuditSettings(Model):
    # The embedded store: one SQLite file (relative to the config file's folder).
    path: str = "data/audit.sqlite3"
    # A fleet's shared store instead: postgresql://user@host:5432/db (password from
    # PORTARIA_AUDIT_PASSWORD, never here). Same schema and `portaria audit` on both.
    url: str | None = None
    # Where call recordings go (when a condominium records), relative to the config's folder.
    recordings_dir: str = "data/recordings"

    @field_validator("url")
    @classmethod
    def _check_url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("postgresql://", "postgres://")):
            raise ValueError(f"{v!r} is not a PostgreSQL URL (postgresql://user@host/db)")
        return v
