"""OpenAI-compatible STT against a real local HTTP server speaking the OpenAI wire format."""

from __future__ import annotations

import asyncio
import socket
import time

import openai
import pytest
from structlog.testing import capture_logs

from app.media.pcm import pcm_to_wav
from app.media.stt import SttConfigError, SttError, SttSettings, build_stt, directory_prompt
from app.media.stt.limits import LimitedStt
from app.media.stt.openai_compat import OpenAICompatStt
from tests.harness.fakes.openai_server import Reply, ScriptedTranscriptionServer
from tests.harness.fakes.stall import Stall


def pcm(seconds: float, rate: int) -> bytes:
    # A ramp rather than silence, so the bytes differ from sample to sample.
    n = round(seconds * rate)
    return b"".join(((i * 37) % 2000 - 1000).to_bytes(2, "little", signed=True) for i in range(n))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stt_for(srv: ScriptedTranscriptionServer, **kw: object) -> OpenAICompatStt:
    return OpenAICompatStt(base_url=srv.base_url, api_key="test-key", **kw)  # type: ignore[arg-type]


async def test_transcripts_come_back_in_script_order() -> None:
    async with ScriptedTranscriptionServer(["bom dia", "quinhentos e um"]) as srv:
        stt = stt_for(srv)
        first = await stt.transcribe(pcm(0.5, 8000), 8000)
        second = await stt.transcribe(pcm(0.5, 8000), 8000)
        await stt.aclose()
    assert (first.text, second.text) == ("bom dia", "quinhentos e um")
    assert first.backend == "openai" and first.latency_s > 0
    assert len(srv.uploads) == 2


async def test_a_guess_given_up_for_longer_audio_leaves_its_reply_to_that_audio() -> None:
    # The app's speculative guess on the audio so far, then the caller went on: the longer
    # upload is the turn, and the script holds one reply per turn.
    async with ScriptedTranscriptionServer(
        [Reply("a frase inteira", delay_s=0.3), "depois"]
    ) as srv:
        stt = stt_for(srv)
        whole = pcm(1.0, 8000)
        guess = asyncio.create_task(stt.transcribe(whole[:8000], 8000))
        await asyncio.sleep(0.1)
        turn = await stt.transcribe(whole, 8000)
        voided = await guess
        after = await stt.transcribe(pcm(0.5, 8000), 8000)
        await stt.aclose()
    assert (turn.text, voided.text, after.text) == ("a frase inteira", "", "depois")
    assert srv.taken_over == 1


@pytest.mark.parametrize("rate", [8000, 16000])
async def test_upload_is_a_wav_of_the_given_pcm(rate: int) -> None:
    async with ScriptedTranscriptionServer(["oi"]) as srv:
        stt = stt_for(srv)
        await stt.transcribe(pcm(1.234, rate), rate)
        await stt.aclose()
    up = srv.uploads[0]
    assert up.sample_rate == rate
    assert (up.channels, up.sample_width) == (1, 2)
    assert abs(up.duration_s - 1.234) <= 0.010
    assert (up.filename, up.content_type) == ("utterance.wav", "audio/wav")
    assert up.model == "whisper-1"
    assert up.language == "pt"
    assert up.response_format == "json"
    assert up.prompt is None
    assert up.authorization == "Bearer test-key"


async def test_model_prompt_and_env_key_are_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AI_API_KEY", "from-env")
    async with ScriptedTranscriptionServer(["Ana Souza"], api_key="from-env") as srv:
        prompt = directory_prompt(["Ana Souza", "João Pereira"])
        stt = OpenAICompatStt(base_url=srv.base_url, model="whisper-large-v3", prompt=prompt)
        result = await stt.transcribe(pcm(0.4, 16000), 16000)
        await stt.aclose()
    assert result.text == "Ana Souza"
    assert srv.uploads[0].model == "whisper-large-v3"
    assert srv.uploads[0].prompt == "Portaria do condomínio. Moradores: Ana Souza, João Pereira."


def test_directory_prompt_stays_under_its_limit() -> None:
    prompt = directory_prompt([f"Morador Número {i}" for i in range(200)], max_chars=120)
    assert len(prompt) <= 121 and prompt.endswith(".")


def test_missing_key_names_the_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AI_API_KEY", raising=False)
    with pytest.raises(SttConfigError, match="AI_API_KEY"):
        OpenAICompatStt()
    # A self-hosted server that takes no key is fine when said so.
    OpenAICompatStt(base_url="http://127.0.0.1:9/v1", require_api_key=False)


def test_bad_base_url_is_a_config_error() -> None:
    with pytest.raises(SttConfigError, match="base_url"):
        OpenAICompatStt(base_url="127.0.0.1:8000/v1", api_key="k")


async def test_timeout_raises_stt_error_in_time() -> None:
    async with ScriptedTranscriptionServer([Reply("tarde demais", delay_s=5)]) as srv:
        stt = LimitedStt(stt_for(srv), timeout_s=0.5)
        t0 = time.monotonic()
        with pytest.raises(SttError, match=r"'openai'.*0\.5 s"):
            await stt.transcribe(pcm(0.5, 8000), 8000)
        # Margin: see MARGIN_S in tests/test_cloud_stalls.py (busy 2-core machine).
        assert time.monotonic() - t0 < 0.5 + 0.5
        await stt.aclose()


async def test_own_timeout_bounds_the_whole_call_even_against_a_trickle() -> None:
    # The SDK's timeout is per read: a server trickling its answer a byte every
    # 50 ms never trips it. The backend's own timeout_s must, without LimitedStt.
    async with ScriptedTranscriptionServer([Reply("tarde demais", stall=Stall.TRICKLE)]) as srv:
        stt = stt_for(srv, timeout_s=0.5)
        t0 = time.monotonic()
        with pytest.raises(SttError, match=r"'openai'.*no transcript within 0\.5 s"):
            await asyncio.wait_for(stt.transcribe(pcm(0.5, 8000), 8000), 5)
        # Margin: see MARGIN_S in tests/test_cloud_stalls.py (busy 2-core machine).
        assert time.monotonic() - t0 < 0.5 + 0.5
        await stt.aclose()


@pytest.mark.parametrize(
    ("status", "expect"),
    [(500, "HTTP 500: The server had an error"), (429, "HTTP 429: Rate limit")],
)
async def test_http_errors_raise_without_retrying(status: int, expect: str) -> None:
    async with ScriptedTranscriptionServer([Reply.error(status), "nunca"]) as srv:
        stt = LimitedStt(stt_for(srv), timeout_s=4)
        t0 = time.monotonic()
        with pytest.raises(SttError, match=expect) as info:
            await stt.transcribe(pcm(0.5, 8000), 8000)
        # The request count below is the exact check that nothing was retried; this
        # bound says the error came back at once (a few ms), not on the 4 s timeout,
        # with most of a second to spare for a busy machine.
        assert time.monotonic() - t0 < 1.0
        assert srv.requests == 1  # max_retries=0: the SDK did not try again
        assert srv.base_url in str(info.value)
        await stt.aclose()


async def test_unreachable_server_is_an_stt_error() -> None:
    stt = OpenAICompatStt(base_url=f"http://127.0.0.1:{closed_port()}/v1", api_key="k")
    with pytest.raises(SttError, match="cannot connect"):
        await stt.transcribe(pcm(0.5, 8000), 8000)
    await stt.aclose()


async def test_concurrency_limit_is_respected() -> None:
    texts = [f"visitante {i}" for i in range(6)]
    async with ScriptedTranscriptionServer([Reply(t, delay_s=0.3) for t in texts]) as srv:
        stt = LimitedStt(stt_for(srv), max_concurrency=3, timeout_s=4)
        results = await asyncio.gather(*(stt.transcribe(pcm(0.3, 8000), 8000) for _ in texts))
        await stt.aclose()
    assert sorted(r.text for r in results) == sorted(texts)
    assert srv.max_in_flight == 3
    # Three waited a full round for a slot, and their latency says so. A lower bound
    # only (two 0.3 s rounds at least): a busy machine makes it truer, never false.
    assert max(r.latency_s for r in results) >= 0.55


async def test_one_log_line_per_call() -> None:
    async with ScriptedTranscriptionServer(["bom dia", Reply.error(500)]) as srv:
        stt = LimitedStt(stt_for(srv, name="groq"))
        with capture_logs() as logs:
            await stt.transcribe(pcm(0.75, 8000), 8000)
            with pytest.raises(SttError):
                await stt.transcribe(pcm(0.25, 16000), 16000)
        await stt.aclose()
    lines = [e for e in logs if e["event"] == "stt.transcribe"]
    assert [(e["backend"], e["outcome"], e["audio_ms"]) for e in lines] == [
        ("groq", "ok", 750),
        ("groq", "error", 250),
    ]
    assert all(isinstance(e["latency_ms"], int) for e in lines)
    assert "test-key" not in repr(logs)


async def test_short_audio_and_whisper_hallucinations_are_no_speech() -> None:
    async with ScriptedTranscriptionServer(["Legendas pela comunidade Amara.org"]) as srv:
        stt = stt_for(srv)
        assert (await stt.transcribe(pcm(0.05, 8000), 8000)).text == ""  # not even sent
        assert srv.requests == 0
        assert (await stt.transcribe(pcm(1.0, 8000), 8000)).text == ""
        await stt.aclose()


async def test_bad_pcm_is_a_value_error() -> None:
    stt = OpenAICompatStt(base_url="http://127.0.0.1:9/v1", api_key="k")
    with pytest.raises(ValueError, match="16-bit"):
        await stt.transcribe(b"\x00\x01\x02", 8000)
    with pytest.raises(ValueError, match="sample rate"):
        await stt.transcribe(b"\x00\x00", 11025)
    await stt.aclose()


async def test_build_stt_openai_end_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AI_API_KEY", "k")
    async with ScriptedTranscriptionServer(["entrega para o 302"]) as srv:
        stt = build_stt(
            SttSettings(
                backend="openai",
                base_url=srv.base_url,
                name="groq",
                model="whisper-large-v3",
                timeout_s=2,
                max_concurrency=2,
            )
        )
        assert isinstance(stt, LimitedStt)
        assert (stt.max_concurrency, stt.timeout_s) == (2, 2)
        result = await stt.transcribe(pcm(0.5, 8000), 8000)
        await stt.aclose()
    assert (result.text, result.backend) == ("entrega para o 302", "groq")
    assert (srv.uploads[0].model, srv.uploads[0].language) == ("whisper-large-v3", "pt")


def test_fake_server_runs_in_a_thread_for_sync_clients() -> None:
    with ScriptedTranscriptionServer(["olá"]) as srv:
        client = openai.OpenAI(base_url=srv.base_url, api_key="k", max_retries=0)
        out = client.audio.transcriptions.create(
            model="whisper-1",
            file=("a.wav", pcm_to_wav(pcm(0.2, 8000), 8000), "audio/wav"),
            language="pt",
            response_format="json",
        )
        client.close()
    assert out.text == "olá"
    assert srv.uploads[0].sample_rate == 8000


async def test_fake_server_rejects_what_openai_rejects() -> None:
    import httpx

    async with (
        ScriptedTranscriptionServer(["x"], api_key="right") as srv,
        httpx.AsyncClient() as http,
    ):
        url = f"{srv.base_url}/audio/transcriptions"
        r = await http.post(url, headers={"authorization": "Bearer wrong"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"
        r = await http.post(
            url,
            headers={"authorization": "Bearer right"},
            files={"file": ("a.wav", b"not a wav", "audio/wav")},
            data={"model": "whisper-1"},
        )
        assert r.status_code == 400 and "Invalid file format" in r.json()["error"]["message"]
    assert srv.uploads == []
