"""The record store on PostgreSQL: several Portaria instances (one per Asterisk) writing
one place that a remote-concierge operator reads. Same schema and migrations as SQLite.

The password never sits in the config file: `audit.url` names user, host and
database; PORTARIA_AUDIT_PASSWORD (or libpq's own PGPASSWORD/.pgpass) supplies it.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from app.errors import ConfigurationError, MissingDependencyError
from app.records.sql import SqlStore

PASSWORD_ENV = "PORTARIA_AUDIT_PASSWORD"


class RecordStoreError(ConfigurationError):
    """The record store cannot be opened (bad URL, server unreachable, authentication)."""


def redact(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = (
        (f"{parts.username}@" if parts.username else "")
        + host
        + (f":{parts.port}" if parts.port else "")
    )
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class PostgresStore(SqlStore):
    placeholder = "%s"
    id_type = "BIGSERIAL PRIMARY KEY"

    def __init__(self, url: str, connect_timeout_s: float = 5.0) -> None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - psycopg is a dependency
            raise MissingDependencyError(
                "audit.url is PostgreSQL but psycopg is not installed"
            ) from exc
        if urlsplit(url).password:
            raise RecordStoreError(f"audit.url must not contain a password; set {PASSWORD_ENV}")
        kwargs: dict[str, Any] = {
            "connect_timeout": max(1, int(connect_timeout_s)),
            "autocommit": False,
        }
        if os.environ.get(PASSWORD_ENV):
            kwargs["password"] = os.environ[PASSWORD_ENV]
        try:
            conn = psycopg.connect(url, **kwargs)
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise RecordStoreError(f"audit.url {redact(url)}: cannot connect: {first}") from None
        super().__init__(conn, redact(url))

    def _migrate(self) -> None:
        # Two instances starting at once must not both migrate. A session lock: each
        # migration commits on its own, which would release a transaction-scoped one.
        self._exec("SELECT pg_advisory_lock(7261001)")
        try:
            super()._migrate()
            self._commit()
        finally:
            self._exec("SELECT pg_advisory_unlock(7261001)")
            self._commit()

    def _columns(self, table: str) -> set[str]:
        rows = self._exec(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", (table,)
        ).fetchall()
        return {str(r[0]) for r in rows}
