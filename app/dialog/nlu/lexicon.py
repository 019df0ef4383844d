"""The pt-BR words the rules look for, normalized (lowercase, no accents)."""

from __future__ import annotations

from app.dialog.nlu.model import Intent

# (phrase, intent, detail): multi-word phrases first matters only for detail.
INTENT_CUES: list[tuple[str, Intent, str | None]] = [
    ("mercado livre", Intent.ENTREGA, "mercado livre"),
    ("ifood", Intent.ENTREGA, "ifood"), ("i food", Intent.ENTREGA, "ifood"),
    ("rappi", Intent.ENTREGA, "rappi"), ("shopee", Intent.ENTREGA, "shopee"),
    ("amazon", Intent.ENTREGA, "amazon"), ("correios", Intent.ENTREGA, "correios"),
    ("correio", Intent.ENTREGA, "correios"), ("sedex", Intent.ENTREGA, "correios"),
    ("loggi", Intent.ENTREGA, "loggi"), ("magalu", Intent.ENTREGA, "magalu"),
    ("aliexpress", Intent.ENTREGA, "aliexpress"), ("jadlog", Intent.ENTREGA, "jadlog"),
    ("ze delivery", Intent.ENTREGA, "ze delivery"), ("delivery", Intent.ENTREGA, None),
    ("entrega", Intent.ENTREGA, None), ("entregar", Intent.ENTREGA, None), ("encomenda", Intent.ENTREGA, None),
    ("pacote", Intent.ENTREGA, None), ("pedido", Intent.ENTREGA, None), ("motoboy", Intent.ENTREGA, None),
    ("pizza", Intent.ENTREGA, "comida"), ("lanche", Intent.ENTREGA, "comida"), ("marmita", Intent.ENTREGA, "comida"),
    ("comida", Intent.ENTREGA, "comida"), ("flores", Intent.ENTREGA, "flores"), ("carta", Intent.ENTREGA, None),
    ("uber", Intent.SERVICO, "motorista de aplicativo"), ("99", Intent.SERVICO, "motorista de aplicativo"),
    ("noventa e nove", Intent.SERVICO, "motorista de aplicativo"),
    ("motorista", Intent.SERVICO, "motorista de aplicativo"), ("corrida", Intent.SERVICO, "motorista de aplicativo"),
    ("eletricista", Intent.SERVICO, "eletricista"), ("encanador", Intent.SERVICO, "encanador"),
    ("tecnico", Intent.SERVICO, "tecnico"), ("manutencao", Intent.SERVICO, "manutencao"),
    ("conserto", Intent.SERVICO, "manutencao"), ("consertar", Intent.SERVICO, "manutencao"),
    ("instalacao", Intent.SERVICO, "instalacao"), ("instalar", Intent.SERVICO, "instalacao"),
    ("internet", Intent.SERVICO, "internet"), ("vivo", Intent.SERVICO, "internet"), ("claro", Intent.SERVICO, "internet"),
    ("net", Intent.SERVICO, "internet"), ("tim", Intent.SERVICO, "internet"),
    ("gas", Intent.SERVICO, "gas"), ("dedetizacao", Intent.SERVICO, "dedetizacao"),
    ("diarista", Intent.SERVICO, "limpeza"), ("faxina", Intent.SERVICO, "limpeza"), ("limpeza", Intent.SERVICO, "limpeza"),
    ("pintor", Intent.SERVICO, "obra"), ("pedreiro", Intent.SERVICO, "obra"), ("obra", Intent.SERVICO, "obra"),
    ("reforma", Intent.SERVICO, "obra"), ("servico", Intent.SERVICO, None), ("leitura", Intent.SERVICO, "leitura"),
    ("mudanca", Intent.SERVICO, "mudanca"), ("personal", Intent.SERVICO, "aula"), ("aula", Intent.SERVICO, "aula"),
    ("baba", Intent.SERVICO, "baba"), ("cuidadora", Intent.SERVICO, "cuidadora"),
    ("visita", Intent.VISITA, None), ("visitar", Intent.VISITA, None), ("vim ver", Intent.VISITA, None),
    ("falar com", Intent.VISITA, None), ("encontrar", Intent.VISITA, None), ("festa", Intent.VISITA, "festa"),
    ("aniversario", Intent.VISITA, "festa"), ("churrasco", Intent.VISITA, "festa"),
    ("amigo", Intent.VISITA, None), ("amiga", Intent.VISITA, None), ("namorado", Intent.VISITA, None),
    ("namorada", Intent.VISITA, None), ("mae", Intent.VISITA, "familia"), ("pai", Intent.VISITA, "familia"),
    ("irmao", Intent.VISITA, "familia"), ("irma", Intent.VISITA, "familia"), ("filho", Intent.VISITA, "familia"),
    ("filha", Intent.VISITA, "familia"), ("tio", Intent.VISITA, "familia"), ("tia", Intent.VISITA, "familia"),
    ("avo", Intent.VISITA, "familia"), ("primo", Intent.VISITA, "familia"), ("prima", Intent.VISITA, "familia"),
    ("sogra", Intent.VISITA, "familia"),
]

# Cues before the visitor's own name. Order: longer first.
VISITOR_CUES = [
    "meu nome e", "o meu nome e", "me chamo", "aqui quem fala e", "quem fala e", "aqui e o", "aqui e a",
    "aqui e", "eu sou o", "eu sou a", "eu sou", "sou o", "sou a", "sou", "fala o", "fala a",
]
# Cues before the resident's name.
RESIDENT_CUES = [
    "falar com o", "falar com a", "falar com", "vim ver o", "vim ver a", "vim ver", "visitar o", "visitar a",
    "visitar", "procurando o", "procurando a", "procuro o", "procuro a", "chamar o", "chamar a", "chama o",
    "chama a", "entrega para o", "entrega para a", "entrega pra", "entrega para", "encomenda para o",
    "encomenda para a", "encomenda pra", "encomenda para", "para o", "para a", "pro", "pra", "do morador",
    "da moradora", "casa do", "casa da", "casa de", "morador", "moradora", "em nome de", "em nome da",
    "em nome do", "nome do", "nome da", "seu", "dona",
]
# Words that end a name.
NAME_STOP = {
    "e", "eu", "vim", "venho", "tenho", "trouxe", "to", "tou", "estou", "para", "pra", "pro", "com", "que",
    "no", "na", "ao", "aqui", "apartamento", "apto", "ap", "bloco", "torre", "casa", "unidade", "uma", "um",
    "entrega", "encomenda", "pedido", "visita", "por", "favor", "obrigado", "obrigada", "bom", "boa", "dia",
    "tarde", "noite", "oi", "ola", "ta", "esta", "do", "da", "de", "dos", "das", "ai", "la", "mesmo", "isso",
    "sim", "nao", "quero", "queria", "preciso", "gostaria", "vou", "ele", "ela", "o", "a", "os", "as", "ja",
    "so", "tambem", "agora", "seu", "dona", "senhor", "senhora", "sr", "sra", "morador", "moradora", "mora",
    "ne", "tipo", "entao", "hum", "eh", "ah", "uh", "portaria", "porteiro", "interfone", "aberto", "abrir",
}
PARTICLES = {"da", "de", "do", "dos", "das"}
KEYPAD_CUES = ["digitar", "teclado", "teclar", "digito", "pelo teclado"]
