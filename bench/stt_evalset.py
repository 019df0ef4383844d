"""The embedded recognizer's evaluation set: intercom utterances with the details that matter.

Each utterance is said by every voice in VOICES (Kokoro, telephone quality:
tests/harness/speech_audio.natural_clip), so the set is generated, deterministically,
from this table: 48 phrasings x 3 voices = 144 clips.

Classes and what counts as right:
  opening      the visitor's first turn: each expected detail (apartment, resident,
               visitor name) as the app understands it (rule extractor + directory)
  name         the visitor's name, said alone after "qual é o seu nome?"
  number       the apartment, said alone after "para qual apartamento?"
  confirmation the visitor's answer to "Rafaela Silva, do 501, certo?" (yes / no)
  decision     the resident's answer to "autoriza a entrada?" (yes / no / who)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["opening", "name", "number", "confirmation", "decision"]
VOICES = ("pm_alex", "pf_dora", "pm_santa")


@dataclass(frozen=True)
class Utterance:
    kind: Kind
    text: str
    # apartment label ("501", "12 bloco B"), resident (full name), visitor (first name), reply
    expect: dict[str, str] = field(default_factory=dict)


def _o(text: str, **expect: str) -> Utterance:
    return Utterance("opening", text, expect)


OPENINGS = (
    _o("Boa tarde, tenho uma entrega para o apartamento quinhentos e um.", apartment="501"),
    _o("Oi, vim visitar a Fernanda Oliveira.", resident="Fernanda Oliveira", apartment="404"),
    _o(
        "Meu nome é Pedro, vim ver o Thiago Mendes.",
        visitor="Pedro",
        resident="Thiago Mendes",
        apartment="101",
    ),
    _o("Entrega do iFood para o apartamento cento e dois.", apartment="102"),
    _o("Bom dia, sou a Carla, vou no duzentos e dois.", visitor="Carla", apartment="202"),
    _o(
        "Vim falar com a Maria das Graças, do mil duzentos e um.",
        resident="Maria das Graças Santos",
        apartment="1201",
    ),
    _o("Sou o técnico da internet, apartamento trezentos e três.", apartment="303"),
    _o("Oi, é o Marcos, apartamento quatrocentos e quatro.", visitor="Marcos", apartment="404"),
    _o("Tenho uma encomenda para o Daniel dos Reis.", resident="Daniel dos Reis", apartment="501"),
    _o(
        "Boa noite, vim visitar o Luís Fernando, no cento e dois.",
        resident="Luís Fernando Costa",
        apartment="102",
    ),
    _o(
        "Sou o Bruno, amigo da Rafaela Silva.",
        visitor="Bruno",
        resident="Rafaela Silva",
        apartment="501",
    ),
    _o("Apartamento doze do bloco B, por favor.", apartment="12 bloco B"),
    _o("Correio, carta registrada para o quinhentos e um.", apartment="501"),
    _o(
        "Oi, meu nome é João, vim ver a Simone Araújo.",
        visitor="João",
        resident="Simone Araújo",
        apartment="12 bloco B",
    ),
)
NAMES = tuple(
    Utterance("name", t, {"visitor": v})
    for t, v in (
        ("Pedro.", "Pedro"),
        ("Meu nome é Carla.", "Carla"),
        ("Sou o Marcos.", "Marcos"),
        ("João Carlos.", "João"),
        ("É a Juliana.", "Juliana"),
        ("Roberto Alves.", "Roberto"),
        ("Lucas.", "Lucas"),
        ("Meu nome é Fernando.", "Fernando"),
    )
)
NUMBERS = tuple(
    Utterance("number", t, {"apartment": a})
    for t, a in (
        ("Quinhentos e um.", "501"),
        ("Cinco zero um.", "501"),
        ("Cento e um.", "101"),
        ("Apartamento duzentos e dois.", "202"),
        ("Quatrocentos e quatro.", "404"),
        ("Mil duzentos e um.", "1201"),
        ("Trezentos e três.", "303"),
        ("Doze, bloco A.", "12 bloco A"),
    )
)
CONFIRMATIONS = tuple(
    Utterance("confirmation", t, {"reply": r})
    for t, r in (
        ("Isso mesmo.", "yes"),
        ("Isso.", "yes"),
        ("Sim.", "yes"),
        ("Certo.", "yes"),
        ("Não.", "no"),
        ("Errado.", "no"),
        ("Não é esse.", "no"),
        ("Sim, isso mesmo.", "yes"),
    )
)
DECISIONS = tuple(
    Utterance("decision", t, {"reply": r})
    for t, r in (
        ("Sim.", "yes"),
        ("Pode entrar.", "yes"),
        ("Pode subir.", "yes"),
        ("Autorizo.", "yes"),
        ("Não.", "no"),
        ("Não autorizo.", "no"),
        ("Quem é?", "who"),
        ("Não conheço.", "no"),
        ("Sim, pode deixar subir.", "yes"),
        ("Não, não pode.", "no"),
    )
)

UTTERANCES: tuple[Utterance, ...] = OPENINGS + NAMES + NUMBERS + CONFIRMATIONS + DECISIONS
KINDS: tuple[Kind, ...] = ("opening", "name", "number", "confirmation", "decision")
