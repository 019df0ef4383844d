"""Reading config.yaml and the condominium files into `Settings`, and `ConfigError`.

Errors name the file, the line and the field, found in the YAML node tree; a key
that looks like a secret is refused wherever it appears (secrets: app/config/secrets.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from app.config.condominium import CondominiumSettings
from app.config.settings import Settings
from app.errors import ConfigurationError

SECRET_KEYS = {"password", "api_key", "apikey", "key", "token", "secret", "subscription_key"}


class ConfigError(ConfigurationError):
    """The configuration file is invalid; `problems` holds one line per problem."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self._problems = problems
        super().__init__(f"{path}: invalid configuration\n" + "\n".join(f"  {p}" for p in problems))

    @property
    def problems(self) -> list[str]:
        return self._problems


def _at(line: int | None) -> str:
    """ "line N: " when the problem has a place in the file (an empty file has none)."""
    return f"line {line}: " if line else ""


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    node = root
    line = None if node is None else node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == str(part)), None)
            if nxt is None:
                break
            node = nxt
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
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


def _compose(text: str, source: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (for line numbers) and the plain data of a YAML text."""
    try:
        return yaml.compose(text), yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigError(
            source, [f"{where}not valid YAML: {getattr(exc, 'problem', exc)}"]
        ) from None


def parse_config(text: str, source: str = "config.yaml") -> Settings:
    root, data = _compose(text, source)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            source, [f"line 1: the top level must be a mapping, not {type(data).__name__}"]
        )
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
            problems.append(f"{_at(_line_of(root, loc))}{field}: {err['msg']}")
        raise ConfigError(source, problems) from None


def _read(p: Path) -> str:
    try:
        return p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(p), [f"cannot read the file: {exc.strerror}"]) from None


def _load_condominium_file(p: Path) -> CondominiumSettings:
    root, data = _compose(_read(p), str(p))
    data = data or {}
    if not isinstance(data, dict):
        raise ConfigError(str(p), ["line 1: a condominium file must be a mapping"])
    secrets = _secret_keys(root)
    if secrets:
        raise ConfigError(
            str(p),
            [f"line {line}: {path}: secrets are not read from files" for path, line in secrets],
        )
    try:
        return CondominiumSettings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            field = ".".join(str(x) for x in loc)
            problems.append(f"{_at(_line_of(root, loc))}{field}: {err['msg']}")
        raise ConfigError(str(p), problems) from None


def load_config(path: str | Path) -> Settings:
    p = Path(path)
    text = _read(p)
    settings = parse_config(text, str(p))
    problems = []
    base = p.parent
    files: dict[str, Path] = {}  # condominiums read from their own file
    if settings.condominiums_dir:
        folder = Path(settings.condominiums_dir)
        folder = folder if folder.is_absolute() else base / folder
        if not folder.is_dir():
            line = _line_of(yaml.compose(text), ("condominiums_dir",))
            raise ConfigError(
                str(p), [f"{_at(line)}condominiums_dir: folder {folder} does not exist"]
            )
        extra: dict[str, CondominiumSettings] = {}
        for f in sorted(folder.glob("*.yaml")):
            if f.stem in settings.condominiums:
                raise ConfigError(str(f), [f"condominium {f.stem!r} is also defined in {p}"])
            condo = _load_condominium_file(f)
            # Relative paths inside a condominium file are relative to the main config.
            extra[f.stem] = condo
            files[f.stem] = f
        settings = settings.model_copy(update={"condominiums": {**settings.condominiums, **extra}})
    for key, condo in settings.condominiums.items():
        d = Path(condo.directory)
        if not (d if d.is_absolute() else base / d).exists():
            if key in files:  # its own file: the line is in that file
                line = _line_of(yaml.compose(_read(files[key])), ("directory",))
                where = f"{files[key]}: {_at(line)}directory"
            else:
                line = _line_of(yaml.compose(text), ("condominiums", key, "directory"))
                where = f"{_at(line)}condominiums.{key}.directory"
            problems.append(f"{where}: file {condo.directory} does not exist")
    if problems:
        raise ConfigError(str(p), problems)
    return settings
