"""Demo data of the help desk: questions from the Västerbotten förbund in every status (new, assigned,
waiting for the asker, answered, closed) on law, economy, organisation and follow-up, and three of them
published, anonymised, to the public FAQ.

Written through the services, by the demo users who would do it (the askers, `arbetsgrupp` answering);
no e-mail notices. Idempotent: a question already there (same förbund and title) is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from finsam.core.demo import DemoContext
from finsam.national.helpdesk import services
from finsam.national.helpdesk.models import Question
from finsam.national.helpdesk.schemas import MessageKind, QuestionCategory


@dataclass(frozen=True)
class Faq:
    title: str
    question: str
    answer: str


@dataclass(frozen=True)
class DemoQuestion:
    association: str
    asker: str
    category: str
    title: str
    body: str
    steps: tuple[tuple[str, str], ...] = ()  # (kind or "assign" / "close", text)
    faq: Faq | None = field(default=None)


QUESTIONS = (
    DemoQuestion(
        "umea",
        "umea-chef",
        QuestionCategory.LAW,
        "Får vi finansiera insatser för personer som bor utanför medlemskommunerna?",
        "Hej!\n\nEn av våra insatser har fått förfrågningar från Arbetsförmedlingen om att ta emot "
        "deltagare som "
        "bor i en grannkommun som inte är medlem i förbundet. Insatsen har lediga platser.\n\nFår förbundet "
        "finansiera deltagande för personer som inte är folkbokförda i någon av medlemskommunerna?",
        (
            ("assign", ""),
            (
                MessageKind.ANSWER,
                "Förbundets verksamhet avgränsas av förbundsordningen och av lagen om finansiell samordning "
                "(2003:1210): förbundet ska stödja samordnade insatser inom det geografiska område som "
                "medlemmarna "
                "täcker. Personer som är bosatta utanför området omfattas i regel inte.\n\nUndantag kan "
                "göras när "
                "en person är på väg att flytta in, eller när en överenskommelse finns med det förbund som "
                "täcker "
                "personens kommun. Dokumentera i så fall beslutet i styrelsen.",
            ),
            ("close", ""),
        ),
        Faq(
            "Får förbundet finansiera insatser för personer som bor utanför medlemskommunerna?",
            "Ett förbund får förfrågningar om att ta emot deltagare som bor i en kommun som inte är medlem i "
            "förbundet. Får förbundet finansiera deras deltagande?",
            "Förbundets verksamhet avgränsas av förbundsordningen och av lagen om finansiell samordning "
            "(2003:1210): förbundet ska stödja samordnade insatser inom det geografiska område som "
            "medlemmarna "
            "täcker. Personer som är bosatta utanför området omfattas i regel inte.\n\nUndantag kan göras "
            "när "
            "en person är på väg att flytta in, eller när en överenskommelse finns med det förbund som "
            "täcker "
            "personens kommun. Dokumentera i så fall beslutet i styrelsen.",
        ),
    ),
    DemoQuestion(
        "umea",
        "umea-chef",
        QuestionCategory.ECONOMY,
        "Hur stort eget kapital är rimligt att ha kvar vid årets slut?",
        "Vi har ett eget kapital som motsvarar ungefär 30 procent av årets medel. Styrelsen undrar om det "
        "finns "
        "någon rekommendation om hur stort det egna kapitalet bör vara, och vad vi ska göra med överskottet.",
        (
            (
                MessageKind.ANSWER,
                "Nationella rådet har rekommenderat att det egna kapitalet inte bör överstiga 20 procent av "
                "årets "
                "tilldelade medel, och gärna ligga lägre. Ett större kapital bör förbundet ha en plan för: "
                "beslut om hur det ska användas i insatser under de närmaste åren, i budgeten och i dialog "
                "med "
                "medlemmarna vid budgetsamrådet.",
            ),
        ),
        Faq(
            "Hur stort eget kapital är rimligt att ha kvar vid årets slut?",
            "Ett förbund har ett eget kapital som motsvarar ungefär 30 procent av årets medel. Finns det en "
            "rekommendation om hur stort det egna kapitalet bör vara?",
            "Nationella rådet har rekommenderat att det egna kapitalet inte bör överstiga 20 procent av "
            "årets "
            "tilldelade medel, och gärna ligga lägre. Ett större kapital bör förbundet ha en plan för: "
            "beslut "
            "om hur det ska användas i insatser under de närmaste åren, i budgeten och i dialog med "
            "medlemmarna "
            "vid budgetsamrådet.",
        ),
    ),
    DemoQuestion(
        "umea",
        "umea-styrelse",
        QuestionCategory.ORGANISATION,
        "Kan en ersättare i styrelsen företräda sin kommun vid medlemssamrådet?",
        "Vår kommun vill skicka en ersättare i förbundets styrelse som kommunens representant på vårens "
        "medlemssamråd. Går det bra?",
        (
            ("assign", ""),
            (
                MessageKind.ANSWER,
                "Nej. Enligt Nationella rådets rekommendation för medlemssamråd ska varje medlem företrädas "
                "av en "
                "person som inte sitter i förbundets styrelse; det gäller både ledamöter och ersättare. "
                "Plattformen "
                "kontrollerar detta (R-SAMRAD-1).",
            ),
        ),
        Faq(
            "Kan en ersättare i styrelsen företräda en medlem vid medlemssamrådet?",
            "En kommun vill skicka en ersättare i förbundets styrelse som kommunens representant på "
            "medlemssamrådet. Går det bra?",
            "Nej. Enligt Nationella rådets rekommendation för medlemssamråd ska varje medlem företrädas av "
            "en "
            "person som inte sitter i förbundets styrelse; det gäller både ledamöter och ersättare.",
        ),
    ),
    DemoQuestion(
        "umea",
        "umea-chef",
        QuestionCategory.FOLLOWUP,
        "Hur registrerar vi deltagare som avbryter under den första veckan?",
        "Några deltagare i vår arbetsträningsinsats har avbrutit efter bara några dagar. Ska de registreras "
        "som "
        "deltagare med avslutsorsak, eller tas bort?",
        (
            ("assign", ""),
            (
                MessageKind.ASK_BACK,
                "Tack för frågan! Hade deltagarna skrivit under samtycket och påbörjat insatsen, eller "
                "avbröt de "
                "under kartläggningen före start?",
            ),
        ),
    ),
    DemoQuestion(
        "umea",
        "umea-revisor",
        QuestionCategory.ECONOMY,
        "Räcker en gemensam revisionsberättelse när medlemmarna utsett var sin revisor?",
        "Medlemmarna har utsett var sin revisor. Kan revisorerna lämna en gemensam revisionsberättelse, "
        "eller "
        "ska varje revisor lämna en egen?",
        (("assign", ""),),
    ),
    DemoQuestion(
        "umea",
        "umea-chef",
        QuestionCategory.OTHER,
        "Finns det mallar för verksamhetsplan som andra förbund använder?",
        "Vi ska ta fram en ny verksamhetsplan för de kommande tre åren. Finns det mallar eller goda exempel "
        "från "
        "andra förbund som vi kan utgå från?",
    ),
    DemoQuestion(
        "skelleftea",
        "skelleftea-deltagare",
        QuestionCategory.FOLLOWUP,
        "Behövs samtycke för deltagare i strukturövergripande insatser?",
        "Vi har en strukturövergripande insats där vi inte registrerar enskilda personer. Behöver vi ändå "
        "inhämta samtycke?",
        (
            (
                MessageKind.ANSWER,
                "Nej. Samtycke behövs när förbundet registrerar personuppgifter om en deltagare i en "
                "individinriktad "
                "insats. I en strukturövergripande insats följer ni upp verksamheten, inte enskilda "
                "personer.",
            ),
            ("close", ""),
        ),
    ),
)


def helpdesk_step(ctx: DemoContext) -> None:
    group = ctx.users["arbetsgrupp"]
    for spec in ctx.progress(QUESTIONS, desc="Frågor till arbetsgruppen"):
        association = ctx.associations[spec.association]
        if Question.objects.filter(association=association, title=spec.title).exists():
            continue
        with transaction.atomic():
            question = services.question_ask(
                actor=ctx.users[spec.asker],
                association_id=association.pk,
                category=spec.category,
                title=spec.title,
                body=spec.body,
                notify=False,
            )
            for kind, text in spec.steps:
                if kind == "assign":
                    question = services.question_assign(
                        actor=group, question=question, assignee_id=group.pk, notify=False
                    )
                elif kind == "close":
                    question = services.question_close(actor=group, question=question, notify=False)
                else:
                    services.question_respond(
                        actor=group, question=question, kind=kind, body=text, notify=False
                    )
                question.refresh_from_db()
            if spec.faq is not None:
                services.faq_publish(
                    actor=group,
                    question=question,
                    category=spec.category,
                    title=spec.faq.title,
                    question_text=spec.faq.question,
                    answer_text=spec.faq.answer,
                )
