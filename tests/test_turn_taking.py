"""Turn-taking on the real Asterisk: a visitor who pauses mid-sentence is heard as one turn.

The phone says a sentence with a 0.3-0.7 s pause inside (the endpointer ends an
utterance at 0.4 s of silence, so from 0.4 s on the app sees two fragments, and
recognition starts speculatively at 0.25 s of silence). The scripted recognizer
answers each upload; what it is sent, and when, shows how the app heard the turn.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.calls import Call
from app.config import Settings
from app.metrics import STT_SPECULATION
from tests.harness.audio import synth_speech
from tests.harness.fakes.openai_server import ScriptedTranscriptionServer, Upload
from tests.harness.gate import Gate
from tests.harness.live import wait_clean

MARCOS = "Boa noite, aqui é o Marcos,"
ERRAND = "vim deixar uma encomenda para o apartamento quinhentos e um."
WHOLE = "Boa noite, aqui é o Marcos, vim deixar uma encomenda para o apartamento quinhentos e um."


def _seconds(text: str) -> float:
    return len(synth_speech(text, 8000)) / 8000


async def _one_turn_call(gate: Gate, first_text: str, pause_s: float) -> None:
    gate.stt.push(first_text, WHOLE, "Sim.")
    await gate.resident("1003021", says=["Sim."])
    phone = await gate.visitor([gate.paused_speech(MARCOS, pause_s, ERRAND)])
    await phone.wait_hung_up(timeout=90)
    assert (await wait_clean(gate.ari, gate.app, timeout=8)) == ([], [], 0)
    d = gate.last_decision()
    # Decided once, on the whole sentence: no question about the apartment or the name.
    assert d is not None and d.outcome == "authorized"
    assert d.apartment == "501" and d.visitor_name == "Marcos" and d.intent == "entrega"
    uploads = gate.stt.uploads
    assert len(uploads) == 3, [u.duration_s for u in uploads]
    # The second upload holds both fragments and the pause between them (each fragment
    # carries ~0.45 s of pre-roll and tail).
    both = _seconds(MARCOS) + _seconds(ERRAND)
    assert uploads[1].duration_s > both, (uploads[1].duration_s, both)
    assert uploads[0].duration_s < _seconds(MARCOS) + 0.6


async def test_a_sentence_cut_at_a_comma_waits_for_the_rest_and_is_recognized_once(
    gate: Gate,
) -> None:
    # "…aqui é o Marcos," ends on a comma: the app waits for more instead of replying.
    await _one_turn_call(gate, "Boa noite, aqui é o Marcos,", 0.6)
    decision = gate.last_decision()
    assert decision is not None, "the call was not decided"
    turns = [t for t in gate.app.audit.turns(decision.call_id) if t.kind in ("said", "heard")]
    # Greeting, then the visitor's one turn, then our reply: nothing said in between.
    assert [(t.speaker, t.text) for t in turns[:2]] == [
        ("portaria", gate.app.settings.condominium(None)[1].phrases.greeting),
        ("visitor", WHOLE),
    ]


@pytest.mark.parametrize("pause_s", [0.5, 0.7])
async def test_speech_resumed_before_our_reply_was_heard_is_the_same_turn(
    gate: Gate, pause_s: float
) -> None:
    # The first fragment sounds finished ("…o Marcos."), so the app starts replying (0.4 s
    # after it); the visitor goes on 0.5-0.7 s after stopping, before that reply has been
    # heard for 0.5 s: the reply is dropped and both fragments are recognized together,
    # decided once. (At 0.7 s this split in two while continuation_seconds was 0.3 s.)
    await _one_turn_call(gate, "Boa noite, aqui é o Marcos.", pause_s)
    assert gate.app.app.calls == {} and gate.stt.uploads


def _speculations(outcome: str) -> float:
    return float(STT_SPECULATION.labels(outcome=outcome)._value.get())


def _keep_calls(gate: Gate) -> list[Call]:
    """The app's Call objects outlive the call here, so a test can read their turn timings."""
    calls: list[Call] = []
    inner = gate.app.app.flow

    async def flow(call: Call, settings: Settings) -> None:
        calls.append(call)
        await inner(call, settings)

    gate.app.app.flow = flow
    return calls


@pytest.mark.parametrize("pause_s", [0.3, 0.5, 0.7])
async def test_a_pause_inside_a_sentence_gives_one_recognition_of_the_whole_and_one_reply(
    gate: Gate, pause_s: float
) -> None:
    stt = gate.stt
    first_s, whole_s = _seconds(MARCOS), _seconds(MARCOS) + pause_s + _seconds(ERRAND)
    # The first part alone (a fragment the endpointer ended at 0.4 s, or a speculative upload
    # made at 0.25 s that speech then voided) ends on a comma: the app waits for the rest.
    # Keyed by length: whether a voided guess got as far as the recognizer is a race.
    stt.by_duration = [(first_s - 0.1, first_s + 0.8, MARCOS), (whole_s, whole_s + 1.2, WHOLE)]
    stt.push("Sim.")
    discarded = _speculations("discarded")
    await gate.resident("1003021", says=["Sim."])
    phone = await gate.visitor([gate.paused_speech(MARCOS, pause_s, ERRAND)])
    await phone.wait_hung_up(timeout=90)
    assert (await wait_clean(gate.ari, gate.app, timeout=8)) == ([], [], 0)
    d = gate.last_decision()
    assert d is not None and d.outcome == "authorized"
    assert d.apartment == "501" and d.visitor_name == "Marcos" and d.intent == "entrega"
    uploads: list[Upload] = stt.uploads
    visitor = uploads[:-1]  # the last is the resident's "Sim."
    # Exactly one recognition of the whole utterance, pause included (each fragment keeps
    # ~0.45 s of pre-roll and tail, so the joined audio is longer than the sound played)...
    whole = [u for u in visitor if u.duration_s >= whole_s]
    assert len(whole) == 1 and whole[0] is visitor[-1], [u.duration_s for u in uploads]
    # ...and anything else sent was the first part alone, never acted on.
    assert all(u.duration_s < first_s + 0.8 for u in visitor[:-1]), [u.duration_s for u in uploads]
    turns = [
        (t.speaker, t.text) for t in gate.app.audit.turns(d.call_id) if t.kind in ("said", "heard")
    ]
    # One visitor turn, the whole sentence; and one reply to it (nothing said to the half).
    assert [t for t in turns if t[0] == "visitor"] == [("visitor", WHOLE)]
    assert turns[:2] == [
        ("portaria", gate.app.settings.condominium(None)[1].phrases.greeting),
        ("visitor", WHOLE),
    ]
    if pause_s < 0.4:
        # Speech resumed between the speculative start (0.25 s) and the end of speech (0.4 s):
        # that guess was discarded, and the endpointer never split the utterance.
        assert _speculations("discarded") > discarded
        assert len(visitor) <= 2


async def test_a_visitor_who_stays_silent_gets_the_recognition_started_at_the_pause(
    aenv: Any,
    ari: Any,
    phones: Any,
    clean_asterisk: None,
    stt_server: ScriptedTranscriptionServer,
    tmp_path: Any,
) -> None:
    from tests.harness.gate import running_gate

    # The turn ends at 0.8 s of silence here (0.4 s by default) so that the guess, sent at
    # 0.25 s, has 0.55 s to reach the local recognizer before the end of the turn: a margin
    # a loaded 2-core machine keeps (a request takes milliseconds). Without speculation
    # nothing is sent before the end of the turn.
    opening = "Boa tarde, tenho uma entrega para o apartamento quinhentos e um."
    stt_server.push(opening, "Meu nome é Pedro da Silva.", "Sim.")
    used = _speculations("used")
    async with running_gate(
        aenv,
        ari,
        phones,
        stt_server,
        tmp_path,
        endpointing={"silence_seconds": 0.8},
    ) as g:
        calls = _keep_calls(g)
        await g.resident("1003021", says=["Sim."])
        phone = await g.visitor([opening, "Meu nome é Pedro da Silva."])
        await phone.wait_hung_up(timeout=90)
        assert (await wait_clean(g.ari, g.app, timeout=8)) == ([], [], 0)
        d = g.last_decision()
    assert d is not None and d.outcome == "authorized"
    # One upload per turn: each guess was used, none was sent again at the end of the turn.
    assert len(stt_server.uploads) == 3
    assert _speculations("used") - used >= 3
    (call,) = calls
    visitor_turns = [t for t in call.turns if t["role"] == "visitor"]
    assert len(visitor_turns) == 2
    for upload, turn in zip(stt_server.uploads, visitor_turns):
        assert turn["speech_end"] < upload.received_at < turn["end_of_turn_at"], (
            upload.received_at - turn["speech_end"],
            turn["end_of_turn_at"] - turn["speech_end"],
        )
