"""Everything callers hear, per condominium (the `phrases:` key of a condominium)."""

from __future__ import annotations

from app.config.base import Model


class Phrases(Model):
    """Everything callers hear. Placeholders in braces are filled by the dialog."""

    greeting: str = "Condomínio Apoena, em que posso ajudar?"
    ask_apartment: str = "Para qual apartamento, por favor?"
    ask_name: str = "Qual é o seu nome, por favor?"
    ask_everything: str = "Por favor, diga o seu nome e o número do apartamento."
    ask_choice: str = "Encontrei {options}. Com quem você quer falar?"
    ask_resident_again: str = "Tudo bem. Qual é o nome do morador, ou o número do apartamento?"
    confirm_match: str = "{resident}, do apartamento {apartment}, certo?"
    # A number understood only by reading it another way ("5001" for "quinhentos e um").
    confirm_apartment: str = "Apartamento {apartment}, certo?"
    apartment_not_found: str = (
        "Não encontrei o apartamento {apartment}. Qual é o número do apartamento?"
    )
    resident_not_found: str = "Não encontrei {name} aqui. Qual é o número do apartamento?"
    didnt_understand: str = "Desculpe, não entendi. Pode repetir?"
    calling_resident: str = "Um momento, vou chamar o morador."
    hold: str = "Só um instante."  # covers a slow recognizer/understanding/voice (hold_after_s)
    still_calling: str = (
        "Ainda estou falando com o morador, aguarde um instante."  # every reassure_every_s
    )
    resident_prompt: str = (
        "Olá morador do apartamento {apartment}! {visitor} está na portaria {purpose}. "
        "Você autoriza a entrada? Responda sim ou não."
    )
    resident_reprompt: str = (
        "Desculpe, não entendi. Responda sim ou não, ou tecle 1 para sim e 2 para não."
    )
    resident_thanks_yes: str = "Entrada autorizada. Obrigado!"
    resident_thanks_no: str = "Entendido, a entrada não será liberada. Obrigado!"
    visitor_authorized: str = "O morador autorizou a entrada. Pode entrar!"
    visitor_denied: str = "Desculpe, o morador não autorizou a entrada."
    visitor_no_answer: str = "O morador não atendeu. Por favor, tente novamente mais tarde."
    visitor_no_decision: str = "Não consegui a autorização do morador. Por favor, tente mais tarde."
    goodbye: str = "Obrigado, até logo."
    keypad_apartment: str = "Digite o número do apartamento e depois a tecla sustenido."
    keypad_name: str = "Agora diga o seu nome, por favor."
    resident_keypad_prompt: str = (
        "Olá morador do apartamento {apartment}! Há um visitante na portaria. Ele disse:"
    )
    resident_keypad_question: str = "Tecle 1 para autorizar a entrada ou 2 para negar."
    purpose_entrega: str = "com uma entrega"
    purpose_visita: str = "para uma visita"
    purpose_servico: str = "para um serviço"
    purpose_unknown: str = "e pede para entrar"
    unknown_visitor: str = "Um visitante"
