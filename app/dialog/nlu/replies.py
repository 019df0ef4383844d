"""Yes / no / "who is it?": the resident's answer, and the visitor confirming a match.

Whole words and phrases only ("Simone" is not "sim", "nãozinho" is nothing).
The gate opens on YES alone, so anything doubtful leans away from it:
  - an explicit refusal ("não autorizo", "não conheço", "manda embora") wins over all;
  - then a question ("não sei, quem é?", "sim, mas quem é?") asks for more;
  - then a bare negation ("não pode entrar", "claro que não");
  - "não sei" alone asks for more;
  - only then a yes ("sim", "pode", "pode deixar subir", "não tem problema").
Idioms that contain "não" but mean yes are listed whole, and the longest
phrase wins where phrases overlap, so "não tem problema" is never "não".
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from app.dialog.nlu.text import PhraseIndex, words
from app.directory.normalize import normalize


class Reply(enum.StrEnum):
    YES = "yes"
    NO = "no"
    WHO = "who"
    UNKNOWN = "unknown"


_REFUSE, _WHO, _NO, _UNSURE, _YES = "refuse", "who", "no", "unsure", "yes"
_MAYBE_WHO, _MAYBE_YES = "maybe_who", "maybe_yes"

_REPLY_PHRASES: dict[str, tuple[str, ...]] = {
    _REFUSE: (
        "não autorizo", "não autoriza", "não autorizado", "não pode", "não pode entrar",
        "não pode subir", "não deixa", "não deixa entrar", "não deixa subir", "não libera",
        "não abre", "não conheço", "não conheço ninguém", "num conheço", "num pode", "num deixa",
        "desconheço", "não é pra mim", "não é para mim", "não estou esperando", "não tô esperando",
        "não to esperando", "não pedi", "não encomendei", "não chamei", "não quero", "nego",
        "negado", "nega", "pode negar", "manda embora", "manda ir embora", "pode mandar embora",
        "manda voltar", "nem pensar", "de jeito nenhum", "jamais", "engano", "é engano", "recuso",
        "proibido", "deixa na portaria", "deixar na portaria", "pode deixar na portaria",
        "deixa com o porteiro", "pode deixar com o porteiro", "deixa aí embaixo",
        "não precisa subir", "não sobe", "barra",
    ),
    _WHO: (
        "quem", "quem é", "quem tá aí", "quem está aí", "repete", "repita", "repetir",
        "pode repetir", "não entendi", "não ouvi", "não escutei", "não tô ouvindo", "num entendi",
        "de novo", "fala de novo", "como assim", "como é que é", "como é", "qual o nome",
        "qual nome", "qual é o nome", "o que ele quer", "o que ela quer", "o que é", "o que foi",
        "que pessoa", "que entrega", "de onde", "da onde", "fala mais alto", "mais alto", "hein",
    ),
    # Questions only when said alone or asked ("o quê?", "como?", "oi?", "alô?").
    _MAYBE_WHO: ("o que", "oque", "que", "como", "oi", "alô", "hã", "ué", "hum", "ahn"),
    _NO: ("não", "nao", "não não", "nem", "nope", "negativo", "nunca", "ninguém", "nada disso"),
    _UNSURE: ("não sei", "num sei", "sei lá", "não lembro", "não faço ideia", "não tenho certeza"),
    _YES: (
        "sim", "sim sim", "pode", "pode sim", "pode entrar", "pode subir", "pode deixar",
        "pode deixar subir", "pode deixar entrar", "pode liberar", "pode abrir", "pode mandar",
        "pode mandar subir", "pode mandar entrar", "pode vir", "manda subir", "manda entrar",
        "deixa subir", "deixa entrar", "autorizo", "autorizado", "autoriza", "está autorizado",
        "tá autorizado", "claro", "claro que sim", "libera", "liberado", "liberar", "abre aí",
        "tá bom", "tá certo", "tá ótimo", "tudo bem", "tudo certo", "ok", "okay", "beleza", "blz",
        "positivo", "com certeza", "isso mesmo", "confirmo", "aceito", "uhum", "aham", "perfeito",
        "estou esperando", "tô esperando", "tava esperando", "estava esperando", "sem problema",
        "sem problemas", "não tem problema", "não há problema", "por que não", "porque não",
        "como não", "de boa", "pode ser", "é pra mim", "é para mim", "yes", "conheço sim",
        *(f"{verb} {who} {what}" for verb in ("manda", "deixa", "pode deixar", "pode mandar")
          for who in ("ele", "ela", "eles", "elas") for what in ("subir", "entrar")),
        "abre o portão", "abre pra ele", "abre pra ela", "pode abrir o portão", "libera ele",
        "libera ela", "libera a entrada", "pode liberar a entrada", "pode liberar ele",
        "pode liberar ela",
    ),
    # Yes only when nothing else is said: "tá" alone is yes, "hoje tá calor" is not.
    _MAYBE_YES: ("tá", "ta", "deixa", "manda", "sobe", "abre", "isso", "certo", "conheço",
                 "tranquilo", "show", "bora", "fechou", "demorou", "firmeza", "joia"),
}  # fmt: skip
_RANK = (_REFUSE, _WHO, _NO, _UNSURE, _YES)

_CONFIRM_PHRASES: dict[str, tuple[str, ...]] = {
    _NO: ("não", "nao", "não é", "não é esse", "não é essa", "não é ele", "não é ela", "esse não",
          "essa não", "errado", "errada", "outro", "outra", "outro apartamento", "negativo",
          "nada disso", "incorreto", "engano", "trocado", "num é"),
    _YES: ("sim", "isso", "isso mesmo", "isso aí", "certo", "certinho", "correto", "exato",
           "exatamente", "positivo", "esse", "essa", "esse mesmo", "essa mesma", "ele", "ela",
           "ele mesmo", "ela mesma", "ok", "uhum", "aham", "perfeito", "pode ser", "confirmo",
           "confirmado", "com certeza", "claro", "tá certo", "é esse", "é essa", "é isso", "é sim",
           "é ele", "é ela", "é isso mesmo", "pode", "pode chamar", "pode ligar", "beleza",
           "tudo certo", "sim senhor", "sim senhora", "é o próprio", "é a própria"),
}  # fmt: skip
# Ignored when deciding whether a word was said alone ("ah, é", "o quê, moço?").
_FILLERS = frozenset(
    normalize(w)
    for w in (
        "ah",
        "eh",
        "oh",
        "ô",
        "ó",
        "olha",
        "moço",
        "moça",
        "senhor",
        "senhora",
        "então",
        "é",
        "hum",
        "hã",
    )
)


def _index(table: dict[str, tuple[str, ...]]) -> PhraseIndex[str]:
    return PhraseIndex((said, kind) for kind, phrases in table.items() for said in phrases)


_REPLIES = _index(_REPLY_PHRASES)
_CONFIRMS = _index(_CONFIRM_PHRASES)


def _kinds(norms: list[str], idx: PhraseIndex[str]) -> set[str]:
    hits = idx.find_all(norms)
    kinds = {kind for _, _, kind in hits}
    if _MAYBE_YES in kinds:
        covered = {i + k for i, said, _ in hits for k in range(len(said))}
        if all(i in covered or n in _FILLERS for i, n in enumerate(norms)) and kinds <= {
            _YES,
            _MAYBE_YES,
        }:
            kinds.add(_YES)
    return kinds


def _only(norms: Iterable[str], said: set[str]) -> bool:
    rest = [n for n in norms if n not in _FILLERS]
    return bool(rest) and " ".join(rest) in said


_ALONE_WHO = {normalize(p) for p in _REPLY_PHRASES[_MAYBE_WHO]}


def classify_reply(text: str) -> Reply:
    """The resident's answer to "você autoriza a entrada?"."""
    raw = text.strip()
    norms = [w.norm for w in words(raw)]
    asked = raw.endswith("?")
    if not norms:
        return Reply.WHO if "?" in raw else Reply.UNKNOWN
    kinds = _kinds(norms, _REPLIES)
    if _MAYBE_WHO in kinds and (asked or _only(norms, _ALONE_WHO)):
        kinds.add(_WHO)
    first = next((k for k in _RANK if k in kinds), None)
    if first in (_REFUSE, _NO):
        return Reply.NO
    if first in (_WHO, _UNSURE):
        return Reply.WHO
    if first == _YES:
        return Reply.YES
    return Reply.WHO if asked else Reply.UNKNOWN


def classify_confirmation(text: str) -> Reply:
    """The visitor's answer to "Rafaela Silva, do apartamento 501, certo?"."""
    ws = words(text)
    norms = [w.norm for w in ws]
    kinds = _kinds(norms, _CONFIRMS)
    if _NO in kinds:
        return Reply.NO
    if _YES in kinds:
        return Reply.YES
    # "é" alone, or "é, pode chamar": yes. "é o 502" is a correction, not a yes.
    if norms and norms[0] == "e" and (len(norms) == 1 or ws[1].pause):
        return Reply.YES
    return Reply.UNKNOWN
