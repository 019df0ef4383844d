"""Turn-taking on the real Asterisk: a visitor who pauses mid-sentence is heard as one turn.

The phone says a sentence with a 0.5-0.6 s pause inside (the endpointer ends an
utterance at 0.4 s of silence, so the app sees two fragments). The scripted
recognizer answers each upload in order; what it is sent shows how the app
heard the turn: the first fragment alone, then both fragments as one.
"""

from __future__ import annotations

from tests.harness.audio import synth_speech
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


async def test_a_sentence_cut_at_a_comma_waits_for_the_rest_and_is_recognized_once(gate: Gate) -> None:
    # "…aqui é o Marcos," ends on a comma: the app waits for more instead of replying.
    await _one_turn_call(gate, "Boa noite, aqui é o Marcos,", 0.6)
    decision = gate.last_decision()
    assert decision is not None, "the call was not decided"
    turns = [t for t in gate.app.audit.turns(decision.call_id) if t.kind in ("said", "heard")]
    # Greeting, then the visitor's one turn, then our reply: nothing said in between.
    assert [(t.speaker, t.text) for t in turns[:2]] == [
        ("portaria", gate.app.settings.condominium(None)[1].phrases.greeting), ("visitor", WHOLE)]


async def test_speech_resumed_before_our_reply_was_heard_is_the_same_turn(gate: Gate) -> None:
    # The first fragment sounds finished ("…o Marcos."), so the app starts replying; the
    # visitor goes on 0.5 s after stopping, before that reply has been heard for 0.3 s:
    # the reply is dropped and both fragments are recognized together, decided once.
    await _one_turn_call(gate, "Boa noite, aqui é o Marcos.", 0.5)
    assert gate.app.app.calls == {} and gate.stt.uploads
