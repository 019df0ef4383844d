"""Fixtures: the real Asterisk (sandbox or PORTARIA_ARI_URL), the app on it, test phones.

If Asterisk cannot be reached the Asterisk tests FAIL, never skip: a green run
must mean the real-Asterisk tests ran. What the fixtures are made of lives in
tests/harness/; test modules import from there, never from here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.ari import AriClient, AriError
from app.service import Service
from tests.harness.asterisk import AsteriskEnv, asterisk_env
from tests.harness.fakes.openai_server import ScriptedTranscriptionServer
from tests.harness.gate import Gate, running_gate
from tests.harness.live import TEST_APP, clear_asterisk, live_service, make_settings
from tests.harness.phone import Phones


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test on the real Asterisk reaches it through `aenv` (ari, phones, app, gate
    # and the rest depend on it): marked `asterisk`, so `-m asterisk` / `-m "not asterisk"`
    # split the suite into the calls and what runs without Asterisk (make test runs the
    # two side by side).
    for item in items:
        if "aenv" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.asterisk)


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
        pytest.fail(
            f"the real Asterisk is not reachable at {aenv.ari_url}: {exc} "
            "(make test starts the sandbox; set PORTARIA_ARI_URL for another Asterisk)"
        )
    yield client
    await client.aclose()


@pytest.fixture
async def clean_asterisk(ari: AriClient) -> AsyncIterator[None]:
    # A previous failed test may have left calls up: start from an empty Asterisk.
    await clear_asterisk(ari)
    yield


@pytest.fixture
async def app(aenv: AsteriskEnv, clean_asterisk: None) -> AsyncIterator[Service]:
    async with live_service(aenv, make_settings(ari={"url": aenv.ari_url, "app": TEST_APP})) as svc:
        yield svc


@pytest.fixture
def phones(aenv: AsteriskEnv, ari: AriClient) -> Phones:
    return Phones(aenv, ari)


@pytest.fixture
async def stt_server() -> AsyncIterator[ScriptedTranscriptionServer]:
    async with ScriptedTranscriptionServer([]) as srv:
        yield srv


@pytest.fixture
def keypad_only() -> bool:
    """Override to True in a test module or with parametrize to run the app without STT."""
    return False


@pytest.fixture
async def gate(
    aenv: AsteriskEnv,
    ari: AriClient,
    clean_asterisk: None,
    stt_server: ScriptedTranscriptionServer,
    tmp_path: Path,
    phones: Phones,
    keypad_only: bool,
) -> AsyncIterator[Gate]:
    async with running_gate(aenv, ari, phones, stt_server, tmp_path, keypad_only=keypad_only) as g:
        yield g
