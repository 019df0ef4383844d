"""Commands that never speak load no speech SDK.

`portaria --help`, `check-config`, `audit`, `console`.

Each check runs in a fresh interpreter (a test process has long loaded everything)
and lists the heavy modules in `sys.modules` once the command has run. Importing
the OpenAI and Azure SDKs, numpy and soxr took 0.6-0.7 s on every command when
`app.config` pulled them in; they belong to the backends that use them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Top-level packages of the speech SDKs, model runtimes and the API server.
HEAVY = (
    "openai",
    "azure",
    "numpy",
    "soxr",
    "ctranslate2",
    "faster_whisper",
    "onnxruntime",
    "tokenizers",
    "uvicorn",
)

_PROBE = """
import sys
{code}
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & {heavy!r})
print("HEAVY:" + ",".join(heavy))
"""


def heavy_after(code: str, env: dict[str, str] | None = None) -> list[str]:
    """The heavy packages loaded once `code` has run in a new interpreter."""
    probe = _PROBE.format(code=code, heavy=set(HEAVY))
    res = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=60,
        env={**os.environ, **(env or {})},
    )
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("HEAVY:")]
    assert res.returncode == 0 and lines, (res.stdout[-2000:], res.stderr[-2000:])
    return [m for m in lines[-1].removeprefix("HEAVY:").split(",") if m]


def _cli(argv: list[str], rc: int) -> str:
    # main() returns the exit code; --help exits through SystemExit.
    return (
        f"from app.cli import main\n"
        f"try:\n    code = main({argv!r})\nexcept SystemExit as exc:\n    code = exc.code\n"
        f"assert code == {rc}, code\n"
    )


def test_importing_the_cli_and_its_config_loads_no_speech_sdk() -> None:
    assert (
        heavy_after(
            "import app.cli, app.config, app.checks, app.api, app.media.stt, "
            "app.media.tts, app.dialog.nlu"
        )
        == []
    )


def test_help_loads_no_speech_sdk() -> None:
    assert heavy_after(_cli(["--help"], 0)) == []


def test_check_config_checks_the_backends_without_loading_them() -> None:
    # config.yaml chooses embedded Whisper and Kokoro: their models are checked,
    # not loaded (ctranslate2 and onnxruntime stay out).
    assert heavy_after(_cli(["-c", str(REPO / "config.yaml"), "check-config"], 0)) == []


def test_audit_loads_no_speech_sdk(tmp_path: Path) -> None:
    from app.records import open_store

    open_store(None, tmp_path / "audit.sqlite3").close()
    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        f"audit: {{path: audit.sqlite3}}\ncondominiums:\n"
        f"  a: {{directory: {REPO / 'data/apartamentos.json'}}}\n"
    )
    assert heavy_after(_cli(["-c", str(cfg), "audit"], 0)) == []


def test_console_loads_no_speech_sdk() -> None:
    # A URL without a host: the console runs its loop and its WebSocket client up to the
    # connection attempt, which refuses the URL (exit 2) instead of retrying forever.
    code = _cli(["console", "--url", "ws://:0", "--color", "never"], 2)
    assert heavy_after(code, env={"PORTARIA_API_TOKEN": "t"}) == []
