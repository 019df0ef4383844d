"""Configuration: config.yaml validated into typed settings, secrets from the environment.

Errors name the file, the line and the field (`ConfigError`), so an operator
fixing a gate at night sees exactly what to change. Secrets are never read
from YAML: a `password:` or `api_key:` key in the file is itself an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SECRET_KEYS = {"password", "api_key", "apikey", "key", "token", "secret", "subscription_key"}


class ConfigError(Exception):
    """The configuration file is invalid; `problems` holds one line per problem."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: invalid configuration\n" + "\n".join(f"  {p}" for p in problems))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AriSettings(_Model):
    url: str = "http://127.0.0.1:8088"
    username: str = "portaria"
    app: str = "portaria"
    # Start the Debian-chroot Asterisk (scripts/sandbox.sh) when `url` is the local default.
    sandbox: bool = True


class MediaSettings(_Model):
    bind_host: str = "127.0.0.1"
    # The address Asterisk connects to (external_host of externalMedia).
    advertise_host: str = "127.0.0.1"
    visitor_port: int = Field(8080, ge=0, le=65535)
    resident_port: int = Field(8081, ge=0, le=65535)
    format: Literal["slin", "slin16"] = "slin"

    @property
    def sample_rate(self) -> int:
        return 16000 if self.format == "slin16" else 8000


class ApiSettings(_Model):
    host: str = "127.0.0.1"
    port: int = Field(8082, ge=0, le=65535)


class TtsSettings(_Model):
    backend: Literal["espeak"] = "espeak"
    voice: str = "pt-br"
    speed: int = Field(165, ge=80, le=450)
    pitch: int = Field(45, ge=0, le=99)
    cache_dir: str = "~/.cache/portaria/tts"
    memory_cache_mb: int = Field(64, ge=1)


class LogSettings(_Model):
    level: Literal["debug", "info", "warning", "error"] = "info"
    file: str | None = "logs/portaria.log"


class Phrases(_Model):
    """Everything callers hear. Placeholders in braces are filled by the dialog."""

    greeting: str = "Condomínio Apoena, em que posso ajudar?"
    goodbye: str = "Obrigado, até logo."


class CondominiumSettings(_Model):
    name: str = "Condomínio Apoena"
    directory: str = "data/apartamentos.json"
    phrases: Phrases = Phrases()
    # Seconds after which any session of this condominium is ended, whatever its state.
    session_timeout_s: float = Field(300.0, gt=0)


class Settings(_Model):
    ari: AriSettings = AriSettings()
    media: MediaSettings = MediaSettings()
    api: ApiSettings = ApiSettings()
    tts: TtsSettings = TtsSettings()
    log: LogSettings = LogSettings()
    default_condominium: str = "apoena"
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
        k = self.default_condominium if self.default_condominium in self.condominiums else next(iter(self.condominiums))
        return k, self.condominiums[k]


@dataclass(frozen=True)
class Secrets:
    """Read from the environment only; never logged (repr hides them)."""

    ari_password: str
    api_token: str | None

    def __repr__(self) -> str:
        return "Secrets(***)"

    @classmethod
    def from_env(cls) -> Secrets:
        return cls(
            ari_password=os.environ.get("PORTARIA_ARI_PASSWORD", "portaria"),
            api_token=os.environ.get("PORTARIA_API_TOKEN") or None,
        )


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    node = root
    line = None if node is None else node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == str(part)), None)
            if nxt is None:
                break
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _secret_keys(node: yaml.Node | None, path: str = "") -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            p = f"{path}.{k.value}" if path else str(k.value)
            if str(k.value).lower() in SECRET_KEYS:
                found.append((p, k.start_mark.line + 1))
            found.extend(_secret_keys(v, p))
    return found


def parse_config(text: str, source: str = "config.yaml") -> Settings:
    try:
        root = yaml.compose(text)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigError(source, [f"{where}not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(source, [f"line 1: the top level must be a mapping, not {type(data).__name__}"])
    problems = [
        f"line {line}: {path}: secrets are not read from the file; use the environment (see README)"
        for path, line in _secret_keys(root)
    ]
    if problems:
        raise ConfigError(source, problems)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            field = ".".join(str(p) for p in loc) or "(top level)"
            line = _line_of(root, loc)
            where = f"line {line}: " if line else ""
            problems.append(f"{where}{field}: {err['msg']}")
        raise ConfigError(source, problems) from None


def load_config(path: str | Path) -> Settings:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(p), [f"cannot read the file: {exc.strerror}"]) from None
    settings = parse_config(text, str(p))
    problems = []
    base = p.parent
    for key, condo in settings.condominiums.items():
        d = Path(condo.directory)
        if not (d if d.is_absolute() else base / d).exists():
            line = _line_of(yaml.compose(text), ("condominiums", key, "directory"))
            problems.append(f"line {line}: condominiums.{key}.directory: file {condo.directory} does not exist")
    if problems:
        raise ConfigError(str(p), problems)
    return settings
