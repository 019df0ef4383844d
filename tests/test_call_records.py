"""What happened on each call, on the real Asterisk: the conversation is on record turn by
turn as it happened, the resident's deciding answer is recorded when the building asks
for it, and the operator reads it (CLI, API) or erases it (LGPD)."""

from __future__ import annotations

import asyncio
import stat
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile

from app.ari import AriClient
from app.records import Decision, Turn
from app.records.recordings import delete_files
from tests.harness.asterisk import REPO, AsteriskEnv
from tests.harness.audio import synth_speech
from tests.harness.fakes.openai_server import ScriptedTranscriptionServer
from tests.harness.gate import Gate, running_gate
from tests.harness.live import clear_asterisk, wait_clean
from tests.harness.phone import Phones

VISITOR = "Boa tarde, tenho uma entrega para o apartamento quinhentos e um."
NAME = "Meu nome é Pedro da Silva."
ANSWER = "Sim, pode entrar."


async def _authorized_call(g: Gate) -> Any:
    g.stt.push(VISITOR, NAME, ANSWER)
    await g.resident("1003021", says=[ANSWER])
    phone = await g.visitor([VISITOR, NAME], caller="7155")
    await phone.wait_hung_up(timeout=90)
    chans, bridges, n = await wait_clean(g.ari, g.app, timeout=8)
    assert (chans, bridges, n) == ([], [], 0)
    d = g.last_decision()
    assert d is not None and d.outcome == "authorized"
    return d


# Its own gate (recording whole calls), so it runs before first_call's gate starts.
async def test_a_whole_call_recording_has_each_party_and_what_they_heard(
    aenv: AsteriskEnv,
    ari: Any,
    clean_asterisk: None,
    stt_server: Any,
    tmp_path: Path,
    phones: Phones,
) -> None:
    async with running_gate(aenv, ari, phones, stt_server, tmp_path, recording="call") as g:
        d = await _authorized_call(g)
        assert d.recording is not None
        files = {Path(p).stem.rsplit("-", 1)[1]: Path(p) for p in d.recording.split(",")}
        assert set(files) == {"visitor", "resident"}, d.recording
        heard_by = {}
        for role, path in files.items():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            audio, rate = soundfile.read(path, dtype="int16")
            assert rate == 8000 and audio.ndim == 2 and audio.shape[1] == 2
            said, ours = abs(audio[:, 0].astype(int)), abs(audio[:, 1].astype(int))
            heard_by[role] = len(audio) / rate
            # Left: the party spoke (the phone's clips: espeak-ng's "Sim, pode entrar." is
            # ~0.57 s above 300); right: our prompts to them.
            assert (said > 300).sum() > rate * 0.4, role
            assert (ours > 1000).sum() > rate * 1.0, role
        # The visitor's leg lasted the whole call; the resident's only their part of it.
        assert heard_by["visitor"] > heard_by["resident"] > 2


@dataclass
class FirstCall:
    """An authorized call on a gate that records decisions, and what its record held
    right after it (read before the erasure test erases it)."""

    gate: Gate
    decision: Decision
    turns: list[Turn]
    recording_mode: int
    audio: np.ndarray
    rate: int
    audit_cli: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
async def first_call(
    aenv: AsteriskEnv, ari: AriClient, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FirstCall]:
    """One gate and one authorized call for the two tests that start from it (a whole
    call is ~30 s). They are the module's last tests: while this gate lives no other app
    may register on Asterisk."""
    await clear_asterisk(ari)
    folder = tmp_path_factory.mktemp("records")
    async with (
        ScriptedTranscriptionServer([]) as stt,
        running_gate(aenv, ari, Phones(aenv, ari), stt, folder, recording="decision") as g,
    ):
        d = await _authorized_call(g)
        assert d.recording, d
        rec = Path(d.recording)
        audio, rate = soundfile.read(rec, dtype="int16")
        # The operator reads it as a dialogue.
        cfg = folder / "cfg.yaml"
        cfg.write_text(
            f"audit: {{path: {folder / 'audit.sqlite3'}}}\ncondominiums_dir: null\n"
            f"condominiums:\n  apoena: {{directory: {REPO / 'data/apartamentos.json'}}}\n"
        )
        g.app.audit.flush()
        cli = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "app.cli", "-c", str(cfg), "audit", "--call", d.call_id],
            capture_output=True,
            text=True,
            cwd=REPO,
            check=False,
            timeout=60,
        )
        yield FirstCall(
            g, d, g.app.audit.turns(d.call_id), stat.S_IMODE(rec.stat().st_mode), audio, rate, cli
        )


async def test_the_conversation_is_on_record_in_order_with_its_timeline(
    first_call: FirstCall,
) -> None:
    g, d, turns = first_call.gate, first_call.decision, first_call.turns
    steps = [(t.speaker, t.kind, t.party) for t in turns]
    p = g.app.settings.condominium(None)[1].phrases
    said = [t.text for t in turns if t.kind == "said"]
    heard = [(t.speaker, t.text) for t in turns if t.kind == "heard"]
    # What each side said, in the order it happened.
    assert heard == [("visitor", VISITOR), ("visitor", NAME), ("resident", ANSWER)], steps
    assert said[0] == p.greeting and said[-1] == p.goodbye
    assert p.visitor_authorized in said
    assert turns[0].party == "visitor" and [t.seq for t in turns] == list(range(1, len(turns) + 1))
    i_ring = next(i for i, t in enumerate(turns) if t.kind == "event" and "1003021" in t.text)
    i_answer = next(i for i, t in enumerate(turns) if t.speaker == "resident")
    i_gate = next(i for i, t in enumerate(turns) if t.text == "portão aberto")
    assert i_ring < i_answer < i_gate
    presentation = next(t for t in turns if t.kind == "said" and t.party == "resident")
    assert "Pedro" in presentation.text and turns.index(presentation) < i_answer
    # Every heard turn carries its timeline; the visitor's opening reached a reply.
    first = next(t for t in turns if t.kind == "heard")
    for stage in (
        "speech_start_s",
        "speech_end_s",
        "endpointing_s",
        "stt_s",
        "nlu_s",
        "first_reply_audio_s",
    ):
        assert stage in first.timings, (stage, first.timings)
    assert 0 < first.timings["speech_start_s"] < first.timings["speech_end_s"]
    assert 0 < first.timings["first_reply_audio_s"] < 5

    # The resident's deciding answer was recorded: a 0600 FLAC as long as what they said.
    assert d.recording and d.recording.endswith("-decision.flac")
    assert first_call.recording_mode == 0o600
    audio, rate = first_call.audio, first_call.rate
    spoken = len(synth_speech(ANSWER, 8000)) / 8000
    assert rate == 8000 and abs(len(audio) / rate - (spoken + 0.45)) < 0.3, (
        len(audio) / rate,
        spoken,
    )
    assert abs(audio).max() > 1000

    # The operator reads it as a dialogue.
    out = first_call.audit_cli
    assert out.returncode == 0, out.stderr
    assert f"Visitante: {VISITOR}" in out.stdout and f"Morador: {ANSWER}" in out.stdout
    assert "Portaria → Morador:" in out.stdout and "stt " in out.stdout


async def test_erasing_a_callers_data_after_two_calls_leaves_other_callers_alone(
    first_call: FirstCall,
) -> None:
    # The second call, on the gate of the first (first_call).
    g, first = first_call.gate, first_call.decision
    assert first.recording is not None
    g.stt.push("Vim visitar o apartamento quinhentos e um, meu nome é Bruno.", "Não.")
    await g.resident("1003021", says=["Não."])
    phone = await g.visitor(
        ["Vim visitar o apartamento quinhentos e um, meu nome é Bruno."], caller="7266"
    )
    await phone.wait_hung_up(timeout=90)
    second = g.last_decision()
    assert second is not None and second.outcome == "denied" and second.recording
    store = g.app.audit
    store.flush()
    calls, paths = store.store.erase(caller="7155")
    assert calls == 1 and paths == [first.recording] and delete_files(paths) == 1
    assert store.turns(first.call_id) == [] and not Path(first.recording).exists()
    kept = {r.call_id: r for r in store.query()}
    assert kept[first.call_id].caller is None and kept[first.call_id].outcome == "authorized"
    assert kept[second.call_id].caller == "7266" and Path(second.recording).exists()
    assert any(t.text == "Não." for t in store.turns(second.call_id))
