"""The pt-BR words the rules look for, as said at a Brazilian condominium's gate.

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

# Words that, said before a number, make it not an apartment ("pedido 4521").
NUMBER_OWNERS = ("pedido", "número do pedido", "código", "nota", "nota fiscal", "rastreio",
                 "rastreamento", "protocolo", "cpf", "rg", "documento", "senha", "telefone",
                 "celular", "whatsapp", "zap", "ordem de serviço", "chamado")  # fmt: skip
# A car plate mixes letters and digits: "placa ABC 1D23".
PLATE_WORDS = ("placa", "placa do carro", "placa da moto")
# App names that contain a number: masked before the apartment parser sees them.
APP_NUMBERS = ("da 99", "do 99", "na 99", "99 pop", "99pop", "99 táxi", "99 moto", "99 food",
               "99food", "da noventa e nove", "do noventa e nove", "motorista 99")  # fmt: skip

# Before the visitor's own name. The ones in AT_CLAUSE_START only count at the
# start of a sentence: "vim ver a Ana e o Paulo" has no visitor in it.
VISITOR_CUES = ("meu nome é", "o meu nome é", "meu nome", "o nome é", "me chamo", "eu me chamo",
                "pode me chamar de", "aqui é", "aqui quem fala é", "quem fala é",
                "quem tá falando é", "aqui fala", "sou", "eu sou", "fala que é", "diz que é",
                "avisa que é", "fala pra ela que é", "fala pra ele que é",
                "avisa que quem tá aqui é", "é", "sou eu", "é eu")  # fmt: skip
AT_CLAUSE_START = ("é",)
# After the visitor's name, at the start of a sentence: "Pedro aqui", "Pedro falando".
VISITOR_SUFFIXES = ("aqui", "falando")
# After the visitor's name anywhere: "avisa a Ana que a Cristina chegou".
VISITOR_ARRIVED = (
    "chegou",
    "tá na portaria",
    "está na portaria",
    "tá aqui embaixo",
    "está aqui embaixo",
    "tá no portão",
    "está no portão",
)

# Who the visitor is to the resident ("Ricardo, cunhado do Thiago").
RELATIONS = ("mãe", "pai", "irmão", "irmã", "filho", "filha", "tio", "tia", "avó", "avô", "primo",
             "prima", "sobrinho", "sobrinha", "sogra", "sogro", "cunhado", "cunhada", "neto",
             "neta", "amigo", "amiga", "colega", "namorado", "namorada", "convidado", "convidada",
             "noivo", "noiva", "afilhado", "afilhada", "personal", "professor", "professora",
             "diarista", "babá", "cuidadora", "cuidador", "funcionário", "funcionária", "motorista",
             "vizinho", "vizinha", "marido", "esposa", "genro", "nora", "padrinho", "madrinha",
             "manicure", "fisioterapeuta", "enfermeira", "enfermeiro")  # fmt: skip

# Before the name of the resident visited. Weak ones ("pra Simone") need the
# name to be in the directory or written with a capital letter.
RESIDENT_CUES = (
    "falar com", "fala com", "conversar com", "vim ver", "vim visitar", "visitar", "ver",
    "visita pra", "visita para", "visita pro", "visita da", "visita do", "procurando", "procuro",
    "procura", "chamar", "chama", "chamando", "avisar", "avisa", "avise", "interfonar pra",
    "interfona pra", "interfonar para", "ligar pra", "ligar para", "liga pra", "liga pro",
    "ligar pro", "buscar", "busca", "pegar", "encontrar", "entrega pra", "entrega para",
    "entrega pro", "entrega da", "entrega do", "encomenda pra", "encomenda para", "encomenda pro",
    "encomenda da", "encomenda do", "pacote pra", "pacote para", "pacote pro", "pacote da",
    "pacote do", "pedido pra", "pedido para", "pedido pro", "pedido da", "pedido do", "caixa pra",
    "caixa para", "correspondência pra", "correspondência para", "em nome de", "em nome da",
    "em nome do", "no nome de", "no nome da", "no nome do", "casa de", "casa da", "casa do",
    "apartamento da", "apartamento do", "ap da", "ap do", "morador", "moradora", "destinatário",
    "destinatária",
    # Visitors say "seu Daniel", "dona Fernanda" of residents, never of themselves.
    "seu", "dona", "senhor", "senhora", "doutor", "doutora", "dr", "dra",
    # "amigo da Rafaela", "mãe do Daniel": the relation says whom they visit.
    *(f"{rel} {p}" for rel in RELATIONS for p in ("da", "do", "de")),
)  # fmt: skip
WEAK_RESIDENT_CUES = ("pra", "para", "pro", "pros", "pras", "é pra", "é para", "é pro")
# After the resident's name: "a Rafaela tá me esperando", "o Daniel pediu".
RESIDENT_SUFFIXES = ("tá me esperando", "está me esperando", "me esperando", "me aguardando",
                     "tá esperando", "está esperando", "me chamou", "pediu", "me ligou", "mora",
                     "que mora", "comprou", "encomendou", "chamou", "que eu quero ver",
                     "que eu vim ver", "que eu queria ver")  # fmt: skip

ARTICLES = ("o", "a", "os", "as")
# Said before a name out of respect, the visitor's own included ("sou a doutora Helena").
FORMAL_TITLES = ("seu", "dona", "senhor", "senhora", "sr", "sra", "doutor", "doutora", "dr", "dra")
HONORIFICS = ("seu", "dona", "senhor", "senhora", "sr", "sra", "doutor", "doutora", "dr", "dra",
              "sô", "siô", "dono", "tia", "tio")  # fmt: skip
PARTICLES = ("da", "de", "do", "das", "dos")

KEYPAD_CUES = ("digitar", "digito", "digitando", "teclar", "teclado", "tecla", "pelo teclado",
               "no teclado", "discar o número", "apertar os números")  # fmt: skip

# Filler, greeting and function words: explained (they do not lower confidence)
# and never part of a name.
FILLERS = ["oi", "olá", "ola", "opa", "ei", "ô", "alô", "bom", "dia", "boa", "tarde", "noite",
           "tudo", "bem", "bom", "tranquilo", "beleza", "e", "aí", "eaí", "por", "favor",
           "obrigado", "obrigada", "valeu", "brigado", "licença", "desculpa", "desculpe", "tipo",
           "então", "né", "ah", "eh", "é", "hã", "hum", "hm", "uh", "ahn", "ãh", "olha", "ó",
           "moço", "moça", "senhor", "senhora", "chefe", "parceiro", "mano", "brother", "querido",
           "querida", "patrão", "campeão", "jovem", "porteiro", "portaria", "seu", "dona", "gente",
           "pessoal", "galera", "cara", "rapaz", "amigão", "o", "a", "os", "as", "um", "uma", "uns",
           "umas", "de", "da", "do", "das", "dos", "em", "no", "na", "nos", "nas", "num", "numa",
           "por", "pelo", "pela", "pelos", "pelas", "para", "pra", "pro", "pras", "pros", "com",
           "sem", "e", "ou", "mas", "que", "se", "como", "quando", "onde", "porque", "eu", "ele",
           "ela", "nós", "voce", "você", "vc", "vocês", "me", "mim", "te", "lhe", "meu", "minha",
           "meus", "minhas", "sua", "suas", "dele", "dela", "deles", "isso", "isto", "aquilo",
           "esse", "essa", "este", "esta", "estes", "aqui", "aí", "ai", "lá", "ali", "cá", "já",
           "só", "também", "agora", "hoje", "ainda", "muito", "pouco", "mais", "menos", "bem",
           "mal", "sim", "não", "nao", "vim", "venho", "veio", "vou", "vai", "vamos", "estou", "tô",
           "to", "tou", "tá", "ta", "está", "estamos", "sou", "era", "foi", "tenho", "tem", "tinha",
           "quero", "queria", "gostaria", "preciso", "precisa", "posso", "pode", "poderia", "podia",
           "falar", "fala", "ver", "deixar", "deixa", "subir", "sobe", "entrar", "entra", "abrir",
           "abre", "liberar", "libera", "portão", "favor", "chegou", "cheguei", "chegando",
           "esperando", "espera", "aguardando", "avisar", "avisa", "chamar", "chama", "ser",
           "sendo", "nome", "chamo", "quem", "fala", "falando", "vir", "vem", "acho", "sei",
           "saber", "mesmo", "certo", "lado", "frente", "dela", "daqui", "deixa", "vamo", "bora",
           "rapidinho", "rápido", "minutinho", "momento", "fazer", "faz", "fiz", "usar", "prefiro",
           "achar", "achei", "acho", "ir", "ficar", "fica", "dar", "dá", "levar", "ter", "estar",
           "estava", "tava", "vai", "gente", "usar", "pedir", "pediu", "apartamento",
           "apartamentos", "apto", "ap", "apt", "apê", "unidade", "casa", "bloco", "torre",
           "prédio", "andar", "número", "nº"]  # fmt: skip

NUMBER_WORDS = ["zero", "um", "dois", "três", "quatro", "cinco", "seis", "meia", "sete", "oito",
                "nove", "dez", "onze", "doze", "treze", "quatorze", "catorze", "quinze",
                "dezesseis", "dezessete", "dezoito", "dezenove", "vinte", "trinta", "quarenta",
                "cinquenta", "sessenta", "setenta", "oitenta", "noventa", "cem", "cento",
                "duzentos", "trezentos", "quatrocentos", "quinhentos", "seiscentos", "setecentos",
                "oitocentos", "novecentos", "mil", "primeiro", "segundo", "terceiro", "quarto",
                "quinto"]  # fmt: skip

# Replies are never names: "sim" must not find "Simone", nor "claro" a person.
REPLY_WORDS = ("sim", "não", "nao", "ok", "okay", "isso", "claro", "pode", "certo", "errado",
               "nego", "negativo", "positivo", "uhum", "aham", "exato", "nunca",
               "jamais")  # fmt: skip

# More words that are never names but would not lower confidence either.
NOT_NAMES = ["entregador", "entregadora", "motorista", "técnico", "técnica", "funcionário",
             "funcionária", "empresa", "aplicativo", "app", "rua", "avenida", "loja", "condomínio",
             "morador", "moradora", "moradores", "moradia", "visitante", "pessoa", "alguém",
             "ninguém", "pedido", "pacote", "caixa", "carro", "moto", "bicicleta", "hora", "horas",
             "minuto", "minutos", "dia", "semana", "amanhã", "ontem", "cedo", "tarde", "logo",
             "lugar", "coisa", "negócio", "trabalho", "serviço", "comida", "pizza", "lanche",
             "síndico", "síndica", "zelador", "chuveiro", "torneira", "geladeira", "fogão",
             "máquina", "portão", "janela", "porta", "tomada", "modem", "roteador", "pia",
             "vazamento", "administração", "administradora", "gerente", "responsável", "dono",
             "dona", "proprietário", "proprietária", "inquilino", "primeira", "segunda", "terceira",
             "último", "última", "nenhum", "nenhuma", "opção"]  # fmt: skip

# Never names, and vague: said instead of what the visitor means ("o negócio lá"),
# so they lower the rules' confidence.
VAGUE = ("coisa", "negócio", "treco", "parada", "bagulho", "lance", "esquema", "trem", "lugar")

# Surnames that are also everyday words ("graças a Deus", "dois dias"): found
# in the directory only next to another part of the same name, or after a cue.
COMMON_WORD_SURNAMES = ["graças", "gracas", "costa", "lima", "rosa", "paz", "luz", "flores",
                        "campos", "rocha", "vale", "neves", "ramos", "prado", "cruz", "fontes",
                        "pinto", "leite", "branco", "bueno", "mota", "moura", "reis", "santos",
                        "bispo", "porto", "serra", "franco", "barros", "matos", "castro",
                        "carneiro", "coelho", "lobo", "cordeiro", "pereira", "oliveira", "machado",
                        "nogueira", "amaral", "dias", "rios", "torres", "sales",
                        "monte"]  # fmt: skip

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

# Said before "é o Pedro" at the start of a turn: "oi, boa tarde, é o Pedro".
CLAUSE_OPENERS = ["oi", "olá", "ola", "opa", "ei", "ô", "alô", "bom", "boa", "dia", "tarde",
                  "noite", "tudo", "bem", "e", "aí", "eh", "hã", "hum", "então", "tipo", "olha",
                  "ó", "moço", "moça", "senhor", "senhora", "porteiro", "amigo", "amiga", "chefe",
                  "oh"]  # fmt: skip
