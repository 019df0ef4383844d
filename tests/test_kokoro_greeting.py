"""The greeting in Kokoro's voice, heard by a phone on the real Asterisk."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz import fuzz

from app.ari import AriClient
from app.service import Service
from tests.harness.asterisk import AsteriskEnv
from tests.harness.live import TEST_APP, live_service, make_settings, wait_clean
from tests.harness.phone import Phones, speech_onset
from tests.harness.speech_audio import Whisper


def _letters(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalpha())


@pytest.fixture
async def kokoro_app(
    aenv: AsteriskEnv, clean_asterisk: None, tmp_path: Path
) -> AsyncIterator[Service]:
    # A cache of its own: the greeting must be made at start, before the first call.
    settings = make_settings(
        ari={"url": aenv.ari_url, "app": TEST_APP},
        tts={"backend": "kokoro", "cache_dir": str(tmp_path / "tts")},
    )
    async with live_service(aenv, settings) as svc:
        yield svc


async def test_the_first_caller_hears_the_greeting_in_kokoros_voice(
    kokoro_app: Service, phones: Phones, ari: AriClient
) -> None:
    voice = kokoro_app.voice.for_condominium("apoena")
    greeting = kokoro_app.settings.condominiums["apoena"].phrases.greeting
    assert voice.primary.name == "kokoro"
    assert voice.cached(greeting, 8000) is not None, (
        "the greeting was not ready when calls were let in"
    )
    phone = await phones.dial("100", wait=5)
    await phone.wait_hung_up(timeout=20)
    x, rate = await phone.heard()
    onset = speech_onset(x, rate)
    assert onset is not None and onset <= 1.5, f"greeting began {onset} s after answer"
    start = int(onset * rate)
    heard = Whisper().text(x[start : start + 4 * rate].astype("<i2").tobytes(), rate)
    # Whisper may split a word it heard right ("com domínio" for "condomínio"): compare the
    # letters, not the word boundaries. 90 % fails a greeting one word short (no "ajudar": 86 %).
    assert fuzz.ratio(_letters(heard), _letters(greeting)) >= 90, heard
    assert np.abs(x).max() > 1000
    assert (await wait_clean(ari, kokoro_app)) == ([], [], 0)
