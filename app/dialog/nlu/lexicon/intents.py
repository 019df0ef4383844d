"""The words that say what a visitor came for: deliveries, services and visits.

Written plain (accents allowed); the rules normalize them. Weights rank the
cues when a visitor mixes them ("sou o motorista do iFood": the app names the
trade better than "motorista"):
  3 - names the app, company or trade ("iFood", "Correios", "eletricista")
  2 - says the purpose ("entrega", "visita", "técnico", "minha mãe")
  1 - a hint only ("pedido", "caixa", "amigo" - also said to strangers)
"""

from __future__ import annotations

from dataclasses import dataclass

from app.dialog.nlu.model import Intent

E, S, V = Intent.ENTREGA, Intent.SERVICO, Intent.VISITA


@dataclass(frozen=True)
class Cue:
    intent: Intent
    detail: str | None
    weight: int


def _cues(intent: Intent, weight: int, detail: str | None, *said: str) -> dict[str, Cue]:
    return {s: Cue(intent, detail, weight) for s in said}


INTENT_CUES: dict[str, Cue] = {
    # Deliveries. Spelling variants are what recognizers write for the brand names.
    **_cues(E, 3, "ifood", "ifood", "i food", "ai food", "aifood", "ifud", "ifude"),
    **_cues(E, 3, "rappi", "rappi", "rapi", "rappy"),
    **_cues(E, 3, "mercado livre", "mercado livre", "mercadolivre", "mercado libre"),
    **_cues(E, 3, "shopee", "shopee", "shopi", "xopi", "shoppe", "chopi"),
    **_cues(E, 3, "amazon", "amazon", "amazom", "amazon prime"),
    **_cues(E, 3, "correios", "correios", "correio", "sedex", "carteiro", "carteira dos correios"),
    **_cues(E, 3, "loggi", "loggi", "logi", "loggy", "lógi"),
    **_cues(E, 3, "magalu", "magalu", "magazine luiza"),
    **_cues(E, 3, "americanas", "americanas"), **_cues(E, 3, "shein", "shein", "xein"),
    **_cues(E, 3, "aliexpress", "aliexpress", "ali express"),
    **_cues(E, 3, "jadlog", "jadlog", "jad log"), **_cues(E, 3, "total express", "total express"),
    **_cues(E, 3, "zé delivery", "zé delivery", "ze delivery"), **_cues(E, 3, "daki", "daki"),
    **_cues(E, 3, "lalamove", "lalamove"), **_cues(E, 3, "uber flash", "uber flash"),
    **_cues(E, 3, "99food", "99food", "99 food"), **_cues(E, 3, "kangu", "kangu"),
    **_cues(E, 3, "farmácia", "farmácia", "drogaria", "drogasil", "droga raia", "pague menos"),
    **_cues(E, 3, "comida", "pizza", "pizzaria", "lanche", "hambúrguer", "marmita", "marmitex",
            "açaí", "sushi", "comida", "restaurante", "padaria", "esfiha", "quentinha"),
    # A meal is delivered ("trouxe o almoço") or shared ("vim pro jantar"): a hint only.
    **_cues(E, 1, "comida", "almoço", "jantar", "café da manhã", "bolo"),
    **_cues(E, 3, "gás", "botijão", "botijao de gás"),
    **_cues(E, 3, "água", "galão", "galão de água"),
    **_cues(E, 3, "flores", "flores", "floricultura", "buquê"),
    **_cues(E, 2, None, "entrega", "entregas", "entregar", "entregando", "entregador",
            "entregadora", "encomenda", "encomendas", "pacote", "pacotes", "pacotinho", "delivery",
            "motoboy", "correspondência", "mercadoria", "coleta", "coletar", "devolução"),
    **_cues(E, 1, None, "pedido", "caixa", "carta", "documento", "compra", "compras", "trouxe",
            "trazendo", "trazer", "mercado", "retirar"),
    # Services. Ride-hailing drivers are services: they come for someone.
    **_cues(S, 3, "uber", "uber", "úber", "uber moto"),
    **_cues(S, 3, "99", "da 99", "do 99", "na 99", "99 pop", "99pop", "99 táxi", "99 moto",
            "da noventa e nove", "do noventa e nove"),
    **_cues(S, 3, "táxi", "táxi", "taxi", "taxista"),
    **_cues(S, 3, "indrive", "indrive", "indriver"),
    **_cues(S, 3, "cabify", "cabify"),
    **_cues(S, 2, "motorista", "motorista", "corrida", "motorista de aplicativo"),
    **_cues(S, 3, "eletricista", "eletricista", "elétrica", "parte elétrica", "curto circuito"),
    **_cues(S, 3, "encanador", "encanador", "bombeiro hidráulico", "vazamento", "hidráulica"),
    **_cues(S, 3, "manutenção", "manutenção", "conserto", "consertar", "reparo", "arrumar",
            "assistência técnica"),
    **_cues(S, 3, "ar-condicionado", "ar condicionado", "ar-condicionado"),
    **_cues(S, 3, "internet", "internet", "wifi", "wi fi", "fibra", "da vivo", "da claro", "da net",
            "da tim", "da oi", "da sky", "vivo fibra", "claro net", "net claro", "técnico vivo",
            "técnico claro", "técnico net", "técnico da net", "técnico da vivo", "técnico da claro",
            "provedor", "tv a cabo", "operadora", "da operadora", "modem", "roteador"),
    **_cues(S, 3, "instalação", "instalação", "instalar", "instalador"),
    **_cues(S, 3, "gás", "leitura do gás", "técnico do gás", "vazamento de gás", "comgás"),
    **_cues(S, 1, "gás", "gás"),  # "o gás" alone: the bottle or the meter, purpose unsaid
    **_cues(S, 3, "dedetização", "dedetização", "dedetizar", "dedetizadora"),
    **_cues(S, 3, "limpeza", "limpeza", "faxina", "faxineira", "diarista"),
    **_cues(S, 3, "pintura", "pintor", "pintura"),
    **_cues(S, 3, "obra", "pedreiro", "obra", "reforma", "reformas"),
    **_cues(S, 3, "montagem", "marceneiro", "montador", "montagem", "montar os móveis"),
    **_cues(S, 3, "jardinagem", "jardineiro", "jardinagem", "jardim", "poda", "podar", "grama"),
    **_cues(S, 3, "piscina", "piscineiro", "piscina"),
    **_cues(S, 3, "chaveiro", "chaveiro"), **_cues(S, 3, "vidraceiro", "vidraceiro"),
    **_cues(S, 3, "mudança", "mudança", "frete", "carreto"),
    **_cues(S, 3, "leitura", "leitura", "leiturista", "medidor", "relógio de água",
            "relógio de luz"),
    **_cues(S, 3, "vistoria", "vistoria", "visita técnica"),
    **_cues(S, 3, "aula", "personal", "personal trainer", "aula", "professor particular",
            "professora particular", "aula particular"),
    **_cues(S, 2, "aula", "professor", "professora"),
    **_cues(S, 3, "cuidador", "babá", "cuidadora", "cuidador", "enfermeira", "enfermeiro"),
    **_cues(S, 3, "beleza", "manicure", "cabeleireira", "cabeleireiro", "maquiadora"),
    **_cues(S, 3, "pet", "passeador", "dog walker", "veterinário", "veterinária", "banho e tosa",
            "pet shop", "petshop"),
    **_cues(S, 2, "pet", "cachorro", "cachorra", "cachorrinho", "gato", "gatinho"),
    **_cues(S, 2, "técnico", "técnico", "técnica"),
    **_cues(S, 2, None, "serviço", "orçamento", "prestador", "prestadora", "funcionário da empresa",
            "vim atender", "atendimento", "fisioterapeuta", "fisioterapia", "consulta em casa"),
    # Visits.
    **_cues(V, 2, None, "visita", "visitar", "visitando", "vim ver", "vim visitar", "me esperando",
            "me aguardando", "está me esperando", "combinado com", "marcado com", "vim encontrar"),
    **_cues(V, 2, "festa", "festa", "aniversário", "churrasco", "confraternização", "niver"),
    **_cues(V, 2, "reunião", "reunião"),
    **_cues(V, 2, None, "pro jantar", "pro almoço", "para o jantar", "para o almoço", "pra jantar",
            "pra almoçar", "jantar com", "almoçar com", "almoço com", "quero ver", "queria ver",
            "vim estudar", "estudar com"),
    **_cues(V, 2, "convidado", "convidado", "convidada", "convite"),
    **_cues(V, 2, "família", "mãe", "pai", "irmão", "irmã", "filho", "filha", "tio", "tia", "avó",
            "avô", "vó", "vô", "primo", "prima", "sobrinho", "sobrinha", "sogra", "sogro",
            "cunhado", "cunhada", "neto", "neta", "esposa", "marido", "genro", "nora", "afilhado",
            "afilhada", "padrinho", "madrinha"),
    **_cues(V, 2, None, "namorado", "namorada", "noivo", "noiva"),
    **_cues(V, 1, "amigo", "amigo", "amiga", "colega"),
    **_cues(V, 1, None, "vizinho do", "vizinha do", "vizinho da", "vizinha da", "sou vizinho",
            "sou vizinha"),
    **_cues(V, 1, None, "falar com", "encontrar", "buscar", "pegar"),
}  # fmt: skip

# "a pedido do morador" is not an order; "visita técnica" is not a social visit:
# phrases that switch a cue off (they are matched first, then ignored).
NOT_CUES = ("a pedido", "a pedido de", "a pedido da", "a pedido do", "por favor")

# The visitor asking to type instead of speak: the flow switches to the keypad.
KEYPAD_CUES = ("digitar", "digito", "digitando", "teclar", "teclado", "tecla", "pelo teclado",
               "no teclado", "discar o número", "apertar os números")  # fmt: skip
