"""The words around people's names: what comes before or after the visitor's own
name and the resident's ("meu nome é", "vim ver a", "Pedro aqui", "a Rafaela tá
me esperando"), titles, articles and particles, and surnames that are everyday words."""

from __future__ import annotations

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

# Surnames that are also everyday words ("graças a Deus", "dois dias"): found
# in the directory only next to another part of the same name, or after a cue.
COMMON_WORD_SURNAMES = ["graças", "gracas", "costa", "lima", "rosa", "paz", "luz", "flores",
                        "campos", "rocha", "vale", "neves", "ramos", "prado", "cruz", "fontes",
                        "pinto", "leite", "branco", "bueno", "mota", "moura", "reis", "santos",
                        "bispo", "porto", "serra", "franco", "barros", "matos", "castro",
                        "carneiro", "coelho", "lobo", "cordeiro", "pereira", "oliveira", "machado",
                        "nogueira", "amaral", "dias", "rios", "torres", "sales",
                        "monte"]  # fmt: skip
