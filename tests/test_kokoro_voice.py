"""Kokoro, the embedded natural voice, for real: a few phrases through the model.

Each phrase costs ~1 s of CPU, so only a few are synthesized (the disk cache
makes reruns instant; CI starts clean). The Asterisk side is in
tests/test_kokoro_greeting.py.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from app.config import Phrases
from app.media.audiosocket import Decoder, Kind, encode_uuid
from app.media.leg import MediaLeg
from app.media.models import ModelError
from app.media.pacer import Pacer
from app.media.server import AudioSocketServer, LegRegistry
from app.media.tts import (
    CachedTts,
    CondominiumSpeech,
    TtsSettings,
    Voice,
    build_backend,
    build_voice,
)
from app.media.tts.espeak import EspeakTts
from app.media.tts.kokoro import KokoroTts
from app.media.tts.phrasebook import Phrasebook
from app.media.tts.settings import CondominiumVoice
from tests.harness.speech_audio import Whisper, natural_clip, telephone


@pytest.fixture(scope="module")
def whisper() -> Whisper:
    return Whisper()


@pytest.fixture(scope="module")
def kokoro() -> KokoroTts:
    return KokoroTts("pm_alex")


_LONG_REPLY = (
    "O morador do apartamento quinhentos e um pediu para avisar que a encomenda deve ficar "
    "na portaria até amanhã de manhã, porque ele só volta depois das dez da noite, e que "
    "qualquer outra entrega de hoje também pode ser deixada com o porteiro do turno da noite, "
    "que vai guardar tudo na sala de encomendas ao lado da garagem."
)


def words(text: str) -> set[str]:
    return {w.strip(".,!?").lower() for w in text.split()}


async def test_the_greeting_in_kokoro_is_understood_at_telephone_quality(
    kokoro: KokoroTts, whisper: Whisper, tmp_path: Path
) -> None:
    tts = CachedTts(kokoro, tmp_path)
    pcm = await tts.synthesize(Phrases().greeting, 8000)
    seconds = len(pcm) / 16000
    assert 1.5 < seconds < 4.0, f"a 6-word greeting lasted {seconds:.1f} s"
    heard = whisper.text(telephone(pcm, 8000, seed=1), 8000)
    assert {"condomínio", "ajudar"} <= words(heard), heard


async def test_a_name_the_directory_cannot_predict_is_stitched_between_cached_pieces(
    kokoro: KokoroTts, tmp_path: Path
) -> None:
    # "Não encontrei" is prewarmed; the name is synthesized while it plays.
    book = Phrasebook({"resident_not_found": "Não encontrei {name} aqui."})
    voice = Voice(
        CachedTts(kokoro, tmp_path / "k"),
        CachedTts(EspeakTts(), tmp_path / "e"),
        deadline_s=10.0,
        phrasebook=book,
    )
    await voice.synthesize("Não encontrei", 8000)
    await voice.synthesize("aqui.", 8000)
    async with leg_and_ear() as (leg, heard):
        t0 = time.monotonic()
        name_ready: list[float] = []
        job = asyncio.ensure_future(voice.primary.synthesize("Joana Prado", 8000))
        job.add_done_callback(lambda _: name_ready.append(time.monotonic()))
        done, first_frame = await voice.speak(leg, "Não encontrei Joana Prado aqui.")
        await job
    assert done and first_frame is not None
    assert first_frame - t0 < 0.2, "the cached first piece waited for the name"
    assert first_frame < name_ready[0], "nothing played while the name was being made"
    assert voice.deadline_misses == 0
    pieces = [await voice.synthesize(t, 8000) for t in ("Não encontrei", "Joana Prado", "aqui.")]
    assert len(heard()) >= sum(len(p) for p in pieces), "a piece of the reply was not played"


async def test_a_segment_past_the_deadline_is_said_by_espeak_and_the_reply_goes_on(
    kokoro: KokoroTts, tmp_path: Path
) -> None:
    book = Phrasebook({"resident_not_found": "Não encontrei {name}."})
    espeak = CachedTts(EspeakTts(), tmp_path / "e")
    voice = Voice(CachedTts(kokoro, tmp_path / "k"), espeak, deadline_s=0.05, phrasebook=book)
    # Another call's long reply holds Kokoro's one inference thread, so neither piece can
    # be ready in time whatever this machine's speed (alone, a fast one makes the name
    # while espeak-ng says "Não encontrei").
    busy = asyncio.ensure_future(kokoro.synthesize(_LONG_REPLY, 8000))
    await asyncio.sleep(0)  # its inference is queued first
    async with leg_and_ear() as (leg, heard):
        done, _ = await voice.speak(leg, "Não encontrei Rosângela Vieira.")
    assert not busy.done(), "the long reply ended before both deadlines: make it longer"
    await busy
    assert done
    assert voice.deadline_misses == 2  # both pieces were late
    assert espeak.cached("Rosângela Vieira.", 8000) is not None, (
        "espeak-ng did not say the late piece"
    )
    assert len(heard()) > 0


def test_a_missing_voice_package_refuses_kokoro_in_one_line_and_espeak_speaks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTARIA_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("PORTARIA_NPM_DIR", str(tmp_path / "npm-empty"))
    backend = build_backend(TtsSettings(backend="kokoro"))
    assert isinstance(backend, EspeakTts)
    with pytest.raises(ModelError) as err:
        KokoroTts("pm_alex")
    assert "kokoro-js@1.2.1" in str(err.value) and "\n" not in str(err.value)


def test_natural_clip_sounds_like_a_phone_line_and_is_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTARIA_TEST_CLIPS", str(tmp_path))
    pcm = natural_clip("Sim, pode subir.")
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(x.size, 1 / 8000)
    # 300–3400 Hz pass band, 100 Hz skirts: beyond them only the faint noise is left.
    outside = spectrum[(f < 200) | (f > 3500)].sum() / spectrum.sum()
    assert outside < 0.01, f"{outside:.1%} of the energy is outside the telephone band"
    assert 0.5 < x.size / 8000 < 3.0
    assert natural_clip("Sim, pode subir.") == pcm and len(list(tmp_path.iterdir())) == 1


# -- a real media leg, and the far end that hears it ------------------------------


class _Ear:
    def __init__(self, reader: asyncio.StreamReader) -> None:
        self.pcm = bytearray()
        self._decoder = Decoder()
        self._task = asyncio.ensure_future(self._run(reader))

    async def _run(self, reader: asyncio.StreamReader) -> None:
        while data := await reader.read(65536):
            for m in self._decoder.feed(data):
                if m.kind is Kind.SLIN and any(m.payload):
                    self.pcm += m.payload


class leg_and_ear:
    """A MediaLeg on the app's AudioSocket server, paced by the real pacer, and the
    bytes its far end received (non-silent frames only)."""

    async def __aenter__(self) -> tuple[MediaLeg, Callable[[], bytes]]:
        self.reg = LegRegistry()
        self.srv = AudioSocketServer("visitor", "127.0.0.1", 0, self.reg, Pacer())
        await self.srv.start()
        leg_id = uuid.uuid4()
        waiter = self.reg.expect(leg_id, "visitor", 8000)
        reader, self.writer = await asyncio.open_connection("127.0.0.1", self.srv.port)
        self.writer.write(encode_uuid(leg_id))
        self.leg = await asyncio.wait_for(waiter, 2)
        self.ear = _Ear(reader)
        return self.leg, lambda: bytes(self.ear.pcm)

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.sleep(0.1)  # the last frames reach the ear
        self.leg.close("test over")
        self.writer.close()
        await self.srv.stop()


def test_each_condominium_speaks_with_its_own_voice_on_one_engine_and_a_reload_keeps_the_caches(
    kokoro: KokoroTts, tmp_path: Path
) -> None:
    cfg = TtsSettings(cache_dir=str(tmp_path))
    speech = {
        "apoena": CondominiumSpeech(CondominiumVoice(), {}),
        "jardins": CondominiumSpeech(CondominiumVoice(name="pf_dora", numbers="digits"), {}),
    }
    voice = build_voice(cfg, speech)
    apoena, jardins = voice.for_condominium("apoena"), voice.for_condominium("jardins")
    assert apoena.primary is voice.primary and apoena.primary.voice_key.endswith(":pm_alex:x1")
    assert jardins.primary.voice_key.endswith(":pf_dora:x1")
    assert (
        isinstance(jardins.primary.backend, KokoroTts)
        and jardins.primary.backend.engine is kokoro.engine
    )
    assert jardins.spoken("apto 501") == "apartamento cinco zero um"
    assert voice.for_condominium("unknown") is voice
    # A reload: new phrases and voices, the same backends and memory caches.
    speech["jardins"] = CondominiumSpeech(
        CondominiumVoice(name="pf_dora"), {"greeting": "Bom dia."}
    )
    build_voice(cfg, speech, base=voice)
    assert voice.for_condominium("jardins").primary is jardins.primary
    assert voice.for_condominium("jardins").phrasebook.fixed == {"Bom dia."}
