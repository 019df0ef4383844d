"""Base URL and API key of an OpenAI-compatible speech endpoint (STT or TTS).

Both backends check them the same way, so a misconfiguration reads the same:
the URL must be http(s); the key comes from the argument or the environment,
and a self-hosted server may go without one.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit


def resolve_endpoint(
    kind: str, name: str, base_url: str, api_key: str | None, api_key_env: str, require_api_key: bool,
    error: type[Exception],
) -> str:
    """The key to give the SDK; raises `error` naming the field or the variable."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise error(f"{kind} base_url {base_url!r} is not an http(s) URL")
    key = api_key if api_key is not None else os.environ.get(api_key_env, "")
    if key:
        return key
    if require_api_key:
        raise error(f"{kind} backend {name!r} ({base_url}) needs an API key: "
                    f"set the {api_key_env} environment variable")
    return "unused"  # the SDK insists on a key; self-hosted servers ignore the header
