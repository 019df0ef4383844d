"""What each turn tells the recognizer to expect, and how its answer is read back.

Open turns (the visitor's request) get the building's names and apartment
numbers as a prompt, likeliest first: once the apartment is known, its
residents lead. Closed questions (the resident's decision, the visitor's
"certo?") get the phrases people answer them with; a recognizer that can score
phrases against the audio picks one, and the meaning of each phrase is what
the text classifiers already say about it, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable

from app.dialog.context import Conversation
from app.dialog.nlu import Reply, classify_confirmation, classify_reply
from app.dialog.ports import Input, SttHint
from app.directory.model import Apartment
from app.directory.spoken import UNITS, say_number
from app.media.stt.prompt import directory_prompt

# Up to this many apartments, "para qual apartamento?" is a closed question: every
# way of saying each number is scored. Beyond, scoring costs more than it helps.
MAX_APARTMENT_CHOICES = 12
_DIGIT_WORDS = {v: k for k, v in UNITS.items() if k != "meia"} | {3: "três"}

# Short on purpose: every phrase is one more way to be wrong on a noisy line.
RESIDENT_ANSWERS = ("sim", "pode", "pode entrar", "pode subir", "pode deixar subir", "autorizo",
                    "claro", "tudo bem", "não", "não autorizo", "não conheço", "não pode", "quem é",
                    "quem", "o quê", "repete")  # fmt: skip
# Not "exato": it scores within a hair of "errado", its opposite.
CONFIRM_ANSWERS = (
    "sim", "isso", "isso mesmo", "é isso", "certo", "correto",
    "não", "não é", "não é esse", "errado",
)  # fmt: skip


def _choices(
    phrases: tuple[str, ...], classify: Callable[[str], Reply]
) -> tuple[tuple[str, str], ...]:
    return tuple((p, classify(p).value) for p in phrases)


RESIDENT_HINT = SttHint(choices=_choices(RESIDENT_ANSWERS, classify_reply))
CONFIRM_HINT = SttHint(choices=_choices(CONFIRM_ANSWERS, classify_confirmation))


def visitor_hint(conv: Conversation) -> SttHint:
    """The building's names and numbers; the known apartment's residents first.

    Not when the visitor is asked their own name: visitors are not in the directory,
    and the prompt turned "Fernando" into the resident "Fernanda" (bench).
    """
    if conv.visit.awaiting == "visitor_name":
        return SttHint()
    apartments = list(conv.directory.apartments)
    if conv.apartment is not None:
        apartments.sort(key=lambda a: a != conv.apartment)
    prompt = building_prompt(apartments)
    if conv.visit.awaiting == "apartment" and len(apartments) <= MAX_APARTMENT_CHOICES:
        # Whisper base writes "cento e um" said alone as "Centurion": scored, it is 101.
        return SttHint(prompt=prompt, choices=apartment_choices(apartments))
    return SttHint(prompt=prompt)


def building_prompt(apartments: list[Apartment]) -> str:
    names = [r.name for a in apartments for r in a.residents]
    return directory_prompt(dict.fromkeys(names), dict.fromkeys(a.label() for a in apartments))


def apartment_choices(apartments: list[Apartment]) -> tuple[tuple[str, str], ...]:
    """Each apartment as it is said: "quinhentos e um", "cinco zero um", "doze bloco A";
    meaning: its label, which the dialog parses back. No "apartamento …" forms: they
    doubled the batch (and the time) for the same 24/24 on the bench set, because an
    unexpected first word lowers every phrase alike."""
    out: list[tuple[str, str]] = []
    for a in apartments:
        if not a.number.isdigit():
            continue
        block = f" bloco {a.block}" if a.block else ""
        said = say_number(int(a.number))
        forms = [said]
        if len(a.number) >= 3:
            forms.append(" ".join(_DIGIT_WORDS[int(d)] for d in a.number))
        out += [(form + block, a.label()) for form in forms]
    return tuple(out)


def read_reply(heard: Input, classify: Callable[[str], Reply]) -> Reply:
    """The meaning of a closed question's answer.

    A phrase the recognizer is sure of is read as that phrase. Free text is read
    as usual, except when the recognizer doubts it: after scoring the expected
    answers without a clear winner, a doubtful text is asked again whatever it
    says, and elsewhere a doubtful "yes" is (the gate opens on an explicit yes).
    """
    if heard.choice:
        return classify(heard.choice)
    if not heard.text or (heard.scored and heard.unsure):
        return Reply.UNKNOWN
    reply = classify(heard.text)
    if reply is Reply.YES and heard.unsure:
        return Reply.UNKNOWN
    return reply
