"""Configuration: config.yaml validated into typed settings, secrets from the environment.

Errors name the file, the line and the field (`ConfigError`), so an operator
fixing a gate at night sees exactly what to change. Secrets are never read
from YAML: a `password:` or `api_key:` key in the file is itself an error.
"""

from app.config.loading import (
    ApiSettings,
    AriSettings,
    AuditSettings,
    CondominiumSettings,
    ConfigError,
    EndpointingSettings,
    GateAction,
    LogSettings,
    MediaSettings,
    NluSettings,
    Phrases,
    ResidentCallSettings,
    SECRET_KEYS,
    Secrets,
    Settings,
    load_config,
    parse_config,
)

__all__ = [
    "ApiSettings",
    "AriSettings",
    "AuditSettings",
    "CondominiumSettings",
    "ConfigError",
    "EndpointingSettings",
    "GateAction",
    "LogSettings",
    "MediaSettings",
    "NluSettings",
    "Phrases",
    "ResidentCallSettings",
    "SECRET_KEYS",
    "Secrets",
    "Settings",
    "load_config",
    "parse_config",
]
