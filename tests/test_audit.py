"""The decision record: written by the flow, listed and exported by `portaria audit`."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
from pathlib import Path

from app.records import Decision
from app.records.sqlite import SqliteStore as AuditStore
from tests.harness.asterisk import REPO


def _config(tmp_path: Path) -> Path:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        f"audit:\n  path: {tmp_path / 'audit.sqlite3'}\n"
        f"condominiums:\n  apoena:\n    directory: {REPO / 'data/apartamentos.json'}\n"
        f"  jardins:\n    directory: {REPO / 'data/jardins.json'}\n"
    )
    return cfg


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


def test_audit_lists_and_exports_decisions_filtered(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    store = AuditStore(tmp_path / "audit.sqlite3")
    day = 86400.0
    now = time.time()
    store.record(
        Decision(
            "apoena",
            "authorized",
            "resident",
            "c1",
            visitor_name="Pedro da Silva",
            apartment="501",
            resident="Rafaela Silva",
            gate_opened=True,
            ts=now,
        )
    )
    store.record(
        Decision("apoena", "denied", "resident_dtmf", "c2", apartment="404", ts=now - 2 * day)
    )
    store.record(Decision("jardins", "no_answer", "system", "c3", apartment="11", ts=now))
    store.close()

    out = _run("-c", str(cfg), "audit", "--csv", "--condominium", "apoena")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["call_id"] for r in rows] == ["c1", "c2"]
    assert rows[0]["outcome"] == "authorized" and rows[0]["gate_opened"] == "True"

    only_501 = _run("-c", str(cfg), "audit", "--apartment", "501")
    assert "Pedro da Silva" in only_501.stdout and "404" not in only_501.stdout

    today = time.strftime("%Y-%m-%d", time.gmtime(now))
    recent = _run("-c", str(cfg), "audit", "--csv", "--since", today)
    assert sorted(r["call_id"] for r in csv.DictReader(io.StringIO(recent.stdout))) == ["c1", "c3"]

    bad = _run("-c", str(cfg), "audit", "--since", "yesterday")
    assert bad.returncode != 0 and "--since 'yesterday' is not a date" in bad.stderr


def test_an_audit_file_from_before_the_caller_column_gains_it_and_keeps_its_rows(
    tmp_path: Path,
) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript("""CREATE TABLE decisions (id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts REAL NOT NULL, condominium TEXT NOT NULL, visitor_name TEXT, intent TEXT,
        apartment TEXT, resident TEXT, outcome TEXT NOT NULL, decided_by TEXT NOT NULL,
        gate_opened INTEGER NOT NULL, call_id TEXT NOT NULL,
        visitor_channel TEXT, resident_channel TEXT, dialed TEXT);
        INSERT INTO decisions (ts, condominium, outcome, decided_by, gate_opened, call_id)
        VALUES (1.0, 'apoena', 'denied', 'resident', 0, 'old-call');""")
    old.commit()
    old.close()
    store = AuditStore(path)
    store.record(
        Decision(
            condominium="apoena",
            outcome="authorized",
            decided_by="resident",
            call_id="new",
            gate_opened=True,
            caller="7100",
        )
    )
    rows = store.query()
    store.close()
    assert [(r.call_id, r.caller) for r in rows] == [("new", "7100"), ("old-call", None)]
