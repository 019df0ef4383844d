"""Where the test-suite's Asterisk is, and the folder both sides can see.

Default: the sandbox chroot (scripts/sandbox.sh). With PORTARIA_ARI_URL set
(e.g. the docker-compose Asterisk), tests run against that one instead; then
PORTARIA_ASTERISK_SHARED_DIR is a host folder mounted in that Asterisk at
PORTARIA_ASTERISK_SHARED_DIR_REMOTE (compose mounts ./.tmp/asterisk at /tmp/portaria-test).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class AsteriskEnv:
    ari_url: str
    username: str
    password: str
    local_dir: Path  # test files as the tests see them
    remote_dir: str  # the same folder as Asterisk sees it

    def remote(self, path: Path) -> str:
        return f"{self.remote_dir}/{path.relative_to(self.local_dir)}"


def asterisk_env() -> AsteriskEnv:
    user = os.environ.get("PORTARIA_ARI_USER", "portaria")
    password = os.environ.get("PORTARIA_ARI_PASSWORD", "portaria")
    url = os.environ.get("PORTARIA_ARI_URL")
    if url:
        local = Path(
            os.environ.get("PORTARIA_ASTERISK_SHARED_DIR", str(REPO / ".tmp" / "asterisk"))
        )
        remote = os.environ.get("PORTARIA_ASTERISK_SHARED_DIR_REMOTE", "/tmp/portaria-test")
        return AsteriskEnv(url, user, password, local, remote)
    root = subprocess.run(
        [str(REPO / "scripts" / "sandbox.sh"), "root"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return AsteriskEnv(
        "http://127.0.0.1:8088",
        user,
        password,
        Path(root) / "tmp" / "portaria-test",
        "/tmp/portaria-test",
    )
