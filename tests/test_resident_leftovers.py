"""A resident's leg that nobody is waiting for never rings on, stays up, or stays on the books.

Seen in the soak: under a burst, Asterisk answered `POST /channels` after the
client had given up, and one channel binding outlived its call. The rules:
an originate with no answer is followed by a hangup of the id we chose; a
resident leg that enters Stasis while its call is not ringing it is hung up;
a call that has ended creates nothing more.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.ari import AriClient
from app.calls.dialling import ResidentDialler
from app.calls.registry import SessionManager
from app.config import ResidentCallSettings
from app.records import CallLog
from tests.harness.asterisk import AsteriskEnv
from tests.harness.dropper import Dropper
from tests.harness.live import TEST_APP, live_service, wait_clean, wait_new_session, write_config
from tests.harness.phone import Phones


async def _never_connected(channel_id: str) -> object:
    raise AssertionError(f"nobody answered, nothing to connect ({channel_id})")


def _dialler(sessions: SessionManager, ari: AriClient) -> ResidentDialler:
    session = sessions.create_session("apoena", "visitor-channel")
    return ResidentDialler(
        session,
        ari,
        sessions,
        ResidentCallSettings(endpoint_template="Local/{number}@residents"),
        "portaria-tests",
        CallLog(session.id),
        lambda *a, **k: None,
        _never_connected,
    )


async def test_an_originate_that_gets_no_answer_is_followed_by_a_hangup_of_that_channel() -> None:
    asterisk = Dropper(drop=1)  # the POST goes unanswered; the DELETE is answered
    await asterisk.start()
    ari = AriClient(f"http://127.0.0.1:{asterisk.port}", "u", "p", "portaria-tests", timeout=2)
    dialler = _dialler(SessionManager(), ari)
    try:
        assert await dialler.ring("1001") == "failed"
    finally:
        await ari.aclose()
        await asterisk.stop()
    post, delete = asterisk.paths
    assert post == "POST /ari/channels", asterisk.paths
    channel_id = delete.rsplit("/", 1)[1]
    assert delete.startswith("DELETE ") and channel_id.startswith("portaria-res-"), delete


async def test_once_the_call_has_ended_no_resident_is_rung_and_nothing_stays_bound() -> None:
    asterisk = Dropper(drop=0)
    await asterisk.start()
    ari = AriClient(f"http://127.0.0.1:{asterisk.port}", "u", "p", "portaria-tests", timeout=2)
    sessions = SessionManager()
    dialler = _dialler(sessions, ari)
    (session,) = sessions.all()
    sessions.end_session(session.id, "visitor hung up")
    try:
        assert await dialler.ring("1001") == "visitor_gone"
    finally:
        await ari.aclose()
        await asterisk.stop()
    assert asterisk.paths == [] and sessions.channels == 0 and len(sessions) == 0


async def test_a_resident_leg_its_call_is_not_ringing_is_hung_up_and_the_call_goes_on(
    aenv: AsteriskEnv, ari: AriClient, phones: Phones, clean_asterisk: None, tmp_path: Path
) -> None:
    async with live_service(aenv, write_config(aenv, tmp_path)) as svc:
        phone = await phones.dial("100", wait=30)
        call_id = await wait_new_session(svc, timeout=5)
        # What a lost originate answer leaves behind: the resident's leg, answered, in
        # our app, for a live call that never rang it.
        stray = await ari.originate(
            "Local/1001101@resident-test", app=TEST_APP, app_args=f"resident,{call_id}"
        )
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        while any(c.id == stray.id for c in await ari.list_channels()):
            assert loop.time() - t0 < 10, "the stray resident leg is still up"
            await asyncio.sleep(0.1)
        assert call_id in [s.id for s in svc.sessions.all()], "the visitor's call ended with it"
        await phone.hang_up()
        assert (await wait_clean(ari, svc)) == ([], [], 0)
        assert set(svc.app.held().values()) == {0}, svc.app.held()
