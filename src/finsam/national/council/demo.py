"""The demo of the national council and working group: the four organisations, their representatives
(current and past), a few of their meetings through governance, and the council's recommendations: the
member-consultation recommendation (seed 001, R-SAMRAD) and the one on equity, published, and a draft."""

from __future__ import annotations

from datetime import date, time

from django.db import transaction

from finsam.core.demo import DemoContext
from finsam.core.rulebook import rule_for
from finsam.finance import selectors as finance_selectors
from finsam.governance import selectors as governance_selectors
from finsam.governance import services as governance_services
from finsam.governance.schemas import MeetingKind
from finsam.national.council import services
from finsam.national.council.models import CouncilOrganisation, CouncilRepresentative, Recommendation
from finsam.national.council.schemas import Body, CouncilRole, RecommendationKind, RecommendationStatus

ORGANISATIONS = (
    ("Försäkringskassan", "FK"),
    ("Arbetsförmedlingen", "AF"),
    ("Socialstyrelsen", ""),
    ("Sveriges Kommuner och Regioner", "SKR"),
)

# (name, organisation, body, role, start, end): Försäkringskassan convenes the council (seed 004).
REPRESENTATIVES = (
    ("Annika Strandberg", "Försäkringskassan", Body.COUNCIL, CouncilRole.CHAIR, date(2023, 1, 1), None),
    ("Jonas Bergqvist", "Arbetsförmedlingen", Body.COUNCIL, CouncilRole.MEMBER, date(2023, 1, 1), None),
    ("Maria Lindholm", "Socialstyrelsen", Body.COUNCIL, CouncilRole.MEMBER, date(2022, 9, 1), None),
    (
        "Eva Hedström",
        "Sveriges Kommuner och Regioner",
        Body.COUNCIL,
        CouncilRole.VICE_CHAIR,
        date(2023, 1, 1),
        None,
    ),
    (
        "Lars Engström",
        "Arbetsförmedlingen",
        Body.COUNCIL,
        CouncilRole.MEMBER,
        date(2019, 1, 1),
        date(2022, 12, 31),
    ),
    ("Karin Wallinder", "Försäkringskassan", Body.WORKING_GROUP, CouncilRole.CHAIR, date(2021, 2, 1), None),
    ("Tomas Nyberg", "Arbetsförmedlingen", Body.WORKING_GROUP, CouncilRole.MEMBER, date(2022, 1, 1), None),
    ("Sofia Åkesson", "Socialstyrelsen", Body.WORKING_GROUP, CouncilRole.MEMBER, date(2023, 7, 1), None),
    (
        "Johan Lundqvist",
        "Sveriges Kommuner och Regioner",
        Body.WORKING_GROUP,
        CouncilRole.MEMBER,
        date(2021, 2, 1),
        None,
    ),
    (
        "Linnea Sandberg",
        "Sveriges Kommuner och Regioner",
        Body.WORKING_GROUP,
        CouncilRole.SECRETARY,
        date(2024, 1, 15),
        None,
    ),
    (
        "Birgitta Holm",
        "Socialstyrelsen",
        Body.WORKING_GROUP,
        CouncilRole.MEMBER,
        date(2018, 3, 1),
        date(2023, 6, 30),
    ),
)

SAMRAD_TEXT = """\
## Bakgrund

Finansiell samordning är en frivillig samverkan mellan Försäkringskassan, Arbetsförmedlingen, ett
eller flera
landsting samt en eller flera kommuner. Tillsammans bildar de fyra parterna ett samordningsförbund
som leds av
en styrelse.

Enligt lagens förarbeten är det övergripande uppdraget för samordningsförbunden att skapa goda
förutsättningar
för samverkan mellan parterna. Den centrala uppgiften är att finansiera olika slags åtgärder som
ska underlätta
för personer att uppnå förmåga till eget förvärvsarbete. Samordningsförbunden ska också på olika
sätt stimulera
till samarbete på handläggarnivå mellan samverkansparterna och även i övrigt underlätta samarbete
mellan parterna.

## Rollfördelning

**Medlemmar.** Förbundsmedlemmarna Arbetsförmedlingen, Försäkringskassan, landsting/region och
kommun/kommuner
bildar tillsammans ett förbund. Förbundsmedlemmarna beslutar om den förbundsordning som styrelsen
ska verka
utifrån. Varje förbundsmedlem utser medlemsrepresentant för respektive förbund (att ingå i
medlemssamråd).

**Styrelse.** Varje förbundsmedlem ska vara representerad i styrelsen med minst en ledamot och en
ersättare.
Styrelsen ska besluta om mål och riktlinjer för den finansiella samordningen, hur
samordningsförbundet ska ledas
och organiseras samt besluta om finansiering av insatser. Uppdraget som styrelseledamot är
personligt, frivilligt
och med rätt att uppbära arvode och ersättning från förbundet. Som styrelseledamot är man
personligt ansvarig för
förbundets verksamhet.

**Verkställande tjänsteman.** Styrelsen kan utse en tjänsteman som ska leda arbetet inom förbundet
enligt
styrelsens anvisningar. Den vanligaste titeln är *förbundschef*.

## Lagtext

Enligt 18 § lagen (2003:1210) om finansiell samordning av rehabiliteringsinsatser ska
förbundsstyrelsen hålla
förbundsmedlemmarna underrättade om den allmänna planläggningen av förbundets verksamhet samt om
frågor av större
ekonomisk eller organisatorisk betydelse.

Styrelsen har rätt att från förbundsmedlemmarna få de yttranden och upplysningar som behövs för att
styrelsen ska
kunna fullgöra sina uppgifter.

Enligt 23 § samma lag ska styrelsen fastställa samordningsförbundets budget senast den 30 november
varje år.
Styrelsen ska dessförinnan samråda med förbundsmedlemmarna om budgeten.

## Syfte med medlemssamråd

Medlemssamråd syftar till att förbundsmedlemmarna i ett samordningsförbund träffas för en gemensam
övergripande
dialog om samordningsförbundets verksamhet och framtida inriktning. Genom detta ökar kunskapen om
samordningsförbundets insatser och förbundsmedlemmarnas förutsättningar. Ett medlemssamråd är inget
beslutande
eller styrande organ.

Förbundsmedlemmarna kan vid medlemssamrådet informera samordningsförbundet om vilka prioriteringar
som gäller hos
respektive medlem. Samordningsförbundet kan, förutom att redovisa resultat, framföra erfarenheter
av hur samverkan
fungerar.

Medlemssamrådet bidrar till att skapa tydlighet i rollfördelning och synliggör
samordningsförbundets roll i
välfärdsarbetet. Medlemsrepresentanterna blir en länk mellan respektive förbundsmedlem och förbundet.

Som medlemsrepresentant har man möjlighet att ge synpunkter på samt påverka framtida verksamhet och
inriktning i
förbundet, i samråd med övriga parter. Medlemsrollen är därför av särskilt intresse för att påverka
inriktning och
innehåll av Finsam så att det samverkar med samt stödjer medlemmens ordinarie uppdrag.

## Nationella rådets rekommendation

- Vid samrådet ska respektive förbundsmedlem representeras av annan fysisk person än
styrelseledamot i berört
samordningsförbunds styrelse.
- Från samordningsförbundet deltar ordföranden och/eller annan ordinarie styrelseledamot samt
verkställande
tjänsteman/förbundschef.
- Ett samråd kan omfatta flera samordningsförbund.
- Sammankallande bör vara någon av förbundsmedlemmarna utsedd person.
- Samråd bör ske under våren efter att berörda samordningsförbund har lämnat sina bokslut och
verksamhetsberättelser till förbundsmedlemmarna tillsammans med revisionsberättelsen. Samråd kan
även ske vid
annan tidpunkt, utifrån förbunds behov och planering. Minst ett medlemssamråd genomförs årligen.
- Vid samrådet bör följande vara vägledande för dagordningen:
    - Föregående års ekonomiska resultat och verksamhetsresultat
    - Iakttagelser av strukturella hinder för samverkan
    - Årets verksamhet i förhållande till behoven av stöd till medborgarna och utveckling av
myndighetssamverkan
    - Långsiktig utveckling i förhållande till behovsanalyser med mera i förbundets verksamhet
    - Budgetförutsättningar
"""


def equity_text(percent: object) -> str:
    return f"""\
## Bakgrund

Samordningsförbundets medel kommer från medlemmarna: staten genom Försäkringskassan och
Arbetsförmedlingen,
regionen och kommunerna. Medlen tillförs för att finansiera insatser för personer som behöver
samordnat stöd
för att nå eller närma sig arbete. Ett förbund behöver ett eget kapital som buffert, till exempel
för att kunna
fullfölja insatser som löper över årsskiftet och för att möta oförutsedda kostnader. Medel som blir
kvar år
efter år kommer däremot inte målgruppen till del.

## Nationella rådets rekommendation

- Förbundets egna kapital bör som riktmärke inte överstiga **{percent} procent** av förbundets
årliga bidrag
från medlemmarna.
- Ett förbund vars egna kapital är större än riktmärket bör ta fram en plan för hur kapitalet ska
användas till
insatser och redovisa planen för medlemmarna, till exempel vid budgetsamrådet.
- Ett negativt eget kapital ska tas upp med medlemmarna, som gemensamt svarar för förbundets ekonomi.
- Det egna kapitalet och hur det står sig mot riktmärket redovisas i årsredovisningen och i budgeten.

Riktmärket är rådets rekommendation och inget krav i lagen. Styrelsen ansvarar för att medlen
används för
förbundets ändamål; medlemmarna kan vid budgetsamrådet ta upp hur ett stort eget kapital ska hanteras.
"""


FOLLOWUP_DRAFT = """\
## Utkast till ställningstagande

Sedan det nationella uppföljningssystemet SUS ersattes tar den nationella uppföljningen bara emot antal
deltagare per kön. Rådet föreslår att samordningsförbunden fortsätter att följa upp sina insatser
på individnivå
lokalt, under förbundets eget ansvar och med deltagarnas samtycke, och att de nationella
sammanställningarna
byggs av förbundens aggregerade uppgifter där små tal skyddas.

*Arbetsgruppen bereder frågan till rådets nästa möte.*
"""


def _organisations(ctx: DemoContext) -> dict[str, CouncilOrganisation]:
    existing = {o.name: o for o in CouncilOrganisation.objects.all()}
    for name, short in ORGANISATIONS:
        if name not in existing:
            existing[name] = services.organisation_create(actor=ctx.actor, name=name, short_name=short)
    return existing


def _representatives(ctx: DemoContext, organisations: dict[str, CouncilOrganisation]) -> None:
    existing = set(CouncilRepresentative.objects.values_list("name", "body", "start"))
    for name, organisation, body, role, start, end in REPRESENTATIVES:
        if (name, body, start) in existing:
            continue
        services.representative_create(
            actor=ctx.actor,
            name=name,
            organisation=organisations[organisation],
            body=body,
            role=role,
            start=start,
            end=end,
        )


def _minutes(today: date) -> dict[str, tuple[list[str], list[tuple[int, str]]]]:
    """The minutes written so far: the notes per agenda point, and the decisions with their point."""
    return {
        f"Nationella rådet, höstmöte {today.year - 1}": (
            [
                "Ordföranden öppnade mötet.",
                "Arbetsgruppen redovisade hur förbunden följer upp sina insatser.",
            ],
            [
                (
                    2,
                    "Arbetsgruppen får i uppdrag att ta fram ett utkast till ställningstagande om lokal "
                    "uppföljning.",
                )
            ],
        ),
        f"Nationella rådet, vårmöte {today.year}": (
            ["Ordföranden öppnade mötet.", "Arbetsgruppen redovisade årets frågor från förbunden."],
            [(3, "Rådet står fast vid sin rekommendation om eget kapital.")],
        ),
    }


def _meetings(ctx: DemoContext, today: date) -> None:
    """Two council meetings and a working group meeting a year, with minutes of the council's."""
    minutes = _minutes(today)
    existing = set(governance_selectors.national_meeting_list(user=ctx.actor).values_list("title", flat=True))
    AgendaInput = governance_services.AgendaInput
    plans = (
        (
            MeetingKind.NATIONAL_COUNCIL,
            f"Nationella rådet, vårmöte {today.year}",
            date(today.year, 3, 12),
            [
                "Mötets öppnande",
                "Rapport från arbetsgruppen",
                "Rekommendation om eget kapital",
                "Övriga frågor",
            ],
        ),
        (
            MeetingKind.WORKING_GROUP,
            f"Arbetsgruppen, planering av höstens konferens {today.year}",
            date(today.year, 5, 20),
            ["Frågor från förbunden", "Konferensens program", "Handboken: kapitlet om uppföljning"],
        ),
        (
            MeetingKind.NATIONAL_COUNCIL,
            f"Nationella rådet, höstmöte {today.year - 1}",
            date(today.year - 1, 11, 5),
            ["Mötets öppnande", "Uppföljning efter SUS: utkast till ställningstagande", "Övriga frågor"],
        ),
    )
    for kind, title, day, agenda in plans:
        if title in existing:
            continue
        meeting = governance_services.meeting_create(
            actor=ctx.actor,
            kind=kind,
            date=day,
            associations=[],
            title=title,
            start_time=time(10, 0),
            place="Försäkringskassan, Stockholm" if kind == MeetingKind.NATIONAL_COUNCIL else "Digitalt möte",
            agenda=[AgendaInput(item) for item in agenda],
        )
        if title in minutes:
            notes, decisions = minutes[title]
            governance_services.minutes_update(
                actor=ctx.actor,
                meeting=meeting,
                notes=dict(enumerate(notes, start=1)),
                decisions=[
                    governance_services.DecisionInput(text, agenda_position=position)
                    for position, text in decisions
                ],
            )


def _recommendations(ctx: DemoContext, today: date) -> None:
    existing = set(Recommendation.objects.values_list("title", flat=True))
    equity_rules = [code for code in ("R-EQUITY", "R-BUDGET") if rule_for(code) is not None]
    plans = (
        (
            RecommendationKind.RECOMMENDATION,
            "Nationella rådets rekommendation om medlemssamråd",
            date(2017, 3, 1),
            RecommendationStatus.PUBLISHED,
            SAMRAD_TEXT,
            ["R-SAMRAD", "R-INFO", "R-BUDGET"],
        ),
        (
            RecommendationKind.RECOMMENDATION,
            "Nationella rådets rekommendation om eget kapital i samordningsförbund",
            date(2019, 10, 1),
            RecommendationStatus.PUBLISHED,
            equity_text(finance_selectors.reference_percent()),
            equity_rules,
        ),
        (
            RecommendationKind.POSITION,
            "Ställningstagande om lokal uppföljning efter SUS",
            today,
            RecommendationStatus.DRAFT,
            FOLLOWUP_DRAFT,
            ["R-FOLLOWUP", "R-SUPPRESS", "R-CONSENT"],
        ),
    )
    for kind, title, day, status, text, codes in plans:
        if title in existing:
            continue
        services.recommendation_create(
            actor=ctx.actor, kind=kind, title=title, date=day, status=status, text=text, rule_codes=codes
        )


def council_step(ctx: DemoContext) -> None:
    """The demo step (see finsam.demo.STEPS)."""
    from django.utils import timezone

    with transaction.atomic():
        organisations = _organisations(ctx)
        _representatives(ctx, organisations)
        _meetings(ctx, timezone.localdate())
        _recommendations(ctx, timezone.localdate())
