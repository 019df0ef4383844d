"""Debian's Chromium, headless, driven over the DevTools protocol (a WebSocket we already
depend on): open a page, evaluate script in it (clicks included), read the live DOM."""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail(
            "headless Chromium is missing: apt-get install -y chromium (make test installs it)"
        )
    return path


class Page:
    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self._ids = itertools.count(1)

    async def evaluate(self, expression: str) -> Any:
        """The value of `expression` in the page (promises awaited)."""
        msg_id = next(self._ids)
        await self._ws.send(
            json.dumps(
                {
                    "id": msg_id,
                    "method": "Runtime.evaluate",
                    "params": {
                        "expression": expression,
                        "awaitPromise": True,
                        "returnByValue": True,
                    },
                }
            )
        )
        while True:
            reply = json.loads(await self._ws.recv())
            if reply.get("id") == msg_id:
                result = reply["result"]
                if "exceptionDetails" in result:
                    raise AssertionError(f"page script failed: {result['exceptionDetails']}")
                return result["result"].get("value")

    async def wait_for(self, expression: str, timeout: float = 10.0) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        # Until it holds; before the page has loaded, the elements it reads are not there yet.
        # An element found counts as true (a DOM node comes back as an empty object).
        guarded = (
            f"(() => {{ try {{ const v = ({expression}); return v instanceof Node ? true : v; }} "
            "catch (e) { return false; } })()"
        )
        while True:
            value = await self.evaluate(guarded)
            if value:
                return value
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting for {expression}")
            await asyncio.sleep(0.1)


@asynccontextmanager
async def open_page(url: str) -> AsyncIterator[Page]:
    with tempfile.TemporaryDirectory(prefix="portaria-chromium-") as profile:
        proc = await asyncio.create_subprocess_exec(
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            url,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            for _ in range(200):
                if port_file.exists() and port_file.read_text().strip():
                    break
                await asyncio.sleep(0.05)
            port = int(port_file.read_text().splitlines()[0])
            async with httpx.AsyncClient(trust_env=False) as http:
                targets = (await http.get(f"http://127.0.0.1:{port}/json/list")).json()
            target = next(t for t in targets if t.get("type") == "page")
            async with websockets.connect(target["webSocketDebuggerUrl"], max_size=2**24) as ws:
                yield Page(ws)
        finally:
            proc.kill()
            await proc.wait()
