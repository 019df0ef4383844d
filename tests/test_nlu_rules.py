"""Must-pass cases of the rule extractor, the visit state and the reply classifiers.

The table (test_nlu_table.py) measures accuracy; these pin the behaviours a
regression must never break, each for a reason given next to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.dialog.nlu import (
    Extraction,
    Intent,
    Reply,
    RuleExtractor,
    VisitState,
    classify_confirmation,
    classify_reply,
)
from app.dialog.nlu.choice import ChoiceWords, read_choice
from app.directory.directory import Directory
from app.directory.numbers import ApartmentRef

DIRECTORY = Path(__file__).resolve().parents[1] / "data" / "apartamentos.json"


@pytest.fixture(scope="module")
def rules() -> RuleExtractor:
    return RuleExtractor(Directory.load(DIRECTORY))


def ex(rules: RuleExtractor, text: str, state: VisitState | None = None) -> Extraction:
    return rules.extract_sync(text, state or VisitState())


# --- replies: the gate opens on YES alone -----------------------------------


@pytest.mark.parametrize(("text", "want"), [
    ("não pode entrar", Reply.NO),  # negation wins over "pode entrar"
    ("claro que não", Reply.NO),
    ("não, pode deixar na portaria", Reply.NO),
    ("sim, pode", Reply.YES),
    ("não tem problema, pode subir", Reply.YES),  # an idiom with "não" that means yes
    ("não sei, quem é?", Reply.WHO),  # a question wins over yes/no
    ("sim, mas quem é?", Reply.WHO),
    ("não sei quem é, não autorizo", Reply.NO),  # an explicit refusal wins over the question
    ("Simone", Reply.UNKNOWN),  # whole words only: "Simone" is not "sim"
    ("simpático", Reply.UNKNOWN),
    ("nãozinho", Reply.UNKNOWN),
    ("?", Reply.WHO),
    ("", Reply.UNKNOWN),
    ("hoje tá calor", Reply.UNKNOWN),  # "tá" is yes only when said alone
    ("tá", Reply.YES),
    ("NÃO!", Reply.NO),
    ("Pode entrar.", Reply.YES),
])  # fmt: skip
def test_reply_must_pass(text: str, want: Reply) -> None:
    assert classify_reply(text) is want


@pytest.mark.parametrize(("text", "want"), [
    ("isso", Reply.YES), ("é", Reply.YES), ("sim", Reply.YES), ("certo", Reply.YES),
    ("não", Reply.NO), ("errado", Reply.NO), ("é o outro", Reply.NO), ("não é essa", Reply.NO),
    ("é o 502", Reply.UNKNOWN),  # a correction, not a yes: the extractor reads the 502
    ("Simone", Reply.UNKNOWN),
])  # fmt: skip
def test_confirmation_must_pass(text: str, want: Reply) -> None:
    assert classify_confirmation(text) is want


# --- extraction ----------------------------------------------------------------


def test_resident_after_cue(rules: RuleExtractor) -> None:
    e = ex(rules, "vim ver a Rafaela")
    assert e.resident_name == "Rafaela"
    assert e.intent is Intent.VISITA
    assert e.visitor_name is None


def test_apartment_in_words(rules: RuleExtractor) -> None:
    assert ex(rules, "quinhentos e um").apartment == ApartmentRef("501", None)
    assert ex(rules, "cinco zero um").apartment == ApartmentRef("501", None)
    assert ex(rules, "apartamento 12 do bloco B").apartment == ApartmentRef("12", "B")


@pytest.mark.parametrize("text", ["sim", "Sim, isso mesmo", "não", "claro", "ok"])
def test_reply_words_are_never_names(rules: RuleExtractor, text: str) -> None:
    e = ex(rules, text)
    assert e.resident_name is None and e.visitor_name is None


def test_simone_is_a_name_not_a_yes(rules: RuleExtractor) -> None:
    assert ex(rules, "Simone").resident_name == "Simone"
    assert ex(rules, "entrega pra simone").resident_name == "Simone"


def test_directory_name_without_cue(rules: RuleExtractor) -> None:
    e = ex(rules, "Tô com um pacote dos Correios, o nome que tá é Thiago Mendes")
    assert e.resident_name == "Thiago Mendes"
    assert (e.intent, e.intent_detail) == (Intent.ENTREGA, "correios")


def test_near_names_are_not_residents(rules: RuleExtractor) -> None:
    # "Rafael" is one letter from "Rafaela" and "Daniela" from "Daniel": not the same people.
    assert ex(rules, "oi, aqui fora, Rafael").resident_name is None
    assert ex(rules, "Daniela").resident_name is None
    # Everyday words that are also surnames here ("Maria das Graças").
    assert ex(rules, "graças a Deus, é entrega pro 102").resident_name is None


def test_visitor_name_is_not_taken_as_resident(rules: RuleExtractor) -> None:
    e = ex(rules, "Sou a Simone, vim ver o Marcos")
    assert (e.visitor_name, e.resident_name) == ("Simone", "Marcos")


def test_visitor_cues(rules: RuleExtractor) -> None:
    assert ex(rules, "meu nome é Pedro da Silva").visitor_name == "Pedro da Silva"
    assert ex(rules, "aqui é o Pedro").visitor_name == "Pedro"
    assert ex(rules, "sou a Maria").visitor_name == "Maria"
    assert ex(rules, "é o João da Vivo").visitor_name == "João"  # "da Vivo" is the company
    # A job or a company is who they are when no name is given: the resident hears it.
    assert ex(rules, "sou o entregador").visitor_name == "o entregador"
    assert ex(rules, "é do iFood").visitor_name == "alguém do iFood"
    assert ex(rules, "vim ver o técnico").visitor_name is None  # not an introduction


def test_lowercase_transcripts(rules: RuleExtractor) -> None:
    e = ex(rules, "meu nome e pedro da silva vim ver a rafaela do quinhentos e um")
    assert (e.visitor_name, e.resident_name, e.apartment) == (
        "Pedro da Silva",
        "Rafaela",
        ApartmentRef("501", None),
    )


@pytest.mark.parametrize(("text", "intent", "detail"), [
    ("entrega do iFood", Intent.ENTREGA, "ifood"),
    ("motorista do iFood", Intent.ENTREGA, "ifood"),  # the app outranks "motorista"
    ("sou o motorista do Uber", Intent.SERVICO, "uber"),
    ("motorista da 99", Intent.SERVICO, "99"),
    ("técnico da Vivo", Intent.SERVICO, "internet"),
    ("entrega de gás", Intent.ENTREGA, "gás"),
    ("sou eletricista, vim a pedido da Simone", Intent.SERVICO, "eletricista"),
    ("vim pro aniversário da Fernanda", Intent.VISITA, "festa"),
])  # fmt: skip
def test_intent_and_detail(rules: RuleExtractor, text: str, intent: Intent, detail: str) -> None:
    e = ex(rules, text)
    assert (e.intent, e.intent_detail) == (intent, detail)


@pytest.mark.parametrize("text", [
    "motorista da 99, vim buscar a Simone",  # the app's name is not apartment 99
    "pedido número 4521 do iFood",
    "Oi, tô com um pedido do Rappi, número 5521",
    "placa ABC 1234",
    "uber, placa ABC1D23, vim buscar a Fernanda",
])  # fmt: skip
def test_numbers_that_are_not_apartments(rules: RuleExtractor, text: str) -> None:
    assert ex(rules, text).apartment is None


def test_numbers_after_order_words_can_still_be_apartments(rules: RuleExtractor) -> None:
    assert ex(rules, "tenho um pedido do 501").apartment == ApartmentRef("501", None)
    assert ex(rules, "pedido 4521 pro apartamento 303").apartment == ApartmentRef("303", None)


def test_keypad(rules: RuleExtractor) -> None:
    assert ex(rules, "quero digitar").wants_keypad
    assert ex(rules, "posso usar o teclado?").wants_keypad
    assert not ex(rules, "vim ver a Rafaela").wants_keypad


def test_bare_name_uses_the_state(rules: RuleExtractor) -> None:
    # After "qual é o seu nome?" a directory name is the visitor's own.
    asked = VisitState(resident_name="Rafaela", awaiting="visitor_name")
    assert ex(rules, "Paulo", asked).visitor_name == "Paulo"
    # With the resident known and the visitor not, the answer is the visitor's name.
    assert ex(rules, "Fernanda", VisitState(resident_name="Rafaela")).visitor_name == "Fernanda"
    # With nothing known, a directory name is whom they visit, any other their own.
    assert ex(rules, "Fernanda").resident_name == "Fernanda"
    assert ex(rules, "Carlos").visitor_name == "Carlos"


@pytest.mark.parametrize(("text", "name", "gender"), [
    ("Oi, vim ver a Rafaela.", "Rafaela", "f"),
    ("entrega pro seu Daniel", "Daniel", "m"),
    ("encomenda da dona Simone", "Simone", "f"),
    ("o Paulo tá me esperando", "Paulo", "m"),
    ("a Fernanda pediu uma pizza", "Fernanda", "f"),
    ("entrega pra Simone Araújo", "Simone Araújo", None),  # "pra" is "para" as often as "para a"
    ("vim ver Rafaela Silva", "Rafaela Silva", None),
])  # fmt: skip
def test_the_article_before_the_resident_is_kept_as_gender(
    rules: RuleExtractor, text: str, name: str, gender: str | None
) -> None:
    e = ex(rules, text)
    assert (e.resident_name, e.resident_gender) == (name, gender)


def test_a_nickname_the_directory_lists_is_found_without_a_cue() -> None:
    directory = Directory.from_entries(
        [
            {
                "apartment_number": "902",
                "voip_number": "1",
                "residents": [{"name": "Maria Eduarda Lima", "nicknames": ["Duda"]}],
            }
        ]
    )
    assert (
        RuleExtractor(directory).extract_sync("encomenda duda", VisitState()).resident_name
        == "Duda"
    )
    assert (
        RuleExtractor(directory).extract_sync("encomenda nuda", VisitState()).resident_name is None
    )


def test_answers_to_whom_name_the_resident(rules: RuleExtractor) -> None:
    asked = VisitState(visitor_name="Bruno", resident_name="Rafaela", awaiting="resident_name")
    # "é a ..." opens a visitor's introduction, but not when the gate asked whom they want.
    e = ex(rules, "é a Rafaela Silva", asked)
    assert (e.visitor_name, e.resident_name, e.resident_gender) == (None, "Rafaela Silva", "f")
    assert ex(rules, "é a Rafaela Silva").visitor_name == "Rafaela Silva"
    # Blocks, ordinals and "none of them" are nobody's name.
    for text in ("o do bloco B", "torre bê", "a primeira", "a segunda", "nenhuma", "a última"):
        assert ex(rules, text, asked).resident_name is None, text


@pytest.mark.parametrize(("text", "want"), [
    ("a primeira", ChoiceWords(ordinal=0)),
    ("o segundo", ChoiceWords(ordinal=1)),
    ("é a segunda, por favor", ChoiceWords(ordinal=1)),
    ("a última", ChoiceWords(ordinal=-1)),
    ("nenhuma", ChoiceWords(none_of_them=True)),
    ("nenhum dos dois", ChoiceWords(none_of_them=True)),
    ("nem um nem outro", ChoiceWords(none_of_them=True)),
    ("o do bloco B", ChoiceWords(block="B")),
    ("a da torre bê", ChoiceWords(block="B", gender="f")),
    ("a do quinze", ChoiceWords(gender="f")),
    ("é a dona do 501", ChoiceWords(gender="f")),
    ("seu Daniel", ChoiceWords(gender="m")),
    ("o do 501", ChoiceWords()),  # "o" may stand for "o apartamento": no gender
    ("Rafaela Silva", ChoiceWords()),
])  # fmt: skip
def test_answers_to_a_choice_question(text: str, want: ChoiceWords) -> None:
    assert read_choice(text) == want


def test_confidence(rules: RuleExtractor) -> None:
    assert ex(rules, "").confidence == 0.0
    assert ex(rules, "bom dia").confidence < 0.6  # nothing recognized
    assert ex(rules, "o negócio lá do treco azul").confidence < 0.6
    assert ex(rules, "quinhentos e um").confidence >= 0.6  # fully understood, short
    assert ex(rules, "meu nome é Pedro, vim ver a Rafaela do 501").confidence >= 0.9
    # Two reasons given equally strongly: unsure.
    assert (
        ex(rules, "é uma entrega e uma visita").confidence < ex(rules, "é uma entrega").confidence
    )


async def test_async_matches_sync(rules: RuleExtractor) -> None:
    text = "entrega do Mercado Livre para Simone Araújo no doze B"
    assert await rules.extract(text, VisitState()) == ex(rules, text)


def test_from_entries_directory() -> None:
    directory = Directory.from_entries(
        [
            {
                "apartment_number": "501",
                "residents": ["Daniel dos Reis", "Rafaela Silva"],
                "voip_number": ["1003021"],
            },
            {
                "apartment_number": "12",
                "block": "B",
                "residents": ["Simone Araújo"],
                "voip_number": "1",
            },
        ]
    )
    e = RuleExtractor(directory).extract_sync("entrega pra Simone no doze B", VisitState())
    assert (e.resident_name, e.apartment) == ("Simone", ApartmentRef("12", "B"))


# --- the visit over several turns -----------------------------------------------


def test_merge_newer_wins_none_never_erases() -> None:
    s = VisitState()
    s.merge(
        Extraction(
            intent=Intent.ENTREGA, intent_detail="ifood", apartment=ApartmentRef("501", None)
        )
    )
    s.merge(Extraction(visitor_name="Pedro"))
    assert (s.intent, s.intent_detail, s.apartment, s.visitor_name) == (
        Intent.ENTREGA,
        "ifood",
        ApartmentRef("501", None),
        "Pedro",
    )
    s.merge(Extraction(apartment=ApartmentRef("502", None)))  # "não, é o 502"
    assert s.apartment == ApartmentRef("502", None)


def test_merge_keeps_block_and_drops_stale_detail() -> None:
    s = VisitState(apartment=ApartmentRef("12", "B"), intent=Intent.ENTREGA, intent_detail="ifood")
    s.merge(Extraction(apartment=ApartmentRef("12", None)))  # "o doze" is still 12 B
    assert s.apartment == ApartmentRef("12", "B")
    s.merge(Extraction(intent=Intent.SERVICO))  # "ifood" does not describe a service
    assert (s.intent, s.intent_detail) == (Intent.SERVICO, None)
    s.merge(Extraction(intent=Intent.DESCONHECIDO))  # adds nothing to a reason given
    assert s.intent is Intent.SERVICO


def test_the_gender_said_goes_and_comes_with_the_name() -> None:
    s = VisitState()
    s.merge(Extraction(resident_name="Rafael", resident_gender="f"))
    s.merge(Extraction(visitor_name="Bruno"))  # another slot leaves it alone
    assert (s.resident_name, s.resident_gender) == ("Rafael", "f")
    s.merge(Extraction(resident_name="Daniel"))  # a new name said without an article
    assert (s.resident_name, s.resident_gender) == ("Daniel", None)


def test_confirmed_slots_survive_merges() -> None:
    s = VisitState(resident_name="Rafaela Silva")
    s.confirm("resident_name")
    s.merge(Extraction(resident_name="Rafaella"))
    assert s.resident_name == "Rafaela Silva"
    with pytest.raises(ValueError, match="no slot"):
        s.confirm("nome")
