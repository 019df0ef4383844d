"""`portaria check-config`: everything a start would trip on, found before it.

The config file is validated on load; this adds what the file only points at:
directory files, the secrets the chosen backends need, the programs and models
they run. Each problem is one line naming what to fix.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path

from app.config import Secrets, Settings
from app.errors import PortariaError


def _resolve(config_dir: Path, p: str) -> Path:
    path = Path(p).expanduser()
    return path if path.is_absolute() else config_dir / path


def installation_problems(settings: Settings, secrets: Secrets, config_dir: Path) -> list[str]:
    # Deferred: these pull in the speech SDKs, which `check-config` loads only here.
    from app.dialog.nlu.factory import build_extractor
    from app.directory.directory import Directory
    from app.media.stt import build_stt
    from app.media.tts.factory import build_backend
    from app.webhooks.dispatcher import missing_secret_error

    problems: list[str] = []

    def attempt(what: str, check: Callable[[], object]) -> object | None:
        try:
            return check()
        except PortariaError as exc:
            problems.extend(f"{what}: {line}" for line in _lines(exc))
        return None

    if shutil.which("espeak-ng") is None:
        problems.append("espeak-ng is not installed (the fallback voice; apt-get install espeak-ng)")
    for key, condo in settings.condominiums.items():
        path = _resolve(config_dir, condo.directory)
        directory = attempt(f"condominiums.{key}.directory", partial(Directory.load, path))
        if isinstance(directory, Directory):
            attempt("nlu", partial(build_extractor, settings.nlu, directory))
    attempt("stt", lambda: build_stt(settings.stt))
    attempt("tts", lambda: build_backend(settings.tts))
    if settings.webhooks.urls and not secrets.webhook_secret:
        problems.extend(f"webhooks: {line}" for line in _lines(missing_secret_error(settings.webhooks)))
    return problems


def _lines(exc: PortariaError) -> list[str]:
    problems = getattr(exc, "problems", None)
    return list(problems) if isinstance(problems, list) else [str(exc)]
