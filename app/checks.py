"""`portaria check-config`: everything a start would trip on, found before it.

The config file is validated on load; this adds what the file only points at:
directory files, the secrets the chosen backends need, the programs and models
they run. Each problem is one line naming what to fix. Backends are checked,
not built: no speech SDK is imported and no model loaded, so this takes a
fraction of a second.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path

from app.config import Secrets, Settings
from app.dialog.nlu.factory import llm_endpoint
from app.directory.loader import parse_entries, read_entries
from app.errors import PortariaError
from app.media.stt.factory import check_stt
from app.media.tts.factory import check_tts
from app.webhooks.dispatcher import missing_secret_error


def _resolve(config_dir: Path, p: str) -> Path:
    path = Path(p).expanduser()
    return path if path.is_absolute() else config_dir / path


def installation_problems(settings: Settings, secrets: Secrets, config_dir: Path) -> list[str]:
    problems: list[str] = []

    def attempt(what: str, check: Callable[[], object]) -> None:
        try:
            check()
        except PortariaError as exc:
            problems.extend(f"{what}: {line}" for line in _lines(exc))

    if shutil.which("espeak-ng") is None:
        problems.append(
            "espeak-ng is not installed (the fallback voice; apt-get install espeak-ng)"
        )
    for key, condo in settings.condominiums.items():
        path = _resolve(config_dir, condo.directory)
        # Parsed and validated as a start would, without building the name index
        # (rapidfuzz's matrix loads numpy, which a check has no use for).
        attempt(f"condominiums.{key}.directory", partial(_read_directory, path))
    if settings.nlu.backend == "llm":
        attempt("nlu", partial(llm_endpoint, settings.nlu))
    attempt("stt", partial(check_stt, settings.stt))
    attempt("tts", partial(check_tts, settings.tts))
    if settings.webhooks.urls and not secrets.webhook_secret:
        problems.extend(
            f"webhooks: {line}" for line in _lines(missing_secret_error(settings.webhooks))
        )
    return problems


def _read_directory(path: Path) -> object:
    return parse_entries(read_entries(path), str(path))


def _lines(exc: PortariaError) -> list[str]:
    problems = getattr(exc, "problems", None)
    return list(problems) if isinstance(problems, list) else [str(exc)]
