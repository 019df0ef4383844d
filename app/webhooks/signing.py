"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<raw body>".

Standard library only, so a receiver can copy this file as it is. The
timestamp is signed with the body so a captured request cannot be replayed
later with a fresh X-Portaria-Timestamp; `tolerance_s` bounds how old a
request may be. The secret is shared out of band (PORTARIA_WEBHOOK_SECRET on
our side).

Verify against the body bytes exactly as received, before any JSON parsing:
re-serializing changes spacing and key order and breaks the signature.
"""

from __future__ import annotations

import hashlib
import hmac
import time

PREFIX = "sha256="


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Portaria-Signature value.

    "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body)."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return PREFIX + mac.hexdigest()


def verify_signature(
    secret: str,
    timestamp: str,
    body: bytes | str,
    signature: str,
    tolerance_s: float = 300,
    now: float | None = None,
) -> bool:
    """True when `signature` is ours for this timestamp and body, and the timestamp is recent.

    `timestamp` is the X-Portaria-Timestamp header (Unix seconds), `signature`
    the X-Portaria-Signature header, `body` the raw request body.
    """
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance_s:
        return False
    raw = body.encode("utf-8") if isinstance(body, str) else body
    expected = sign(secret, str(ts), raw)
    # Constant-time comparison: a plain == leaks how many leading characters matched.
    return hmac.compare_digest(
        expected.encode("ascii"), signature.strip().encode("ascii", "replace")
    )
