"""Yes / no / "who is it?" in pt-BR, for the resident's answer and the visitor's confirmation.

Whole words only ("Simone" is not "sim"). A question wins over yes/no ("não
sei, quem é?" asks for more), and a negation wins over yes ("não pode entrar").
"""

from __future__ import annotations

import enum
import re

from app.directory.normalize import normalize


class Reply(enum.StrEnum):
    YES = "yes"
    NO = "no"
    WHO = "who"
    UNKNOWN = "unknown"


_WHO = ["quem", "quem e", "repete", "repita", "repetir", "como e", "como assim", "o que", "oque",
        "qual o nome", "nao entendi", "de novo", "fala de novo", "pode repetir"]
_NO = ["nao", "nego", "negativo", "nunca", "jamais", "recuso", "de jeito nenhum", "manda embora",
       "nao autorizo", "nao conheco", "nem pensar", "nope", "proibido"]
_YES = ["sim", "pode", "autorizo", "autorizado", "autoriza", "claro", "libera", "liberado", "liberar",
        "ta bom", "tudo bem", "ok", "okay", "beleza", "pode entrar", "pode subir", "deixa entrar", "deixa subir",
        "manda subir", "positivo", "com certeza", "isso", "sobe", "abre", "abrir", "confirmo", "aceito", "yes",
        "uhum", "aham", "perfeito", "certo"]
_CONFIRM_YES = ["sim", "isso", "isso mesmo", "certo", "exato", "correto", "e", "e sim", "positivo", "esse",
                "essa", "ele", "ela", "ok", "isso ai", "aham", "uhum", "confirmo", "perfeito", "pode ser"]
_CONFIRM_NO = ["nao", "errado", "outro", "outra", "negativo", "nada disso", "incorreto"]


def _any(t: str, words: list[str]) -> bool:
    return any(re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", t) for w in words)


def classify_reply(text: str) -> Reply:
    raw = text.strip()
    t = normalize(raw)
    if not t:
        return Reply.WHO if "?" in raw else Reply.UNKNOWN
    if _any(t, _WHO):
        return Reply.WHO
    if _any(t, _NO):
        return Reply.NO
    if _any(t, _YES):
        return Reply.YES
    return Reply.WHO if raw.endswith("?") else Reply.UNKNOWN


def classify_confirmation(text: str) -> Reply:
    t = normalize(text)
    if _any(t, _CONFIRM_NO):
        return Reply.NO
    if _any(t, _CONFIRM_YES):
        return Reply.YES
    return Reply.UNKNOWN
