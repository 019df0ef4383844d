"""A throw-away PostgreSQL for the tests: Debian's server binaries, a cluster in a temp
folder owned by the `postgres` user (the server refuses to run as root), password
authentication (the app takes the password from PORTARIA_AUDIT_PASSWORD), a free port."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "portaria-test-pw"


@dataclass
class PgServer:
    dir: Path
    port: int
    bindir: Path

    @property
    def url(self) -> str:
        return f"postgresql://portaria@127.0.0.1:{self.port}/records"

    def stop(self) -> None:
        _as_postgres(
            [str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop"]
        )
        shutil.rmtree(self.dir, ignore_errors=True)


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError(
            "PostgreSQL server binaries not found (make test installs Debian's postgresql)"
        )
    return Path(found[-1]).parent


def _as_postgres(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=60, **kw)  # type: ignore[call-overload,no-any-return]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_postgres() -> PgServer:
    bindir = _bindir()
    root = Path(tempfile.mkdtemp(prefix="portaria-pg-"))
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
    pwfile = root / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if os.geteuid() == 0:
        os.chown(pwfile, pwd.getpwnam("postgres").pw_uid, -1)
    _as_postgres(
        [
            str(bindir / "initdb"),
            "-D",
            str(root / "data"),
            "-U",
            "portaria",
            "--pwfile",
            str(pwfile),
            "--auth=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ]
    )
    port = _free_port()
    _as_postgres(
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(root / "data"),
            "-w",
            "-l",
            str(root / "log"),
            "-o",
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        ]
    )
    server = PgServer(root, port, bindir)
    env = {**os.environ, "PGPASSWORD": PASSWORD}
    subprocess.run(
        [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "portaria", "records"],
        check=True,
        capture_output=True,
        env=env,
        timeout=30,
    )
    return server
