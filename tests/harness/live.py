"""The app running on the test Asterisk: the settings tests start it with, the one
builder of a live Service, and the waits that tell a test the calls are over."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator, Collection
from pathlib import Path
from typing import Any

import yaml

from app.ari import AriClient
from app.config import Secrets, Settings, load_config
from app.service import Service
from tests.harness.asterisk import REPO, AsteriskEnv

TEST_APP = "portaria"
TEST_ESPEAK_WPM = 230
DIRECTORY = str(REPO / "data" / "apartamentos.json")


def make_settings(**overrides: Any) -> Settings:
    """Test settings: ephemeral ports, no log file, espeak-ng; `overrides` merge one level deep."""
    base: dict[str, Any] = {
        "media": {"visitor_port": 0, "resident_port": 0},
        "api": {"port": 0},
        "log": {"level": "info", "file": None},
        "ari": {"app": TEST_APP},
        "audit": {"path": str(Path(tempfile.gettempdir()) / "portaria-test-audit.sqlite3")},
        # espeak-ng unless a test is about Kokoro (tests/test_kokoro*.py): instant and
        # light, so the call tests' timings do not depend on a neural voice's cache.
        # At 230 words a minute (the app's default is 165) our prompts take 0.67 of the
        # time: the call tests are about turns, timings and outcomes, not the voice's
        # pace, and every whole call gets ~7 s shorter.
        "tts": {"backend": "espeak", "speed": TEST_ESPEAK_WPM},
    }
    for k, v in overrides.items():
        merge = isinstance(v, dict) and isinstance(base.get(k), dict)
        base[k] = {**base[k], **v} if merge else v
    return Settings.model_validate(base)


def scenario_settings(
    aenv: AsteriskEnv,
    stt_url: str | None,
    audit_path: str,
    top: dict[str, Any] | None = None,
    **condo: Any,
) -> Settings:
    """The scenario gate's settings: condominium apoena dialling the resident stand-ins,
    STT from the scripted server at `stt_url` (none: keypad only)."""
    condo_cfg: dict[str, Any] = {
        "directory": DIRECTORY,
        "resident_call": {
            "endpoint_template": "Local/{number}@resident-test",
            "ring_timeout_s": 6,
            "silence_timeout_s": 25,
        },
        "visitor_silence_timeout_s": 10,
    }
    condo_cfg.update(condo)
    stt = (
        {"backend": "openai", "base_url": stt_url, "require_api_key": False, "timeout_s": 3}
        if stt_url
        else {"backend": "none"}
    )
    recordings = str(Path(audit_path).parent / "recordings")
    return make_settings(
        ari={"url": aenv.ari_url, "app": TEST_APP},
        stt=stt,
        audit={"path": audit_path, "recordings_dir": recordings},
        condominiums={"apoena": condo_cfg},
        **(top or {}),
    )


def write_config(aenv: AsteriskEnv, folder: Path) -> Path:
    """A config.yaml as an operator writes it (for tests of what reads or reloads the file)."""
    cfg = {
        "ari": {"url": aenv.ari_url, "app": TEST_APP},
        "media": {"visitor_port": 0, "resident_port": 0},
        "api": {"port": 0},
        "log": {"file": None},
        "audit": {"path": str(folder / "audit.sqlite3")},
        "condominiums": {"apoena": {"directory": DIRECTORY}},
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


@contextlib.asynccontextmanager
async def live_service(
    aenv: AsteriskEnv,
    settings: Settings | Path,
    token: str | None = None,
    config_dir: Path | None = None,
) -> AsyncIterator[Service]:
    """The app started on the test Asterisk, stopped on leaving.

    `settings` is either built by the test or a config file (then loaded as `portaria run`
    loads it, and its folder is the config folder)."""
    config_path: Path | None = None
    if isinstance(settings, Path):
        config_path, settings = settings, load_config(settings)
        config_dir = config_dir or config_path.parent
    svc = Service(
        settings,
        Secrets(ari_password=aenv.password, api_token=token),
        config_dir=config_dir or Path("."),
        config_path=config_path,
    )
    await svc.start()
    try:
        assert svc.events.connected.is_set(), "app did not connect to ARI events"
        yield svc
    finally:
        await svc.stop()


async def clear_asterisk(ari: AriClient) -> None:
    """Hang up every channel and destroy every bridge: a failed test may have left calls up."""
    for ch in await ari.list_channels():
        await ari.hangup(ch.id)
    for b in await ari.list_bridges():
        await ari.destroy_bridge(b.id)


async def wait_clean(
    ari: AriClient, svc: Service | None = None, timeout: float = 5.0
) -> tuple[list[Any], list[Any], int]:
    """Poll until Asterisk lists no channels and no bridges and the app holds no session."""
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    while True:
        chans, bridges = await ari.list_channels(), await ari.list_bridges()
        n = len(svc.sessions) if svc else 0
        if (not chans and not bridges and n == 0) or loop.time() - t0 > timeout:
            return chans, bridges, n
        await asyncio.sleep(0.1)


async def wait_new_session(svc: Service, known: Collection[str] = (), timeout: float = 10.0) -> str:
    """The id of the first session the app holds that is not in `known`."""
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    while loop.time() - t0 < timeout:
        fresh = [s.id for s in svc.sessions.all() if s.id not in known]
        if fresh:
            return fresh[0]
        await asyncio.sleep(0.05)
    raise AssertionError("no new session appeared")
