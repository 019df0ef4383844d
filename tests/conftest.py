"""Fixtures: the real Asterisk (sandbox or PORTARIA_ARI_URL), the app on it, test phones.

If Asterisk cannot be reached the Asterisk tests FAIL, never skip: a green run
must mean the real-Asterisk tests ran.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from app.ari import AriClient, AriError
from app.config import Secrets, Settings
from app.service import Service
from tests.asterisk_env import AsteriskEnv, asterisk_env
from tests.phone import Phones

TEST_APP = "portaria"


@pytest.fixture(scope="session")
def aenv() -> AsteriskEnv:
    return asterisk_env()


@pytest.fixture(scope="session")
async def ari(aenv: AsteriskEnv) -> AsyncIterator[AriClient]:
    # The harness waits longer than the app does: under the soak's burst the sandbox
    # Asterisk answers slowly, and the harness's own requests must not be what fails.
    client = AriClient(aenv.ari_url, aenv.username, aenv.password, "portaria-tests", timeout=20)
    try:
        await client.info()
    except AriError as exc:
        pytest.fail(f"the real Asterisk is not reachable at {aenv.ari_url}: {exc} "
                    "(make test starts the sandbox; set PORTARIA_ARI_URL for another Asterisk)")
    yield client
    await client.aclose()


async def wait_clean(ari: AriClient, svc: Service | None = None, timeout: float = 5.0) -> tuple[list[Any], list[Any], int]:
    """Poll until Asterisk lists no channels and no bridges and the app holds no session."""
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    while True:
        chans, bridges = await ari.list_channels(), await ari.list_bridges()
        n = len(svc.sessions) if svc else 0
        if (not chans and not bridges and n == 0) or loop.time() - t0 > timeout:
            return chans, bridges, n
        await asyncio.sleep(0.1)


@pytest.fixture
async def clean_asterisk(ari: AriClient) -> AsyncIterator[None]:
    # A previous failed test may have left calls up: start from an empty Asterisk.
    for ch in await ari.list_channels():
        await ari.hangup(ch.id)
    for b in await ari.list_bridges():
        await ari.destroy_bridge(b.id)
    yield


def make_settings(**overrides: Any) -> Settings:
    base: dict[str, Any] = {
        "media": {"visitor_port": 0, "resident_port": 0},
        "api": {"port": 0},
        "log": {"level": "info", "file": None},
        "ari": {"app": TEST_APP},
        "audit": {"path": str(Path(tempfile.gettempdir()) / "portaria-test-audit.sqlite3")},
        # espeak-ng unless a test is about Kokoro (tests/test_kokoro*.py): instant and
        # light, so the call tests' timings do not depend on a neural voice's cache.
        "tts": {"backend": "espeak"},
    }
    for k, v in overrides.items():
        base[k] = {**base.get(k, {}), **v} if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return Settings.model_validate(base)


@pytest.fixture
def settings_factory() -> Callable[..., Settings]:
    return make_settings


@pytest.fixture
async def app(aenv: AsteriskEnv, clean_asterisk: None) -> AsyncIterator[Service]:
    svc = Service(make_settings(ari={"url": aenv.ari_url, "app": TEST_APP}),
                  Secrets(ari_password=aenv.password, api_token=None))
    await svc.start()
    assert svc.events.connected.is_set(), "app did not connect to ARI events"
    yield svc
    await svc.stop()


@pytest.fixture
def phones(aenv: AsteriskEnv, ari: AriClient) -> Phones:
    return Phones(aenv, ari)


@pytest.fixture
async def stt_server() -> AsyncIterator[Any]:
    from tests.fakes.openai_server import ScriptedTranscriptionServer

    async with ScriptedTranscriptionServer([]) as srv:
        yield srv


def scenario_settings(aenv: AsteriskEnv, stt_url: str | None, audit_path: str, top: dict[str, Any] | None = None,
                      **condo: Any) -> Settings:
    from tests.gate import DIRECTORY

    condo_cfg: dict[str, Any] = {
        "directory": DIRECTORY,
        "resident_call": {"endpoint_template": "Local/{number}@resident-test", "ring_timeout_s": 6,
                          "silence_timeout_s": 25},
        "visitor_silence_timeout_s": 10,
    }
    condo_cfg.update(condo)
    stt = ({"backend": "openai", "base_url": stt_url, "require_api_key": False, "timeout_s": 3}
           if stt_url else {"backend": "none"})
    return make_settings(ari={"url": aenv.ari_url, "app": TEST_APP}, stt=stt,
                         audit={"path": audit_path, "recordings_dir": str(Path(audit_path).parent / "recordings")},
                         condominiums={"apoena": condo_cfg}, **(top or {}))


@pytest.fixture
def keypad_only() -> bool:
    """Override to True in a test module or with parametrize to run the app without STT."""
    return False


@pytest.fixture
async def gate(aenv: AsteriskEnv, ari: AriClient, clean_asterisk: None, stt_server: Any, tmp_path: Any,
               phones: Phones, keypad_only: bool) -> AsyncIterator[Any]:
    from tests.gate import running_gate

    stt_url = None if keypad_only else stt_server.base_url
    async with running_gate(aenv, ari, phones, stt_url, tmp_path) as g:
        g.stt = stt_server  # type: ignore[attr-defined]
        yield g
