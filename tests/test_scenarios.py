"""The product, end to end on the real Asterisk: a visitor phone talks pt-BR
(espeak-ng audio, transcribed by the scripted OpenAI-compatible server), a
resident phone reached through the endpoint template answers, and the gate
opens only on an explicit yes. Every scenario ends with nothing left in Asterisk."""

from __future__ import annotations

from app.metrics import REGISTRY
from tests.harness.audio import synth_speech
from tests.harness.gate import Gate
from tests.harness.live import wait_clean
from tests.harness.phone import longest_quiet


async def _ends_clean(gate: Gate) -> None:
    chans, bridges, n = await wait_clean(gate.ari, gate.app, timeout=8)
    assert (chans, bridges, n) == ([], [], 0), f"left behind: {chans} {bridges} sessions={n}"


async def test_delivery_to_501_resident_says_sim_gate_opens_both_channels_gone(gate: Gate) -> None:
    gate.stt.push(
        "Boa tarde, tenho uma entrega para o apartamento quinhentos e um.",
        "Meu nome é Pedro da Silva.",
        "Sim, pode entrar.",
    )
    await gate.resident("1003021", says=["Sim, pode entrar."])
    phone = await gate.visitor(
        [
            "Boa tarde, tenho uma entrega para o apartamento quinhentos e um.",
            "Meu nome é Pedro da Silva.",
        ]
    )
    await phone.wait_hung_up(timeout=90)
    d = gate.last_decision()
    assert d is not None and d.outcome == "authorized" and d.decided_by == "resident"
    assert (
        d.apartment == "501"
        and d.visitor_name
        and "Pedro" in d.visitor_name
        and d.intent == "entrega"
    )
    assert d.dialed == "1003021" and d.gate_opened
    assert gate.tap.dtmf_on(phone.channel_id) == "#9"
    # Each upload to the recognizer is one utterance as played: its speech plus the
    # endpointer's 0.3 s pre-roll and 0.15 s tail. A wrong segmentation fails here.
    played = [
        "Boa tarde, tenho uma entrega para o apartamento quinhentos e um.",
        "Meu nome é Pedro da Silva.",
        "Sim, pode entrar.",
    ]
    uploads = gate.stt.uploads
    assert len(uploads) == 3
    # Margin: the cut is frame-exact on audio time (test_endpointer.py), but here the
    # end is decided on the clock after the tail (a silent caller may send no frames),
    # so frames that arrive while the loop is stalled join the upload: 0.25 s covers
    # a GC pass or a starved moment on a busy machine (measured error: 7-38 ms).
    for up, text in zip(uploads, played):
        expected = len(synth_speech(text, 8000)) / 8000 + 0.45
        assert up.sample_rate == 8000
        print(f"upload {up.duration_s:.3f} s for {expected:.3f} s played (+pre-roll, tail)")
        assert abs(up.duration_s - expected) < 0.25, (
            f"{text!r}: uploaded {up.duration_s:.2f} s, played {expected:.2f} s"
        )
    await _ends_clean(gate)


async def test_visit_denied_gate_stays_shut(gate: Gate) -> None:
    gate.stt.push(
        "Oi, vim visitar o apartamento quatrocentos e quatro.",
        "Meu nome é Carla.",
        "Não, não autorizo.",
    )
    await gate.resident("1001404", says=["Não, não autorizo."])
    phone = await gate.visitor(
        ["Oi, vim visitar o apartamento quatrocentos e quatro.", "Meu nome é Carla."]
    )
    await phone.wait_hung_up(timeout=90)
    d = gate.last_decision()
    assert d is not None and d.outcome == "denied" and not d.gate_opened
    assert d.dialed == "1001404"
    assert gate.tap.dtmf_on(phone.channel_id) == ""
    await _ends_clean(gate)


async def test_resident_asks_quem_e_hears_the_details_again_then_says_sim(gate: Gate) -> None:
    gate.stt.push(
        "Boa noite, sou o Marcos da Rappi, entrega para o apartamento cento e um.",
        "Quem é?",
        "Ah tá, pode subir.",
    )
    rec = await gate.resident("1001101", says=["Quem é?", "Ah tá, pode subir."])
    phone = await gate.visitor(
        ["Boa noite, sou o Marcos da Rappi, entrega para o apartamento cento e um."]
    )
    await phone.wait_hung_up(timeout=120)
    d = gate.last_decision()
    assert d is not None and d.outcome == "authorized" and d.gate_opened and d.apartment == "101"
    assert d.visitor_name == "Marcos"
    assert gate.tap.dtmf_on(phone.channel_id) == "#9"
    # The resident heard the presentation twice: two long stretches of speech before the answer.
    assert len(gate.stt.uploads) == 3
    assert rec is not None
    # About 20 s with the resident: the visitor is told to wait again rather than left in silence.
    heard, rate = await phone.heard()
    quiet = longest_quiet(heard, rate)
    print(f"longest silence the visitor heard: {quiet} s")
    # Reassured every reassure_every_s (12 s); 1.5 s more for the phrase's own
    # synthesis and a busy machine's stalls (see MAX_DEAD_AIR_S in test_dead_air.py).
    assert quiet <= gate.app.settings.condominium(None)[1].reassure_every_s + 1.5
    await _ends_clean(gate)


async def test_name_only_request_is_disambiguated_by_asking(gate: Gate) -> None:
    # "Rafaela" lives in 501 (Rafaela Silva) and "Rafaella" in 303: ask, never guess.
    gate.stt.push("Oi, meu nome é Bruno, vim ver a Rafaela.", "A Rafaela Silva.", "Sim.")
    await gate.resident("1003021", says=["Sim."])
    phone = await gate.visitor(["Oi, meu nome é Bruno, vim ver a Rafaela.", "A Rafaela Silva."])
    await phone.wait_hung_up(timeout=90)
    d = gate.last_decision()
    assert d is not None and d.outcome == "authorized"
    assert d.apartment == "501" and d.resident == "Rafaela Silva" and d.visitor_name == "Bruno"
    await _ends_clean(gate)


async def test_unknown_apartment_then_corrected(gate: Gate) -> None:
    gate.stt.push(
        "Entrega do Mercado Livre para o apartamento novecentos e nove.",
        "Desculpa, é o quinhentos e um.",
        "Meu nome é Ana.",
        "Pode entrar.",
    )
    await gate.resident("1003021", says=["Pode entrar."])
    phone = await gate.visitor(
        [
            "Entrega do Mercado Livre para o apartamento novecentos e nove.",
            "Desculpa, é o quinhentos e um.",
            "Meu nome é Ana.",
        ]
    )
    await phone.wait_hung_up(timeout=120)
    d = gate.last_decision()
    assert (
        d is not None
        and d.outcome == "authorized"
        and d.apartment == "501"
        and d.dialed == "1003021"
    )
    await _ends_clean(gate)


async def test_resident_does_not_answer_any_number(gate: Gate) -> None:
    gate.stt.push("Vim visitar o apartamento quinhentos e um, meu nome é Pedro.")
    await gate.resident("1003021", mode="noanswer")
    await gate.resident("1003022", mode="noanswer")
    phone = await gate.visitor(["Vim visitar o apartamento quinhentos e um, meu nome é Pedro."])
    await phone.wait_hung_up(timeout=120)
    d = gate.last_decision()
    assert d is not None and d.outcome == "no_answer" and not d.gate_opened
    assert d.dialed == "1003021,1003022"
    assert gate.tap.dtmf_on(phone.channel_id) == ""
    await _ends_clean(gate)


async def test_first_number_busy_second_number_answers_sim(gate: Gate) -> None:
    gate.stt.push("Vim visitar o apartamento quinhentos e um, meu nome é Pedro.", "Sim.")
    await gate.resident("1003021", mode="busy")
    await gate.resident("1003022", says=["Sim."])
    phone = await gate.visitor(["Vim visitar o apartamento quinhentos e um, meu nome é Pedro."])
    await phone.wait_hung_up(timeout=120)
    d = gate.last_decision()
    assert d is not None and d.outcome == "authorized" and d.dialed == "1003021,1003022"
    assert gate.tap.dtmf_on(phone.channel_id) == "#9"
    await _ends_clean(gate)


async def test_visitor_hangs_up_while_resident_phone_rings(gate: Gate) -> None:
    gate.stt.push("Vim visitar o apartamento quinhentos e um, meu nome é Pedro.")
    await gate.resident("1003021", mode="noanswer")
    phone = await gate.visitor(
        ["Vim visitar o apartamento quinhentos e um, meu nome é Pedro."], wait=4
    )
    await phone.wait_hung_up(timeout=60)
    # The ringing resident call is cancelled with the visitor's: nothing left, no gate.
    await _ends_clean(gate)
    d = gate.last_decision()
    assert d is not None and d.outcome == "visitor_left" and not d.gate_opened
    assert gate.tap.dtmf_on(phone.channel_id) == ""


async def test_visitor_confirms_the_resident_and_gives_a_name_in_one_breath(gate: Gate) -> None:
    # "Simoni" is close to Simone Araújo (12 B) but not exact: the app asks to confirm;
    # the visitor says yes and their name together, and is not asked for it again.
    gate.stt.push("Oi, vim ver a Simoni.", "Isso, meu nome é Carlos.", "Sim.")
    await gate.resident("1001112", says=["Sim."])
    phone = await gate.visitor(["Oi, vim ver a Simoni.", "Isso, meu nome é Carlos."])
    await phone.wait_hung_up(timeout=90)
    d = gate.last_decision()
    assert d is not None and d.outcome == "authorized" and d.gate_opened
    assert d.resident == "Simone Araújo" and d.visitor_name == "Carlos" and d.dialed == "1001112"
    assert len(gate.stt.uploads) == 3  # no turn spent asking the name
    await _ends_clean(gate)


def _presentations() -> tuple[float, float]:
    """How many resident presentations the app has timed, and their seconds in all."""
    labels = {"stage": "resident_presentation"}
    count = REGISTRY.get_sample_value("portaria_stage_latency_seconds_count", labels)
    total = REGISTRY.get_sample_value("portaria_stage_latency_seconds_sum", labels)
    return count or 0.0, total or 0.0


async def test_resident_who_picks_up_at_once_hears_the_presentation_without_waiting(
    gate: Gate,
) -> None:
    # The visitor is still hearing "Um momento, vou chamar o morador" (about 2 s) when the
    # resident answers: the resident's presentation starts on their leg regardless.
    gate.stt.push("Vim visitar o apartamento quinhentos e um, meu nome é Pedro.", "Sim.")
    before = _presentations()
    await gate.resident("1003021", says=["Sim."])
    phone = await gate.visitor(["Vim visitar o apartamento quinhentos e um, meu nome é Pedro."])
    await phone.wait_hung_up(timeout=90)
    d = gate.last_decision()
    assert d is not None and d.outcome == "authorized"
    presented = _presentations()
    assert presented[0] == before[0] + 1, "one presentation, timed from the resident's answer"
    seconds = presented[1] - before[1]
    print(f"resident's presentation: first frame sent {seconds:.3f} s after they answered")
    # Waiting for the visitor's phrase instead cost ~2.2 s. 1 s, not the 0.3 s target
    # (bench/bench_turns.py reports it): a loaded 2-core machine delays a frame by a GC
    # pause or a starved process (0.2-0.8 s seen here), never by 2 s.
    assert seconds < 1.0
    await _ends_clean(gate)
