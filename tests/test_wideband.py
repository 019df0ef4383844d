"""Wideband: `media.format: slin16` makes the legs 16 kHz end to end (kind 0x12,
640-byte frames) and the recognizer gets 16 kHz audio."""

from __future__ import annotations

from typing import Any

from app.ari import AriClient
from app.calls import Call
from app.config import Settings
from tests.harness.asterisk import AsteriskEnv
from tests.harness.audio import build_timeline
from tests.harness.live import live_service, make_settings, wait_clean
from tests.harness.phone import Phones, speech_onset


async def test_slin16_legs_carry_16_khz_both_ways_and_stt_gets_16_khz(
    aenv: AsteriskEnv, ari: AriClient, phones: Phones, clean_asterisk: None, stt_server: Any
) -> None:
    settings = make_settings(
        ari={"url": aenv.ari_url, "app": "portaria"},
        media={"visitor_port": 0, "resident_port": 0, "format": "slin16"},
        stt={"backend": "openai", "base_url": stt_server.base_url, "require_api_key": False},
    )
    seen: dict[str, Any] = {}

    async def flow(call: Call, s: Settings) -> None:
        leg = call.legs["visitor"]
        seen["rate"], seen["frame_bytes"] = leg.sample_rate, leg.frame_bytes
        await call.say("visitor", s.condominiums[call.session.condominium].phrases.greeting)
        heard = await call.listen("visitor", 12.0)
        seen["heard"] = heard
        await call.end("test over")

    async with live_service(aenv, settings) as svc:
        svc.app.flow = flow
        stt_server.push("Entrega para o quinhentos e um.")
        pcm, truth = build_timeline([3.5, "Entrega para o quinhentos e um.", 1.0], 16000)
        sound = phones.sound("wideband", pcm, 16000)
        phone = await phones.dial("100", play=sound, wait=20)
        await phone.wait_hung_up(timeout=30)
        assert seen["rate"] == 16000 and seen["frame_bytes"] == 640
        assert seen["heard"].kind == "speech" and seen["heard"].sample_rate == 16000
        assert seen["heard"].text == "Entrega para o quinhentos e um."
        up = stt_server.uploads[0]
        assert up.sample_rate == 16000
        speech_s = truth[0][1] - truth[0][0]
        print(f"upload {up.duration_s:.3f} s for {speech_s + 0.45:.3f} s played (+pre-roll, tail)")
        # Margin: see the twin check in test_scenarios.py.
        assert abs(up.duration_s - (speech_s + 0.45)) < 0.25
        x, rate = await phone.heard()
        assert speech_onset(x, rate) is not None, "the 16 kHz greeting was not heard"
        assert (await wait_clean(ari, svc)) == ([], [], 0)
