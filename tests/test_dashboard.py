"""The operator dashboard (GET /dashboard) in a real headless Chromium, with a real call up.

Chromium is Debian's `chromium` package, run as root (hence --no-sandbox). The
page gets its token from its own URL and must, with no reload, show the live
call (from /api/status and the /api/events WebSocket) and the latest decisions
(/api/decisions). The screenshot is decoded with the stdlib + numpy to check it
is the expected size and not blank.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import struct
import tempfile
import zlib
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from app.ari import AriClient
from app.records import Decision
from tests.harness.asterisk import AsteriskEnv
from tests.harness.live import live_service, wait_clean, wait_new_session, write_config
from tests.harness.phone import Phones

TOKEN = "dashboard-test-token"
WIDTH, HEIGHT = 1280, 800
HEADER_RGB = (0x17, 0x21, 0x2B)  # --head in dashboard.html
GREEN_RGB = (0x1F, 0x8A, 0x4C)  # the "ao vivo" pill once the WebSocket is open


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail(
            "headless Chromium is missing: apt-get install -y chromium (make test installs it)"
        )
    return path


async def headless(url: str, *args: str, timeout: float = 30.0) -> bytes:
    """Run Chromium headless on `url` without blocking the loop (the API server lives in it)."""
    with tempfile.TemporaryDirectory(prefix="portaria-chromium-") as profile:
        proc = await asyncio.create_subprocess_exec(
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
            url,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(proc.communicate(), timeout)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    return out


def _unfilter_sequential(line: bytes, prev: list[int], bpp: int, paeth: bool) -> list[int]:
    cur = list(line)
    for i in range(len(cur)):
        a = cur[i - bpp] if i >= bpp else 0
        b = prev[i]
        if paeth:
            c = prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
        else:
            pred = (a + b) >> 1
        cur[i] = (cur[i] + pred) & 0xFF
    return cur


def decode_png(data: bytes) -> np.ndarray:
    """8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes) → H×W×C uint8 array."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, bytearray(), None
    while pos < len(data):
        (n,), kind = struct.unpack(">I", data[pos : pos + 4]), data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + n]
        assert (
            zlib.crc32(kind + body) == struct.unpack(">I", data[pos + 8 + n : pos + 12 + n])[0]
        ), kind
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert header is not None
    w, h, depth, color_type, _, _, interlace = header
    assert depth == 8 and color_type in (2, 6) and interlace == 0, header
    bpp = 3 if color_type == 2 else 4
    raw, stride = zlib.decompress(bytes(idat)), w * bpp
    assert len(raw) == h * (stride + 1)
    rows = np.zeros((h, stride), np.uint8)
    prev = np.zeros(stride, np.int64)
    for y in range(h):
        f, start = raw[y * (stride + 1)], y * (stride + 1) + 1
        line = np.frombuffer(raw, np.uint8, stride, start).astype(np.int64)
        if f == 0:
            cur = line
        elif f == 1:  # Sub: a running sum along each channel
            cur = (line.reshape(-1, bpp).cumsum(axis=0) % 256).reshape(-1)
        elif f == 2:  # Up
            cur = (line + prev) % 256
        else:  # Average, Paeth: each byte depends on the one just decoded
            cur = np.array(
                _unfilter_sequential(raw[start : start + stride], prev.tolist(), bpp, f == 4)
            )
        rows[y] = cur
        prev = cur
    return rows.reshape(h, w, bpp)


def _row(dom: str, call_id: str) -> str:
    m = re.search(rf'<tr data-call-id="{re.escape(call_id)}"[^>]*>(.*?)</tr>', dom, re.DOTALL)
    assert m, f"no row for {call_id} in the live DOM"
    return m.group(1)


async def test_dashboard_shows_the_live_call(
    aenv: AsteriskEnv, ari: AriClient, phones: Phones, clean_asterisk: None, tmp_path: Path
) -> None:
    async with live_service(aenv, write_config(aenv, tmp_path), token=TOKEN) as svc:
        base = f"http://127.0.0.1:{svc.api.port}"
        async with httpx.AsyncClient(base_url=base, trust_env=False) as http:
            for params in ({}, {"token": TOKEN + "x"}, {"token": ""}):
                assert (await http.get("/dashboard", params=params)).status_code == 401, params
            page = await http.get("/dashboard", params={"token": TOKEN})
            assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        svc.audit.record(
            Decision(
                condominium="apoena",
                outcome="authorized",
                decided_by="resident",
                call_id="earlier-call-0001",
                apartment="501",
                resident="Maria",
                visitor_name="Ana Souza",
                gate_opened=True,
            )
        )
        phone = await phones.dial("100", wait=15)
        call_id = await wait_new_session(svc)
        url = f"{base}/dashboard?token={TOKEN}"

        dom = (await headless(url, "--virtual-time-budget=3000", "--dump-dom")).decode()
        session = svc.sessions.get_session(call_id)
        assert session is not None, "the call ended before the page was read"
        row = _row(dom, call_id)
        assert (
            f'data-state="{session.state.value}"' in row and "apoena" in row and "visitante" in row
        )
        assert re.search(r"<td>\d\d:\d\d</td>", row), "no duration"
        assert 'id="live" class="pill ok"' in dom, "the events WebSocket did not connect"
        assert "ARI conectado" in dom
        # The events list got this call's start over the WebSocket (replayed from `recent`).
        assert re.search(rf'<li class="call-started">.*?{call_id[:8]}', dom)
        decision = _row(dom, "earlier-call-0001")
        assert "autorizado" in decision and "aberto" in decision and "Ana Souza" in decision

        shot = tmp_path / "dashboard.png"
        await headless(
            url,
            "--virtual-time-budget=3000",
            f"--window-size={WIDTH},{HEIGHT}",
            f"--screenshot={shot}",
        )
        px = decode_png(shot.read_bytes())[:, :, :3]
        assert px.shape == (HEIGHT, WIDTH, 3)
        colors = np.unique(px.reshape(-1, 3), axis=0)
        assert len(colors) > 50, f"only {len(colors)} colors: blank page?"
        assert tuple(px[10, 10]) == HEADER_RGB, "the header bar is not there"
        assert int(np.all(px == GREEN_RGB, axis=2).sum()) > 200, "no green 'ao vivo' pill"

        await phone.hang_up()
        assert (await wait_clean(ari, svc)) == ([], [], 0)


async def test_dashboard_page_is_self_contained() -> None:
    from app.api.serving import ApiServer
    from tests.harness.api_fake import FakeController

    srv = ApiServer(FakeController(), "127.0.0.1", 0, TOKEN)
    await srv.start()
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{srv.port}", trust_env=False
        ) as http:
            r = await http.get("/dashboard", headers={"Authorization": f"Bearer {TOKEN}"})
    finally:
        await srv.stop()
    assert r.status_code == 200
    html = r.text
    # No CDN, no external fonts or scripts: the machine running it may have no internet.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "external asset"
    assert "@import" not in html and "url(" not in html
    csp = r.headers["content-security-policy"]
    assert (
        "default-src 'none'" in csp and "connect-src 'self'" in csp and "'unsafe-inline'" not in csp
    )
    assert (
        r.headers["referrer-policy"] == "no-referrer" and r.headers["cache-control"] == "no-store"
    )


async def test_a_call_timeline_live_then_from_its_decision(
    aenv: AsteriskEnv,
    ari: AriClient,
    phones: Phones,
    clean_asterisk: None,
    stt_server: Any,
    tmp_path: Path,
) -> None:
    from tests.harness.browser import open_page
    from tests.harness.gate import running_gate

    opening = "Vim visitar o apartamento quinhentos e um, meu nome é Pedro."
    async with running_gate(aenv, ari, phones, stt_server, tmp_path, token=TOKEN) as g:
        stt_server.push(opening, "Sim.")
        await g.resident("1003021", says=["Sim."])
        url = f"http://127.0.0.1:{g.app.api.port}/dashboard?token={TOKEN}"
        async with open_page(url) as page:
            await page.wait_for("document.getElementById('live').className.includes('ok')")
            phone = await g.visitor([opening])
            call_id = await wait_new_session(g.app)
            row = f"document.querySelector('#calls tr[data-call-id=\"{call_id}\"]')"
            await page.wait_for(row)
            await page.evaluate(f"{row}.click()")
            # While the call is live, the visitor's words reach the timeline as they are heard.
            await page.wait_for(
                "[...document.querySelectorAll('#timeline li[data-kind=heard]')]"
                f".some(li => li.textContent.includes({opening!r}))",
                timeout=30,
            )
            await phone.wait_hung_up(timeout=90)
            assert (await wait_clean(ari, g.app)) == ([], [], 0)
            # Afterwards, clicking its decision shows the whole conversation with per-stage latency.
            decided = f"document.querySelector('#decisions tr[data-call-id=\"{call_id}\"]')"
            await page.wait_for(decided, timeout=15)
            await page.evaluate(
                "selected = null; document.getElementById('timeline').replaceChildren()"
            )
            await page.evaluate(f"{decided}.click()")
            await page.wait_for(
                "document.getElementById('call-summary').textContent.includes('autorizado')"
            )
            items = await page.evaluate(
                "[...document.querySelectorAll('#timeline li')]"
                ".map(li => [li.dataset.kind, li.textContent])"
            )
            kinds = [k for k, _ in items]
            assert kinds.count("heard") == 2 and "event" in kinds and kinds[0] == "said", items
            assert any("Morador" in text and "Sim." in text for _, text in items), items
            assert any("portão aberto" in text for _, text in items), items
            assert await page.evaluate("document.querySelectorAll('#timeline .s-stt').length") >= 2
            assert await page.evaluate("location.hash") == f"#call={call_id}"
