"""Operators' logs: an error's traceback without the values of its frames' variables."""

from __future__ import annotations

import logging

import pytest
import structlog

from app.logging import configure


def test_a_failed_calls_traceback_names_the_error_not_the_visitors_data(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    saved_structlog = structlog.get_config()
    try:
        configure("info")
        log = structlog.get_logger("app.calls.test")
        visitor = "Fulano de Tal, 11 99999-0000"  # what a frame of a real call holds
        try:
            raise RuntimeError(f"ARI timeout ({len(visitor)})")
        except RuntimeError:
            log.exception("call_failed")
        err = capsys.readouterr().err
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        structlog.configure(**saved_structlog)
    assert "call_failed" in err and "RuntimeError: ARI timeout" in err
    assert "99999-0000" not in err, err
