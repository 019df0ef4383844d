"""Every error Portaria raises on purpose, in two families.

- `ConfigurationError`: the installation cannot work as configured (the config
  file, a directory file, a secret the chosen backend needs, a missing program
  or model). Found at start or by `portaria check-config`; the command line
  prints one line per problem and exits 2, never a traceback.
- `BackendError`: a part the app talks to failed for one call or one request
  (ARI, a recognizer, a voice, an LLM). The call that met it falls back; other
  calls never notice.

Module-specific classes subclass these, so callers catch the family they mean.
"""

from __future__ import annotations


class PortariaError(Exception):
    """Base of every error Portaria raises on purpose."""


class ConfigurationError(PortariaError):
    """The installation cannot work as configured; the message names what to fix."""

    @property
    def problems(self) -> list[str]:
        """One line per problem (most configuration errors have one)."""
        return [str(self)]


class MissingDependencyError(ConfigurationError):
    """A program or model the configuration needs is not installed here."""


class BackendError(PortariaError):
    """A backend failed for one request; the caller falls back."""
