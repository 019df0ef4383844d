"""Words that carry no information at the gate: fillers, greetings, function words,
replies and other words that are never names."""

from __future__ import annotations

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

# Said before "é o Pedro" at the start of a turn: "oi, boa tarde, é o Pedro".
CLAUSE_OPENERS = ["oi", "olá", "ola", "opa", "ei", "ô", "alô", "bom", "boa", "dia", "tarde",
                  "noite", "tudo", "bem", "e", "aí", "eh", "hã", "hum", "então", "tipo", "olha",
                  "ó", "moço", "moça", "senhor", "senhora", "porteiro", "amigo", "amiga", "chefe",
                  "oh"]  # fmt: skip

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
