"""Jobs said as who one is ("sou o técnico da operadora", "a moça da limpeza")."""

from __future__ import annotations

# A job said as who one is ("sou o técnico da operadora", "motoboy do iFood"): the
# visitor's identity when no name is given. GENERIC_PEOPLE need what follows
# ("a moça da limpeza"); FEMININE_ROLES take "a" when no article was said.
ROLES = ("técnico", "técnica", "entregador", "entregadora", "motoboy", "motorista", "eletricista",
         "encanador", "diarista", "faxineira", "pintor", "jardineiro", "carteiro", "cuidador",
         "cuidadora", "babá", "manicure", "instalador", "pedreiro", "marceneiro", "montador",
         "chaveiro", "vidraceiro", "piscineiro", "dedetizador", "zelador", "leiturista",
         "enfermeiro", "enfermeira", "fisioterapeuta", "personal", "cabeleireiro", "cabeleireira",
         "passeador", "taxista", "mecânico", "funcionário", "funcionária")  # fmt: skip

GENERIC_PEOPLE = ("moça", "moço", "rapaz", "pessoal", "menino", "menina", "equipe", "turma")

FEMININE_ROLES = (
    "técnica",
    "entregadora",
    "faxineira",
    "cuidadora",
    "enfermeira",
    "cabeleireira",
    "diarista",
    "manicure",
    "babá",
    "moça",
    "menina",
    "equipe",
    "turma",
    "funcionária",
)

# Where a job's "do/da ..." stops: "técnico da Vivo | pro 202", "motoboy da farmácia | com".
ROLE_STOPS = (
    "pro",
    "pra",
    "para",
    "pros",
    "pras",
    "no",
    "na",
    "com",
    "que",
    "aqui",
    "apartamento",
    "apto",
    "ap",
    "bloco",
    "e",
    "vim",
    "tô",
    "to",
    "tá",
    "ta",
    "está",
    "estou",
    "pedido",
)
