"""The `webhooks:` section of config.yaml.

Imports nothing from `app` so `app.config` can import it without a cycle
(the same pattern as `app.media.stt.settings`). The signing secret is not a
setting: it comes only from the environment (PORTARIA_WEBHOOK_SECRET), and
app/config/loading.py already rejects a `secret:` key anywhere in the file.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

WebhookEvent = Literal["call.started", "resident.called", "decision", "call.ended"]
WEBHOOK_EVENTS: tuple[str, ...] = get_args(WebhookEvent)
SECRET_ENV = "PORTARIA_WEBHOOK_SECRET"


def _http_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{redact_url(url)!r} is not an http:// or https:// URL with a host")
    return url


# Validated per item, so a config error names the line of the bad URL itself.
HttpUrlStr = Annotated[str, AfterValidator(_http_url)]


class WebhookSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # One worker and one bounded queue per URL: a dead receiver only fills its own queue.
    urls: list[HttpUrlStr] = Field(default_factory=list)
    events: list[WebhookEvent] = Field(
        default_factory=lambda: list(get_args(WebhookEvent)), min_length=1
    )
    # Whole-attempt budget (connect + send + response headers), not per socket phase.
    timeout_s: float = Field(3.0, gt=0, le=60)
    # Attempts in total, the first included; 1 = never retry.
    max_attempts: int = Field(4, ge=1, le=20)
    # First retry waits backoff_s, then doubles; no wait (Retry-After included) exceeds
    # backoff_max_s.
    backoff_s: float = Field(0.5, ge=0, le=60)
    backoff_max_s: float = Field(30.0, ge=0, le=3600)
    # Events waiting per receiver; when full the oldest is dropped (and counted).
    queue_size: int = Field(1000, ge=1, le=1_000_000)

    @field_validator("urls")
    @classmethod
    def _no_duplicates(cls, v: list[str]) -> list[str]:
        for i, url in enumerate(v):
            if url in v[:i]:
                # Two workers on one URL would deliver every event twice.
                raise ValueError(f"item {i}: {redact_url(url)!r} is listed twice")
        return v

    @field_validator("events")
    @classmethod
    def _unique_events(cls, v: list[WebhookEvent]) -> list[WebhookEvent]:
        return list(dict.fromkeys(v))


def redact_url(url: str) -> str:
    """scheme://host[:port]/… : URLs often carry tokens (path, query, user info)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}/…" if parts.scheme else "…"
