"""What is kept of each call, on both stores (SQLite file and a real PostgreSQL the test
starts): the turns in order, old stores migrated, purge and erasure (LGPD) deleting
exactly what they should, a crash losing no finished turn, two instances at once."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from app.records import Decision, RecordWriter, Turn
from app.records.postgres import PASSWORD_ENV, PostgresStore, RecordStoreError
from app.records.recordings import delete_files, write_flac
from app.records.sqlite import SqliteStore
from app.records.store import RecordStore
from tests.harness.asterisk import REPO
from tests.harness.postgres import PASSWORD, PgServer, start_postgres

DAY = 86400.0


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    server = start_postgres()
    os.environ[PASSWORD_ENV] = PASSWORD
    yield server
    os.environ.pop(PASSWORD_ENV, None)
    server.stop()


def _reset_pg(server: PgServer) -> None:
    import psycopg

    with psycopg.connect(server.url, password=PASSWORD, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS decisions, turns, schema_version")


@pytest.fixture(params=["sqlite", "postgres"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], RecordStore]:
    if request.param == "sqlite":
        return lambda: SqliteStore(tmp_path / "records.sqlite3")
    server: PgServer = request.getfixturevalue("pg")
    _reset_pg(server)
    return lambda: PostgresStore(server.url)


def _turns(call_id: str, n: int, t0: float) -> list[Turn]:
    return [
        Turn(
            call_id,
            i + 1,
            t0 + i,
            "visitor" if i % 2 else "portaria",
            "heard" if i % 2 else "said",
            f"turn {i}",
            party=None if i % 2 else "visitor",
            confidence=0.9 if i % 2 else None,
            timings={"stt_s": 0.2} if i % 2 else {"tts_s": 0.01},
        )
        for i in range(n)
    ]


def test_a_call_is_kept_with_its_turns_in_order(make_store: Callable[[], RecordStore]) -> None:
    store = make_store()
    now = time.time()
    store.record(
        Decision(
            "apoena",
            "authorized",
            "resident",
            "c1",
            visitor_name="Pedro",
            caller="7100",
            gate_opened=True,
            ts=now,
        )
    )
    for t in reversed(_turns("c1", 4, now)):  # written out of order, read in order
        store.add_turn(t)
    store.close()
    again = make_store()
    assert [d.call_id for d in again.query(call_id="c1")] == ["c1"]
    turns = again.turns("c1")
    assert [t.seq for t in turns] == [1, 2, 3, 4]
    assert (
        turns[1].text == "turn 1"
        and turns[1].confidence == 0.9
        and turns[1].timings == {"stt_s": 0.2}
    )
    assert turns[0].party == "visitor" and again.query(caller="7100")[0].gate_opened
    again.close()


def _recorded_call(store: RecordStore, folder: Path, call_id: str, caller: str, ts: float) -> str:
    path = write_flac(folder, call_id, [np.full(800, 1000, dtype=np.int16)], 8000)
    store.record(
        Decision(
            "apoena",
            "denied",
            "resident",
            call_id,
            visitor_name="Ana",
            caller=caller,
            recording=str(path),
            ts=ts,
        )
    )
    for t in _turns(call_id, 3, ts):
        store.add_turn(t)
    return str(path)


def test_purge_deletes_old_transcripts_and_recordings_and_keeps_the_decisions(
    make_store: Callable[[], RecordStore], tmp_path: Path
) -> None:
    store = make_store()
    now = time.time()
    old = _recorded_call(store, tmp_path / "rec", "old", "7100", now - 40 * DAY)
    new = _recorded_call(store, tmp_path / "rec", "new", "7100", now)
    calls, paths = store.purge(now - 30 * DAY)
    assert (calls, paths) == (1, [old]) and delete_files(paths) == 1
    assert not Path(old).exists() and Path(new).exists()
    assert store.turns("old") == [] and len(store.turns("new")) == 3
    kept = {d.call_id: d for d in store.query()}
    assert (
        set(kept) == {"old", "new"}
        and kept["old"].recording is None
        and kept["new"].recording == new
    )
    store.close()


def test_erase_removes_one_persons_data_and_nothing_else(
    make_store: Callable[[], RecordStore], tmp_path: Path
) -> None:
    store = make_store()
    now = time.time()
    mine = [_recorded_call(store, tmp_path / "rec", f"mine{i}", "7100", now - i) for i in range(2)]
    other = _recorded_call(store, tmp_path / "rec", "other", "7200", now)
    calls, paths = store.erase(caller="7100")
    assert calls == 2 and sorted(paths) == sorted(mine) and delete_files(paths) == 2
    rows = {d.call_id: d for d in store.query()}
    for cid in ("mine0", "mine1"):
        d = rows[cid]
        assert (d.visitor_name, d.caller, d.recording, d.visitor_channel) == (
            None,
            None,
            None,
            None,
        )
        assert d.outcome == "denied" and store.turns(cid) == []  # the decision stays, anonymized
    assert rows["other"].caller == "7200" and rows["other"].visitor_name == "Ana"
    assert len(store.turns("other")) == 3 and Path(other).exists()
    assert store.erase(call_id="other")[0] == 1 and store.turns("other") == []
    store.close()


def test_retention_forgets_only_that_condominiums_old_recordings(
    make_store: Callable[[], RecordStore], tmp_path: Path
) -> None:
    store = make_store()
    now = time.time()
    old = _recorded_call(store, tmp_path / "rec", "old", "1", now - 10 * DAY)
    _recorded_call(store, tmp_path / "rec", "recent", "2", now - 1 * DAY)
    store.record(
        Decision("jardins", "denied", "resident", "j", recording="/x.flac", ts=now - 10 * DAY)
    )
    assert store.expire_recordings(now - 7 * DAY, "apoena") == [old]
    assert store.expire_recordings(now - 7 * DAY, "apoena") == []
    assert {d.call_id: d.recording for d in store.query()}["j"] == "/x.flac"
    store.close()


def test_recordings_are_flac_readable_by_the_service_user_only(tmp_path: Path) -> None:
    tone = (np.sin(np.arange(8000) * 2 * np.pi * 440 / 8000) * 8000).astype(np.int16)
    path = write_flac(tmp_path / "rec", "call", [tone, np.zeros(4000, dtype=np.int16)], 8000)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data, rate = soundfile.read(path, dtype="int16")
    assert rate == 8000 and data.shape == (8000, 2)
    assert np.array_equal(data[:, 0], tone) and not data[:, 1].any()
    assert path.stat().st_size < tone.nbytes * 2  # compressed


def test_an_old_sqlite_file_is_migrated_with_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    db = sqlite3.connect(path)
    db.executescript("""CREATE TABLE decisions (id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts REAL NOT NULL, condominium TEXT NOT NULL, visitor_name TEXT, intent TEXT,
        apartment TEXT, resident TEXT, outcome TEXT NOT NULL, decided_by TEXT NOT NULL,
        gate_opened INTEGER NOT NULL, call_id TEXT NOT NULL,
        visitor_channel TEXT, resident_channel TEXT, dialed TEXT);
        INSERT INTO decisions (ts, condominium, outcome, decided_by, gate_opened, call_id)
        VALUES (1.0, 'apoena', 'authorized', 'resident', 1, 'legacy');""")
    db.commit()
    db.close()
    store = SqliteStore(path)
    store.add_turn(_turns("legacy", 1, 2.0)[0])
    store.set_recording("legacy", "/r.flac")
    d = store.query()[0]
    assert (d.call_id, d.caller, d.recording, d.gate_opened) == ("legacy", None, "/r.flac", True)
    store.close()
    assert SqliteStore(path).turns("legacy")[0].text == "turn 0"  # reopening migrates nothing twice


def test_a_crash_right_after_a_turn_loses_no_finished_turn(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite3"
    script = (
        "import os, sys, time\n"
        "from app.records import RecordWriter, Turn\n"
        "from app.records.sqlite import SqliteStore\n"
        f"w = RecordWriter(SqliteStore({str(path)!r}))\n"
        "for i in range(50):\n"
        "    w.add_turn(Turn('c', i + 1, time.time(), 'visitor', 'heard', f't{i}'))\n"
        "w.flush()\n"
        "os._exit(9)  # no close, no atexit: as if killed\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert res.returncode == 9, res.stderr
    assert [t.seq for t in SqliteStore(path).turns("c")] == list(range(1, 51))


def test_two_instances_write_one_postgresql_at_once(pg: PgServer) -> None:
    _reset_pg(pg)
    script = (
        "import sys, time\n"
        "from app.records import Decision, RecordWriter, Turn\n"
        "from app.records.postgres import PostgresStore\n"
        "name = sys.argv[1]\n"
        f"w = RecordWriter(PostgresStore({pg.url!r}))\n"
        "for i in range(100):\n"
        "    w.add_turn(Turn(f'{name}-{i}', 1, time.time(), 'visitor', 'heard', 'oi'))\n"
        "    w.record(Decision('apoena', 'authorized', 'resident', f'{name}-{i}'))\n"
        "w.close()\n"
    )
    env = {**os.environ, PASSWORD_ENV: PASSWORD}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, name],
            cwd=REPO,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    store = PostgresStore(pg.url)
    rows = store.query(limit=1000)
    assert len(rows) == 200 and len({r.call_id for r in rows}) == 200
    assert all(len(store.turns(r.call_id)) == 1 for r in rows[:20])
    store.close()


def test_a_wrong_password_or_a_password_in_the_url_is_one_clear_line(pg: PgServer) -> None:
    os.environ[PASSWORD_ENV] = "wrong"
    try:
        with pytest.raises(RecordStoreError) as exc:
            PostgresStore(pg.url)
        assert "cannot connect" in str(exc.value) and "wrong" not in str(exc.value)
    finally:
        os.environ[PASSWORD_ENV] = PASSWORD
    with pytest.raises(RecordStoreError, match="must not contain a password"):
        PostgresStore(pg.url.replace("portaria@", "portaria:secret@"))


def test_the_writer_reads_what_it_was_given(tmp_path: Path) -> None:
    w = RecordWriter(SqliteStore(tmp_path / "w.sqlite3"))
    w.set_recording("late", "/late.flac")  # a recording saved before its decision row
    w.record(Decision("apoena", "visitor_left", "system", "late"))
    w.add_turn(_turns("late", 1, time.time())[0])
    assert w.query(call_id="late")[0].recording == "/late.flac"
    assert len(w.turns("late")) == 1
    w.close()


def test_a_turns_stages_land_on_it_and_keys_pressed_in_a_row_are_one_turn() -> None:
    from app.metrics import observe_stage, stage_sink
    from app.records import CallLog

    written: list[Turn] = []
    log = CallLog("c", written.append)
    bound = log.bind()
    log.said("visitor", "Condomínio Apoena, em que posso ajudar?", tts_s=0.001)
    log.heard("visitor", "quinhentos e um", source="whisper", timings={"speech_end_s": 2.0})
    observe_stage("nlu", 0.0004)  # measured by the flow, which never sees the log
    observe_stage("first_reply_audio", 0.45)
    log.said("visitor", "Qual é o seu nome?")
    for key in "501#":
        log.dtmf("visitor", key)
    log.event("portão aberto")
    log.close()
    stage_sink.reset(bound)
    assert [(t.seq, t.kind, t.text) for t in written] == [
        (1, "said", "Condomínio Apoena, em que posso ajudar?"),
        (2, "heard", "quinhentos e um"),
        (3, "said", "Qual é o seu nome?"),
        (4, "dtmf", "keypad: 501#"),
        (5, "event", "portão aberto"),
    ]
    assert written[1].timings == {"speech_end_s": 2.0, "nlu_s": 0.0004, "first_reply_audio_s": 0.45}
