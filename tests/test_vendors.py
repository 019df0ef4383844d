"""app/vendors: the call limits, the reading of OpenAI SDK errors, the Azure key and region check.

The backends' own tests drive these through real local servers; here are the
cases those cannot reach on purpose (a slot wait that outlasts the deadline, a
server that echoes the key, a self-hosted Azure container).
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import httpx2  # the HTTP client the installed openai SDK is built on (its fork of httpx)
import openai
import pytest

from app.errors import ConfigurationError
from app.vendors import openai_api
from app.vendors.azure_speech import credentials
from app.vendors.limits import CallLimits, Expired


async def test_the_deadline_counts_the_wait_for_a_slot() -> None:
    # One slot, held 0.7 s; the next call's own work takes 0.5 s: within its 1 s
    # only if the wait for the slot were not counted. It must expire.
    limits = CallLimits(1.0, max_concurrency=1)

    async def holder() -> None:
        with contextlib.suppress(Expired):  # a machine too busy to wake it within 1 s
            async with limits.call():
                await asyncio.sleep(0.7)

    task = asyncio.create_task(holder())
    await asyncio.sleep(0)  # the holder takes the only slot
    t0 = time.monotonic()
    with pytest.raises(Expired) as info:
        async with limits.call() as admission:
            await asyncio.sleep(0.5)
    # Lower bound only: the deadline cannot fire early, load can only make it late.
    assert time.monotonic() - t0 >= 1.0
    assert info.value.timeout_s == 1.0
    await task
    assert admission.admitted is not None and admission.queued_s >= 0.6


async def test_a_timeout_error_of_the_body_is_not_the_deadline() -> None:
    with pytest.raises(TimeoutError, match="socket read") as info:
        async with CallLimits(5).call():
            raise TimeoutError("socket read")
    assert not isinstance(info.value, Expired)


def test_impossible_limits_raise_the_callers_error() -> None:
    class Bad(ConfigurationError):
        pass

    with pytest.raises(Bad, match="timeout_s"):
        CallLimits(0, error=Bad)
    with pytest.raises(Bad, match="max_concurrency"):
        CallLimits(1, 0, error=Bad)


def _status_error(
    cls: type[openai.APIStatusError], status: int, message: str
) -> openai.APIStatusError:
    request = httpx2.Request("POST", "https://api.example/v1/chat/completions")
    body = {"error": {"message": message, "type": "invalid_request_error"}}
    return cls(message, response=httpx2.Response(status, request=request), body=body)


def test_sdk_errors_read_as_kind_and_short_text() -> None:
    auth = openai_api.failure(
        _status_error(
            openai.AuthenticationError, 401, "Incorrect API key provided: sk-proj-abc123XYZ."
        )
    )
    assert auth is not None and auth.kind == "auth"
    assert auth.text == "HTTP 401: Incorrect API key provided: sk-***."
    limited = openai_api.failure(_status_error(openai.RateLimitError, 429, "slow down"))
    assert limited == openai_api.Failure("rate_limit", "HTTP 429: slow down")
    request = httpx2.Request("POST", "https://api.example/v1")
    timed_out = openai_api.failure(openai.APITimeoutError(request))
    assert timed_out == openai_api.Failure("timeout", "request timed out")
    assert openai_api.failure(TimeoutError()) == openai_api.Failure("timeout", "TimeoutError")
    # Not the SDK's: a bug of ours, which must propagate rather than read as an outage.
    assert openai_api.failure(KeyError("x")) is None


def test_key_check_names_the_variable_and_allows_keyless_servers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MY_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="nlu backend 'llm'.*MY_KEY"):
        openai_api.api_key("nlu", "llm", "https://x/v1", None, "MY_KEY", True, ConfigurationError)
    assert (
        openai_api.api_key(
            "stt", "local", "http://127.0.0.1:8000/v1", None, "MY_KEY", False, ConfigurationError
        )
        == "unused"
    )
    monkeypatch.setenv("MY_KEY", "k")
    assert (
        openai_api.api_key(
            "tts", "openai", "https://x/v1", None, "MY_KEY", True, ConfigurationError
        )
        == "k"
    )


def test_azure_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_SPEECH_KEY", raising=False)
    monkeypatch.setenv("AZURE_SPEECH_REGION", "brazilsouth")
    with pytest.raises(
        ConfigurationError, match="text-to-speech needs a key: set AZURE_SPEECH_KEY"
    ):
        credentials(
            "text-to-speech", "tts", key=None, region=None, host=None, error=ConfigurationError
        )
    monkeypatch.delenv("AZURE_SPEECH_REGION")
    with pytest.raises(ConfigurationError, match="AZURE_SPEECH_REGION or stt.azure_region"):
        credentials(
            "speech-to-text", "stt", key="k", region=None, host=None, error=ConfigurationError
        )
    # A self-hosted container needs neither region nor key; the key never shows in a repr.
    creds = credentials(
        "speech-to-text",
        "stt",
        key=None,
        region=None,
        host="ws://127.0.0.1:5000",
        error=ConfigurationError,
    )
    assert creds.host == "ws://127.0.0.1:5000"
    assert "secret" not in repr(
        credentials(
            "speech-to-text",
            "stt",
            key="secret",
            region="eastus2",
            host=None,
            error=ConfigurationError,
        )
    )
