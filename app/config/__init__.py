"""Configuration: config.yaml validated into typed settings, secrets from the environment.

Errors name the file, the line and the field (`ConfigError`), so an operator
fixing a gate at night sees exactly what to change. Secrets are never read
from YAML: a `password:` or `api_key:` key in the file is itself an error.

One job per module: `settings` (the whole file), `services` (ARI, media, API, log,
NLU, audit), `condominium`, `phrases` and `endpointing` (a condominium's sections),
`secrets` (the environment), `loading` (YAML to `Settings`, and `ConfigError`).
Importing this package stays light: no speech SDK, numpy or webrtcvad
(tests/test_light_imports.py).
"""

from app.config.condominium import CondominiumSettings, GateAction, ResidentCallSettings
from app.config.endpointing import EndpointingSettings
from app.config.loading import SECRET_KEYS, ConfigError, load_config, parse_config
from app.config.phrases import Phrases
from app.config.secrets import Secrets
from app.config.services import (
    ApiSettings,
    AriSettings,
    AuditSettings,
    LogSettings,
    MediaSettings,
    NluSettings,
)
from app.config.settings import Settings

__all__ = [
    "SECRET_KEYS",
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
    "Secrets",
    "Settings",
    "load_config",
    "parse_config",
]
