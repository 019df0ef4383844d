"""Number words, and the words that make a number said at the gate not an apartment
(an order number, a plate, an app named with a number: "pedido 4521", "da 99")."""

from __future__ import annotations

# Words that, said before a number, make it not an apartment ("pedido 4521").
NUMBER_OWNERS = ("pedido", "número do pedido", "código", "nota", "nota fiscal", "rastreio",
                 "rastreamento", "protocolo", "cpf", "rg", "documento", "senha", "telefone",
                 "celular", "whatsapp", "zap", "ordem de serviço", "chamado")  # fmt: skip

# A car plate mixes letters and digits: "placa ABC 1D23".
PLATE_WORDS = ("placa", "placa do carro", "placa da moto")

# App names that contain a number: masked before the apartment parser sees them.
APP_NUMBERS = ("da 99", "do 99", "na 99", "99 pop", "99pop", "99 táxi", "99 moto", "99 food",
               "99food", "da noventa e nove", "do noventa e nove", "motorista 99")  # fmt: skip

NUMBER_WORDS = ["zero", "um", "dois", "três", "quatro", "cinco", "seis", "meia", "sete", "oito",
                "nove", "dez", "onze", "doze", "treze", "quatorze", "catorze", "quinze",
                "dezesseis", "dezessete", "dezoito", "dezenove", "vinte", "trinta", "quarenta",
                "cinquenta", "sessenta", "setenta", "oitenta", "noventa", "cem", "cento",
                "duzentos", "trezentos", "quatrocentos", "quinhentos", "seiscentos", "setecentos",
                "oitocentos", "novecentos", "mil", "primeiro", "segundo", "terceiro", "quarto",
                "quinto"]  # fmt: skip
