"""OpenAI-compatible HTTP APIs, as speech-to-text, text-to-speech and the NLU's LLM all use them.

One place for what the three share: the endpoint and key check (`api_key`), the
client (`client`: no SDK retries, one SSL context for the process) and the
reading of the SDK's errors (`failure`). The `openai` package is imported by
the functions that build or read a client, never when this module is imported:
`portaria check-config` checks keys with it and must not load the SDK (~0.9 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import re
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from openai import AsyncOpenAI

DEFAULT_BASE_URL = "https://api.openai.com/v1"
API_KEY_ENV = "AI_API_KEY"
# The key in error texts: OpenAI masks it ("sk-ab***yz"), a compatible server may not.
_KEY_IN_TEXT = re.compile(r"\b(sk|gsk|key)-[A-Za-z0-9_*-]+")

# Clients being closed after their owner was dropped (see _http_client_class).
_closing: set[asyncio.Task[None]] = set()

FailureKind = Literal["timeout", "connection", "http", "auth", "rate_limit"]


def api_key(
    kind: str,
    name: str,
    base_url: str,
    key: str | None,
    key_env: str,
    require_key: bool,
    error: type[Exception],
) -> str:
    """The key to give the SDK; raises `error` naming the field or the variable.

    `kind` ("stt", "tts", "nlu") and `name` (the backend's label) make the message
    say which setting is wrong. The URL must be http(s); the key comes from the
    argument or the environment, and a self-hosted server may go without one.
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise error(f"{kind} base_url {base_url!r} is not an http(s) URL")
    found = key if key is not None else os.environ.get(key_env, "")
    if found:
        return found
    if require_key:
        raise error(
            f"{kind} backend {name!r} ({base_url}) needs an API key: "
            f"set the {key_env} environment variable"
        )
    return "unused"  # the SDK insists on a key; self-hosted servers ignore the header


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """httpx's default context (certifi, or SSL_CERT_FILE), made once per process.

    Measured (2 shared cores): AsyncOpenAI() takes 40-115 ms, nearly all of it
    loading the CA bundle into a new context; with this one shared, under 1 ms.
    A reload builds an LLM client per condominium on the event loop, so that was
    dead air on every live call. An SSLContext is safe to share between clients.
    """
    import httpx

    return httpx.create_ssl_context()


@functools.cache
def _http_client_class() -> type[Any]:
    import openai

    class HttpClient(openai.DefaultAsyncHttpxClient):
        """The SDK's defaults (timeouts, pool limits, redirects); closed when dropped, as the
        SDK's own client is: an extractor replaced by a reload is never closed explicitly."""

        def __del__(self) -> None:
            if self.is_closed:
                return
            with contextlib.suppress(RuntimeError):  # no running loop: nothing to close on
                task = asyncio.get_running_loop().create_task(self.aclose())
                _closing.add(task)  # referenced until done, or the loop may drop it
                task.add_done_callback(_closing.discard)

    return HttpClient


def client(base_url: str, key: str, timeout_s: float) -> AsyncOpenAI:
    """An AsyncOpenAI for one backend.

    max_retries=0: a retry with back-off would outlast the caller's patience and
    hide 429s; what to do instead (ask again, another voice, the rules) is the
    caller's call. `timeout_s` is the SDK's per-phase timeout (connect, each read);
    the whole call is bounded by the caller's CallLimits.
    """
    from openai import AsyncOpenAI

    http = _http_client_class()(verify=_ssl_context())
    return AsyncOpenAI(
        base_url=base_url, api_key=key, timeout=timeout_s, max_retries=0, http_client=http
    )


@dataclass(frozen=True)
class Failure:
    """An SDK error read once: `kind` for metrics and fallbacks, `text` for the log line."""

    kind: FailureKind
    text: str


def failure(exc: BaseException) -> Failure | None:
    """What went wrong, for an error of the SDK or a TimeoutError of its transport;
    None for anything else (a bug of ours, which must not be reported as an outage)."""
    import openai

    if isinstance(exc, TimeoutError):
        return Failure("timeout", "TimeoutError")
    if isinstance(exc, openai.APIStatusError):
        kind: FailureKind = "http"
        if isinstance(exc, openai.AuthenticationError):
            kind = "auth"
        elif isinstance(exc, openai.RateLimitError):
            kind = "rate_limit"
        return Failure(kind, f"HTTP {exc.status_code}: {_error_text(exc)}")
    if isinstance(exc, openai.APITimeoutError):  # a subclass of APIConnectionError: first
        return Failure("timeout", "request timed out")
    if isinstance(exc, openai.APIConnectionError):
        return Failure("connection", f"cannot connect: {exc.__cause__ or exc}")
    if isinstance(exc, openai.OpenAIError):
        return Failure("http", f"{type(exc).__name__}: {exc}")
    return None


def _error_text(exc: Any) -> str:
    """The service's own message (OpenAI's {"error": {"message": ...}}), short and key-free."""
    body: Any = exc.body
    message = None
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            message = inner.get("message")
    text = str(message) if message else str(exc.message)
    return _KEY_IN_TEXT.sub(r"\1-***", text)[:300]
