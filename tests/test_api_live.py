"""The operator API against a real call on the real Asterisk."""

from __future__ import annotations

from pathlib import Path

import httpx
import yaml

from app.ari import AriClient
from tests.harness.asterisk import AsteriskEnv
from tests.harness.live import live_service, wait_clean, wait_new_session, write_config
from tests.harness.phone import Phones

TOKEN = "test-token-123"


async def test_operator_hangs_up_a_live_call_over_the_api(
    aenv: AsteriskEnv, ari: AriClient, phones: Phones, clean_asterisk: None, tmp_path: Path
) -> None:
    async with live_service(aenv, write_config(aenv, tmp_path), token=TOKEN) as svc:
        phone = await phones.dial("100", wait=30)
        call_id = await wait_new_session(svc, timeout=5)
        base = f"http://127.0.0.1:{svc.api.port}"
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx.AsyncClient(base_url=base, headers=headers) as http:
            status = (await http.get("/api/status")).json()
            assert [s["call_id"] for s in status["active_sessions"]] == [call_id]
            assert status["ari_connected"] is True
            assert (
                await http.post("/api/hangup", json={"call_id": call_id, "role": "resident"})
            ).status_code == 404
            r = await http.post("/api/hangup", json={"call_id": call_id, "role": "visitor"})
            assert r.status_code == 200, r.text
        took = await phone.wait_hung_up(timeout=10)
        # The app deletes the channel over ARI at once (~0.1 s, polled with back-off up
        # to 0.5 s); left alone the phone would stay up its own 30 s. 5 s keeps the two
        # apart with seconds to spare for a busy machine.
        assert took < 5
        assert (await wait_clean(ari, svc)) == ([], [], 0)


async def test_reload_applies_to_new_calls_and_keeps_the_live_one(
    aenv: AsteriskEnv, ari: AriClient, phones: Phones, clean_asterisk: None, tmp_path: Path
) -> None:
    async with live_service(aenv, write_config(aenv, tmp_path), token=TOKEN) as svc:
        phone = await phones.dial("100", wait=6)
        await wait_new_session(svc, timeout=5)
        cfg = yaml.safe_load((tmp_path / "config.yaml").read_text())
        cfg["condominiums"]["apoena"]["phrases"] = {"greeting": "Portaria nova, boa noite."}
        (tmp_path / "config.yaml").write_text(yaml.safe_dump(cfg))
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{svc.api.port}",
            headers={"Authorization": f"Bearer {TOKEN}"},
        ) as http:
            r = await http.post("/api/reload")
            assert r.status_code == 200, r.text
            # A broken file is refused and the running config kept.
            (tmp_path / "config.yaml").write_text("media:\n  format: slin8\n")
            bad = await http.post("/api/reload")
            assert bad.status_code == 409 and "media.format" in bad.json()["message"]
        assert len(svc.sessions) == 1, "the reload dropped the live call"
        assert svc.settings.condominiums["apoena"].phrases.greeting == "Portaria nova, boa noite."
        await phone.wait_hung_up(timeout=20)
        assert (await wait_clean(ari, svc)) == ([], [], 0)
