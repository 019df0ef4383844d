"""Token checks shared by the HTTP routes and the events WebSocket.

Every comparison is constant-time on bytes. The `?token=` query form exists only
for what a browser cannot send a header with (a page navigation, a WebSocket);
the JSON endpoints accept only the Authorization header, so a token never has
to sit in their URLs.
"""

from __future__ import annotations

import hmac

from starlette.requests import HTTPConnection

TOKEN_ENV = "PORTARIA_API_TOKEN"
WWW_AUTHENTICATE = 'Bearer realm="portaria"'


def bearer_ok(header: str, token: bytes) -> bool:
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    # Headers arrive latin-1 decoded; compare bytes so a non-ASCII header cannot raise.
    return hmac.compare_digest(credentials.strip().encode("latin-1"), token)


def authorized(conn: HTTPConnection, token: bytes, *, allow_query: bool = False) -> bool:
    """Bearer header, or (when `allow_query`) `?token=`. Works for Request and WebSocket."""
    if bearer_ok(conn.headers.get("authorization", ""), token):
        return True
    if not allow_query:
        return False
    value = conn.query_params.get("token")
    # Query values are already percent-decoded str; "replace" keeps odd bytes from raising.
    return value is not None and hmac.compare_digest(value.encode("utf-8", "replace"), token)
