"""Time from asking a cloud client until its fallback takes over, against a stalled backend.

Shared by tests/test_cloud_stalls.py (which asserts bounds) and
bench/bench_stalls.py (which prints the distribution over many runs).

What "its fallback takes over" means per client, as the app wires them:
- voices (OpenAI, Azure): a Voice asks its espeak-ng fallback to speak;
- recognizers (OpenAI-compatible, Azure), built by build_stt: the SttError comes
  out, and the dialog re-asks or switches to the keypad;
- the LLM, built by build_extractor: the hybrid extractor returns the rules' reading.

OpenAI-compatible services run against the scripted fakes on a real local port
(official SDK, real HTTP). Azure's SDK connects for real to a local WebSocket
that stalls (tests/harness/fakes/ws_stall.py): what is measured is our deadline and stop
around the blocking SDK call, not anything Azure's service itself does.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial

import numpy as np
from structlog.testing import capture_logs

from app.config import NluSettings
from app.dialog.nlu import Extraction, Extractor, VisitState, build_extractor
from app.directory.directory import Directory
from app.media.stt import SttError, SttSettings, build_stt
from app.media.tts import CachedTts, TextToSpeech, Voice
from app.media.tts.azure import AzureTts
from app.media.tts.espeak import EspeakTts
from app.media.tts.openai_tts import OpenAITts
from tests.harness.asterisk import REPO
from tests.harness.fakes.openai_chat import ChatReply, ScriptedChatServer
from tests.harness.fakes.openai_server import Reply, ScriptedTranscriptionServer
from tests.harness.fakes.openai_speech import ScriptedSpeechServer, SpeechReply
from tests.harness.fakes.stall import Stall
from tests.harness.fakes.ws_stall import StallingWebSocket

BACKENDS = ("openai-voice", "openai-stt", "llm", "azure-voice", "azure-stt")
# The Azure recognizer's SDK takes 0.5-0.8 s here to open its connection (the
# voice: ~20 ms): a shorter timeout would fire before the stall is reached.
TIMEOUT_S = {
    "openai-voice": 0.5,
    "openai-stt": 0.5,
    "llm": 0.5,
    "azure-voice": 0.5,
    "azure-stt": 1.5,
}
# A client without a whole-call deadline waits for a trickle forever: fail, not hang.
GUARD_S = 5.0

DIRECTORY = REPO / "data" / "apartamentos.json"
UNSURE = "Oi, boa tarde, tudo bem?"  # the rules are unsure of it: the LLM is asked


class NoFallback(AssertionError):
    """The client did not hand over to its fallback, or not because of the stall."""


@contextlib.asynccontextmanager
async def guard() -> AsyncIterator[None]:
    try:
        async with asyncio.timeout(GUARD_S):
            yield
    except TimeoutError:
        raise NoFallback(
            f"nothing after {GUARD_S} s: the client's timeout does not bound the whole call"
        ) from None


def tone(seconds: float, rate: int) -> bytes:
    t = np.arange(round(seconds * rate)) / rate
    return (0.5 * 32767 * np.sin(2 * np.pi * 700 * t)).astype("<i2").tobytes()


class NotedEspeak(EspeakTts):
    """The real espeak-ng fallback, noting when it is first asked to speak."""

    def __init__(self) -> None:
        super().__init__()
        self.asked_at: float | None = None

    async def synthesize(self, text: str, sample_rate: int) -> bytes:
        if self.asked_at is None:
            self.asked_at = time.monotonic()
        return await super().synthesize(text, sample_rate)


async def voice_fallback_s(primary: TextToSpeech) -> float:
    espeak = NotedEspeak()
    voice = Voice(CachedTts(primary, None), CachedTts(espeak, None), cooldown_s=30)
    t0 = time.monotonic()
    async with guard():
        pcm = await voice.synthesize("Um momento, por favor.", 8000)
    if not (pcm and voice.primary_down and espeak.asked_at is not None):
        raise NoFallback("the voice did not fall back to espeak")
    return espeak.asked_at - t0


async def stt_error_s(transcribe: Callable[[], Awaitable[object]]) -> float:
    t0 = time.monotonic()
    try:
        async with guard():
            await transcribe()
    except SttError as exc:
        if "within" not in str(exc):
            raise NoFallback(f"failed, but not on the deadline: {exc}") from exc
        return time.monotonic() - t0
    raise NoFallback("the stalled recognizer returned a transcript")


# The OpenAI-compatible clients are used as the app uses them: one client for
# the process, warmed by one good answer (the app's start-up prewarm, or an
# earlier call). A cold client's first request also starts a worker thread and a
# connection, which on a starved machine can eat the whole 0.5 s before the
# request even reaches the server: the stall would then not be what was measured.


async def openai_voice(stall: Stall, runs: int) -> list[float]:
    audio = tone(2.0, 24000)
    async with ScriptedSpeechServer(
        [SpeechReply(audio)] + [SpeechReply(audio, stall=stall)] * runs
    ) as srv:
        tts = OpenAITts(base_url=srv.base_url, api_key="k", timeout_s=TIMEOUT_S["openai-voice"])
        await tts.synthesize("Bom dia.", 8000)
        times = [await voice_fallback_s(tts) for _ in range(runs)]
        await tts.aclose()
        assert len(srv.requests) == 1 + runs, "a request never reached the server"
    return times


async def openai_stt(stall: Stall, runs: int) -> list[float]:
    async with ScriptedTranscriptionServer(
        [Reply("oi")] + [Reply("bom dia", stall=stall)] * runs
    ) as srv:
        stt = build_stt(
            SttSettings(
                backend="openai",
                base_url=srv.base_url,
                require_api_key=False,
                timeout_s=TIMEOUT_S["openai-stt"],
            )
        )
        assert stt is not None
        pcm = tone(1.0, 8000)
        await stt.transcribe(pcm, 8000)
        times = [await stt_error_s(lambda: stt.transcribe(pcm, 8000)) for _ in range(runs)]
        await stt.aclose()
        assert srv.requests == 1 + runs, "a request never reached the server"
    return times


async def llm(stall: Stall, runs: int) -> list[float]:
    directory = Directory.load(DIRECTORY)
    rules = build_extractor(NluSettings(backend="rules"), directory)
    expected = await rules.extract(UNSURE, VisitState())
    async with ScriptedChatServer() as srv:
        saved = {k: os.environ.get(k) for k in ("AI_API_KEY", "AI_API_URL")}
        os.environ.update(AI_API_KEY="k", AI_API_URL=srv.base_url)
        try:
            nlu = build_extractor(NluSettings(backend="llm", timeout_s=TIMEOUT_S["llm"]), directory)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        await _warm_llm(nlu, srv, expected)
        srv.push(*[ChatReply({"intent": "visita"}, stall=stall)] * runs)
        times = []
        with capture_logs() as logs:
            for _ in range(runs):
                t0 = time.monotonic()
                async with guard():
                    got = await nlu.extract(UNSURE, VisitState())
                times.append(time.monotonic() - t0)
                if got != expected:
                    raise NoFallback(f"expected the rules' reading, got {got}")
        assert len(srv.requests) == runs, "a request never reached the server"
    # The LLM client's own deadline ended each call ("llm <model>: ..."), not the
    # hybrid's outer cap, which sits 0.5 s later.
    failures = [e for e in logs if e["event"] == "nlu_llm_failed_using_rules"]
    if [e["kind"] for e in failures] != ["timeout"] * runs or not all(
        str(e["error"]).startswith("llm ") for e in failures
    ):
        raise NoFallback(f"not the LLM client's own deadline: {failures}")
    return times


async def _warm_llm(nlu: Extractor, srv: ScriptedChatServer, rules_reading: Extraction) -> None:
    """One answered request before the measured ones (connection and first-use costs paid).

    The warm-up goes through the same 0.5 s deadline as the runs: on a loaded machine it
    can miss it, and a reply it never read must not be left for the first measured run
    (that run would get an answer instead of a stall). So: until the LLM's reading is
    seen, start again from an empty script."""
    for _ in range(5):
        srv.reset()
        srv.push(ChatReply({"intent": "visita"}))
        if await nlu.extract(UNSURE, VisitState()) != rules_reading:
            srv.reset()
            return
    raise NoFallback("the LLM never answered the warm-up within its deadline (5 tries)")


async def _stalled_once(ws: StallingWebSocket, run: Callable[[], Awaitable[float]]) -> float:
    before = ws.stalled
    took = await run()
    # Otherwise the SDK failed on its own before the stall, and the deadline was not tested.
    if ws.stalled == before:
        raise NoFallback("the SDK never reached the stalling endpoint")
    return took


async def azure_voice(stall: Stall, runs: int) -> list[float]:
    async with StallingWebSocket(stall) as ws:
        tts = AzureTts(key="dummy", host=ws.host, timeout_s=TIMEOUT_S["azure-voice"])
        return [await _stalled_once(ws, lambda: voice_fallback_s(tts)) for _ in range(runs)]


async def azure_stt(stall: Stall, runs: int) -> list[float]:
    pcm = tone(1.0, 8000)
    times = []
    async with StallingWebSocket(stall) as ws:
        for _ in range(runs):
            # A fresh client each run: a timed-out recognize_once cannot be stopped
            # (the SDK refuses to close its connection meanwhile) and keeps its thread
            # and concurrency slot until the SDK's own ~70 s timeout; the same client
            # would run out of slots and never reach the endpoint again.
            stt = build_stt(
                SttSettings(backend="azure", azure_host=ws.host, timeout_s=TIMEOUT_S["azure-stt"])
            )
            assert stt is not None
            times.append(
                await _stalled_once(ws, partial(stt_error_s, partial(stt.transcribe, pcm, 8000)))
            )
    return times


MEASURE: dict[str, Callable[[Stall, int], Awaitable[list[float]]]] = {
    "openai-voice": openai_voice,
    "openai-stt": openai_stt,
    "llm": llm,
    "azure-voice": azure_voice,
    "azure-stt": azure_stt,
}


async def time_to_fallback(backend: str, stall: Stall, runs: int) -> list[float]:
    """Seconds until the fallback took over, one per run, the runs one after the other."""
    return await MEASURE[backend](stall, runs)
