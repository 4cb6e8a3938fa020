"""Demo data of the handbook: the chapters of the council's Handbok för finansiell samordning (R-NATIONAL:
background and concepts, the purpose, the law, governance, finance, follow-up) with pages written by the
working group's demo user `arbetsgrupp`. The page on the budget process is saved twice, so that its
history and the difference between two versions have something to show.

Everything goes through the services. A chapter or page that an earlier run created is left as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from finsam.core.access import SYSTEM
from finsam.national.council import selectors as council_selectors
from finsam.national.handbook import services
from finsam.national.handbook.models import HandbookChapter, HandbookPage

if TYPE_CHECKING:
    from finsam.core.demo import DemoContext

AUTHOR = "arbetsgrupp"


@dataclass(frozen=True)
class Chapter:
    number: int
    slug: str
    title: str
    intro: str


@dataclass(frozen=True)
class Page:
    chapter: str
    number: int
    slug: str
    title: str
    body: str


CHAPTERS = (
    Chapter(
        1,
        "bakgrund-och-begrepp",
        "Bakgrund och begrepp",
        "Hur finansiell samordning växte fram och de ord som används i handboken.",
    ),
    Chapter(2, "syftet", "Syftet", "Varför lagen finns och vilka finansiell samordning är till för."),
    Chapter(
        3,
        "lagen",
        "Lagen",
        "Lag (2003:1210) om finansiell samordning av rehabiliteringsinsatser: parterna, resurserna och "
        "förbundets uppgifter.",
    ),
    Chapter(
        4,
        "styrning",
        "Styrning",
        "Styrelsen, förbundschefen, medlemmarnas insyn och medlemssamrådet.",
    ),
    Chapter(5, "ekonomi", "Ekonomi", "Budget, bidrag, årsredovisning och revision."),
    Chapter(6, "uppfoljning", "Uppföljning", "Att veta hur det har gått – lokalt och nationellt."),
)

HISTORY = """\
Finansiell samordning bygger på mer än tio års försök med att låta myndigheter och huvudmän lägga
pengar i en gemensam kassa för rehabilitering:

| Period | Namn | Vad som prövades |
|---|---|---|
| 1993–1997 | Finsam (försök) | Finansiell samordning mellan socialförsäkringen och hälso- och sjukvården |
| 1994–2006 | Socsam | Samma sak med socialtjänsten som tredje part |
| sedan 1998 | Frisam | Frivillig samverkan inom rehabiliteringsområdet, utan gemensam budget |
| sedan 2004 | Finansiell samordning | Permanent och rikstäckande, enligt lag (2003:1210) |

Lagen bygger på erfarenheterna från Socsam. Den gjorde samordningen permanent och möjlig i hela landet,
men frivillig: det är parterna på orten som bestämmer om de vill bilda ett samordningsförbund.

## Finsam i dag

Det finns omkring 75 samordningsförbund. Tillsammans omfattar de 273 av landets 290 kommuner, använder
ungefär 700 miljoner kronor om året och finansierar insatser där omkring 30 000 personer om året deltar.

## Den nationella stödstrukturen

Nationella rådet för finansiell samordning består av chefer från Försäkringskassan (sammankallande),
Arbetsförmedlingen, Socialstyrelsen och Sveriges Kommuner och Regioner. Rådet är ett forum för
gemensamma ställningstaganden i strategiska frågor och ger ut rekommendationer, till exempel om
medlemssamråd (R-SAMRAD).

Den nationella arbetsgruppen bereder frågor till rådet, svarar på förbundens frågor om juridik, ekonomi
och organisation, ordnar konferenser, håller den här handboken aktuell och ansvarar för uppföljningen
(R-NATIONAL).
"""

CONCEPTS = """\
Samordningsförbund
:   Den juridiska person som parterna bildar enligt lagen. Förbundet har en egen budget och en egen
    styrelse och finansierar insatser som parterna genomför tillsammans.

Förbundsmedlem
:   Försäkringskassan, Arbetsförmedlingen, en eller flera regioner och en eller flera kommuner. Alla fyra
    slags parter måste vara med (R-MEMBERS).

Förbundsordning
:   Medlemmarnas gemensamma beslut om förbundets ändamål, organisation och hur bidragen fördelas mellan
    kommunerna och mellan regionerna.

Styrelse
:   Förbundets beslutande organ, med minst en ledamot och en ersättare från varje medlem (R-BOARD).

Förbundschef
:   Den tjänsteman som styrelsen kan utse att leda arbetet enligt styrelsens anvisningar; lagens ord är
    verkställande tjänsteman.

Medlemsrepresentant
:   Den person som en medlem utser att företräda den vid medlemssamrådet. Personen sitter inte i
    förbundets styrelse.

Medlemssamråd
:   Ett möte där medlemmarna och förbundet för en övergripande dialog om verksamheten och dess
    inriktning. Samrådet är inget beslutande organ (R-SAMRAD).

Insats
:   Det förbundet finansierar. En *individinriktad* insats har deltagare; en *strukturövergripande*
    insats utvecklar samverkan mellan parterna, till exempel utbildning eller gemensamma metoder.

Deltagare
:   En person som tar del av en individinriktad insats. Uppgifter om deltagare registreras bara med
    samtycke (R-CONSENT).
"""

PURPOSE = """\
Syftet med finansiell samordning är att resurserna inom rehabiliteringsområdet ska användas effektivt.
De samordnade medlen ska gå till insatser som hjälper den enskilde att uppnå eller förbättra sin förmåga
att försörja sig genom förvärvsarbete.

## Målgruppen

Insatserna är till för personer i arbetsför ålder som behöver samordnade rehabiliteringsinsatser från
flera parter: människor med sammansatta medicinska, psykologiska, sociala eller arbetsmarknadsmässiga
problem. När lagen kom uppskattades gruppen till omkring fem procent av befolkningen i arbetsför ålder.

## Vad förbundet gör

Förbundets övergripande uppdrag är att skapa goda förutsättningar för samverkan mellan parterna. Den
centrala uppgiften är att finansiera insatser som gör det lättare för personer att nå egen försörjning.
Förbundet ska också stimulera till samarbete mellan parternas handläggare och i övrigt underlätta
samarbetet mellan parterna.

Exempel på insatser:

- kartläggning och inventering av behov och av det stöd som redan finns,
- utbildnings- och informationsinsatser för parternas personal,
- bedömarteam som gör en gemensam individuell handlingsplan,
- samlokalisering, där parternas handläggare arbetar på samma ställe,
- förstärkning av personal i gemensamma team,
- uppföljning och utvärdering.

Förebyggande insatser ryms också inom den finansiella samordningen.
"""

PARTIES = """\
Ett samordningsförbund bildas av fyra slags parter: Försäkringskassan, Arbetsförmedlingen, en region och
en eller flera kommuner (lagens 1–3 §§). Alla fyra måste vara med. Ett förbund som saknar någon av
parterna är inte fullständigt, och plattformen låter det inte fastställa någon budget (R-MEMBERS).

Flera kommuner kan ingå i samma förbund; de räknas då tillsammans som en part när bidragen fördelas
(R-SHARES). Samordningsförbundet Umeåregionen har till exempel sex kommuner: Umeå, Vännäs, Vindeln,
Robertsfors, Nordmaling och Bjurholm, tillsammans med Region Västerbotten, Försäkringskassan och
Arbetsförmedlingen.

## Medlemmarnas roll

Medlemmarna beslutar om förbundsordningen, som styrelsen ska verka utifrån. Varje medlem utser sina
ledamöter och ersättare i styrelsen och en medlemsrepresentant som deltar i medlemssamrådet.
Medlemmarna behåller sitt eget ansvar för rehabiliteringen av den enskilde; det lämnas inte över till
förbundet (R-NO-AUTHORITY).
"""

RESOURCES = """\
Förbundets medel kommer från medlemmarna. Enligt lagens 5 § bidrar Försäkringskassan med hälften – den
delen täcker enligt dagens lag också Arbetsförmedlingens medverkan – regionen med en fjärdedel och
kommunerna med en fjärdedel (R-SHARES). Förbundsordningen anger hur kommunernas fjärdedel fördelas:
efter folkmängd, lika eller med fasta andelar.

## Statens medel

Statens del, omkring 339 miljoner kronor om året, fördelas mellan förbunden enligt en modell som har
använts sedan 2016 (R-STATE-MODEL):

1. Varje förbund får ett grundbelopp på 400 tkr.
2. Resten fördelas till 75 procent efter försörjningsmåttet och till 25 procent efter befolkningen i
   åldern 16–64 år.
3. Inget förbund förlorar mer än 10 procent från ett år till nästa.

## Regeln från 2004

När lagen kom fick Försäkringskassan använda högst 5 procent av sjukpenningkostnaderna i området, och
parterna bidrog med lika stora delar (R-CAP-2004). I räkneexemplet Hallstahammar var
sjukpenningkostnaderna 109 569 tkr år 2001. Statens del blev 5 478 tkr, fördelad med 2 739 tkr var på
försäkringskassan och länsarbetsnämnden. Kommun och landsting bidrog med lika mycket var, så den
finansiella samordningen kunde omfatta högst 10 956 tkr. Plattformen behåller regeln som räknare för
historik och undervisning.
"""

TASKS = """\
Samordningsförbundet ska:

- besluta om mål och riktlinjer för den finansiella samordningen,
- besluta hur de tillgängliga medlen ska användas,
- finansiera de rehabiliteringsinsatser som parterna tillhandahåller,
- stödja samarbetet mellan parterna,
- svara för uppföljning och utvärdering av insatserna (R-FOLLOWUP),
- upprätta budget och årsredovisning (R-BUDGET, R-ANNUAL).

## Det förbundet inte gör

Förbundet fattar inga beslut som är myndighetsutövning mot enskilda (lagens 7 §). Beslut om insatser
till en viss person, om ersättningar eller om andra rättigheter fattas av respektive part, som behåller
sitt rehabiliteringsansvar. I plattformen registreras därför deltagande och resultat, men aldrig beslut
om förmåner (R-NO-AUTHORITY).
"""

BOARD = """\
Förbundet leds av en styrelse. Varje medlem ska vara företrädd med minst en ledamot och en ersättare
(lagens 10 §). Mandatperioden är fyra år om inte ett kortare uppdrag har bestämts (12 §). Plattformen
visar luckor i styrelsen och medlemmar som saknar en aktuell ledamot eller ersättare (R-BOARD).

Styrelsen beslutar om mål och riktlinjer, om hur förbundet ska ledas och organiseras och om
finansieringen av insatser. Uppdraget är personligt och frivilligt, med rätt till arvode och
ersättning från förbundet. Den som är ledamot är personligt ansvarig för förbundets verksamhet.

## Förbundschefen

Styrelsen kan utse en tjänsteman som leder arbetet enligt styrelsens anvisningar. Den vanligaste
titeln är förbundschef.

## Att hålla medlemmarna underrättade

Enligt lagens 18 § håller styrelsen medlemmarna underrättade om den allmänna planeringen av
verksamheten och om frågor av större ekonomisk eller organisatorisk betydelse. Styrelsen har i sin
tur rätt att få de yttranden och upplysningar från medlemmarna som den behöver. Markera sådana beslut
när protokollet skrivs; plattformen listar dem för medlemmarna (R-INFO).
"""

CONSULTATION = """\
Medlemssamrådet är mötet där förbundsmedlemmarna och samordningsförbundet för en gemensam, övergripande
dialog om förbundets verksamhet och framtida inriktning. Samrådet är inget beslutande eller styrande
organ. Det ökar kunskapen om förbundets insatser och om medlemmarnas förutsättningar, gör
rollfördelningen tydlig och gör medlemsrepresentanterna till en länk mellan sin organisation och
förbundet.

Lagen kräver att styrelsen samråder med medlemmarna om budgeten innan den fastställs (23 §, se
R-BUDGET). Hur samrådet ska gå till har Nationella rådet rekommenderat (R-SAMRAD); läs
[rådets rekommendation om medlemssamråd]({samrad}) i sin helhet.

## Rådets rekommendation i sex punkter

1. **Vem som företräder medlemmen.** Varje förbundsmedlem företräds av en annan fysisk person än en
   ledamot i det berörda förbundets styrelse (R-SAMRAD-1).
2. **Vem som deltar från förbundet.** Ordföranden och/eller en annan ordinarie ledamot samt
   förbundschefen (R-SAMRAD-2).
3. **Flera förbund.** Ett samråd kan omfatta flera samordningsförbund, till exempel alla förbund i ett
   län (R-SAMRAD-3).
4. **Sammankallande.** En person som någon av förbundsmedlemmarna har utsett kallar till samrådet
   (R-SAMRAD-4).
5. **Tidpunkt.** Samrådet hålls under våren, sedan förbunden har lämnat bokslut,
   verksamhetsberättelse och revisionsberättelse till medlemmarna. Minst ett samråd hålls varje år;
   fler kan hållas efter behov (R-SAMRAD-5).
6. **Dagordning.** Följande är vägledande (R-SAMRAD-6):
    - föregående års ekonomiska resultat och verksamhetsresultat,
    - iakttagelser av strukturella hinder för samverkan,
    - årets verksamhet i förhållande till medborgarnas behov av stöd och utvecklingen av
      myndighetssamverkan,
    - långsiktig utveckling i förhållande till behovsanalyser,
    - budgetförutsättningar.

## Så kontrollerar plattformen

När ett medlemssamråd registreras prövas punkterna 1, 3 och 4 som krav: ett möte där en
medlemsrepresentant också sitter i styrelsen, som inte omfattar något förbund eller som saknar en
sammankallande utsedd av en medlem sparas inte. Punkterna 2, 5 och 6 är råd: avvikelser visas som
varningar och sparas med mötet, men mötet kan ändå hållas.

## Praktiska råd

- Skicka årsredovisningen, verksamhetsberättelsen och revisionsberättelsen med kallelsen, så att
  representanterna kan läsa in sig.
- Låt dagordningens rubriker följa punkt 6; plattformen känner igen dem.
- Anteckna vad medlemmarna säger om budgetförutsättningarna – det är underlaget för höstens
  budgetsamråd.
"""

BUDGET_V1 = """\
Styrelsen fastställer förbundets budget för nästa år senast den 30 november. Innan dess ska styrelsen
samråda med förbundsmedlemmarna om budgeten (lagens 23 §, R-BUDGET).

Budgeten bygger på medlemmarnas bidrag: Försäkringskassan hälften, regionen en fjärdedel och kommunerna
en fjärdedel (R-SHARES).

Plattformen låter inte styrelsen fastställa budgeten utan att ett budgetsamråd med varje medlem är
registrerat.
"""

BUDGET_V2 = """\
Styrelsen fastställer förbundets budget för nästa år senast den 30 november. Innan dess ska styrelsen
samråda med förbundsmedlemmarna om budgeten (lagens 23 §, R-BUDGET). Samrådet är mer än en
formalitet: medlemmarna behöver veta vad de förväntas bidra med i god tid för sina egna budgetar.

## Året i korthet

| När | Vad | Regel |
|---|---|---|
| Våren | Medlemssamråd med budgetförutsättningar på dagordningen | R-SAMRAD-6 |
| Sommaren | Förbundschefen tar fram ett förslag med ram och poster | |
| September–oktober | Budgetsamråd med varje medlem | R-BUDGET |
| Senast 30 november | Styrelsen fastställer budgeten | R-BUDGET |
| Efter årets slut | Utfallet registreras och jämförs med budgeten | |

## Bidragen

Budgetens ram delas mellan medlemmarna enligt lagen (R-SHARES):

- Försäkringskassan bidrar med hälften; den delen täcker också Arbetsförmedlingens medverkan,
- regionen med en fjärdedel,
- kommunerna med en fjärdedel, fördelad enligt förbundsordningen: efter folkmängd om inget annat sägs,
  lika eller med fasta andelar.

Ett exempel: med en ram på 10 000 000 kr bidrar Försäkringskassan med 5 000 000 kr, regionen med
2 500 000 kr och kommunerna med 2 500 000 kr tillsammans. Har tre kommuner 60 000, 30 000 och 10 000
invånare blir deras delar 1 500 000 kr, 750 000 kr och 250 000 kr. Beloppen räknas på öret, och om
något öre blir över vid avrundningen går det till den del som hade störst rest – så blir summan alltid
exakt ramen.

## Det plattformen kontrollerar

- Budgeten kan inte fastställas förrän ett budgetsamråd med **varje** medlem är registrerat.
- Ett förbund som saknar någon av de fyra parterna kan inte fastställa budget (R-MEMBERS).
- En budget som fastställs efter den 30 november sparas, men markeras som sen och syns så i
  förbundets årscykel och i den nationella översikten.

## Om budgeten blir sen

Lagen anger ingen påföljd, men en sen budget gör det svårare för medlemmarna att planera. Berätta för
medlemmarna varför den är försenad, och boka nästa års budgetsamråd tidigare.
"""

ANNUAL = """\
Årsredovisningen ska vara klar inom tre månader efter räkenskapsårets slut. Den lämnas till medlemmarna
tillsammans med verksamhetsberättelsen och revisionsberättelsen (R-ANNUAL). Därefter kan vårens
medlemssamråd hållas (R-SAMRAD-5).

## Revision

Förbundets verksamhet granskas av en revisor för varje medlem. Revisorerna prövar om räkenskaperna är
rättvisande och om verksamheten bedrivs ändamålsenligt (R-AUDIT).

## Ansvarsfrihet

Varje medlem prövar för sig frågan om ansvarsfrihet för styrelsen, och bara för de ledamöter som
medlemmen själv har utsett. Årscykeln i plattformen visar vilka medlemmar som har fattat sitt beslut
och vilka som fortfarande saknas.
"""

FOLLOWUP = """\
Uppföljningen ska ske både lokalt och nationellt. Lokalt frågar förbundet om de insatser det finansierar
ger avsett resultat. Nationellt är frågan om finansiell samordning är ett samhällsekonomiskt effektivt
sätt att bedriva samordnade insatser (R-FOLLOWUP). Uppföljningen bör planeras från början och vara en
del av verksamheten, inte något som görs i efterhand.

## Hur gick det för Kalle och Stina?

Det nationella uppföljningssystemet SUS höll uppgifter om varje deltagare från 2004 till 2023. Systemet
som ersatte det tar bara emot antal fördelade på kön, och förbunden förlorade sin historik. Plattformen
håller därför den detaljerade uppföljningen lokalt, under förbundets kontroll, och räknar fram de
nationella talen därifrån utan att någon person kan pekas ut.

## Vad som registreras

För varje deltagande registreras (R-FOLLOWUP):

- start- och slutdatum och avslutsorsak – också ”registrerad av misstag”,
- försörjningskällor före och efter insatsen, med omfattning 25, 50, 75 eller 100 procent,
- sysselsättning före och efter: arbete, studier, aktivt arbetssökande eller ingen,
- utbildningsnivå,
- svaren på förbundets egna uppföljningsfrågor.

## Samtycke

Personuppgifter om en deltagare får lagras bara med deltagarens skriftliga samtycke för den insatsen;
Försäkringskassans blankett 9443 används (R-CONSENT). Utan samtycke, eller om personen har skyddad
identitet, registreras deltagaren som anonym: bara kön och startår. Om deltagaren tar tillbaka sitt
samtycke tas identiteten bort, men deltagandet finns kvar i de anonyma antalen.

Förbundschefen och styrelsen ser aldrig deltagarnas identitet. Det gör bara de deltagaransvariga för
insatsen.

## Små tal

Varje tal som lämnar förbundet – i den nationella översikten, i öppna data, i den nationella rapporten
och i jämförelser – är en summering. Ett antal mellan 1 och 4 visas inte, och ytterligare tal döljs där
det behövs för att ett dolt tal inte ska kunna räknas fram ur summorna. Döljandet görs före all
avrundning (R-SUPPRESS).
"""

PAGES = (
    Page("bakgrund-och-begrepp", 1, "fran-socsam-till-finsam", "Från Socsam till Finsam", HISTORY),
    Page("bakgrund-och-begrepp", 2, "begrepp", "Begrepp", CONCEPTS),
    Page("syftet", 1, "syfte-och-malgrupp", "Syfte och målgrupp", PURPOSE),
    Page("lagen", 1, "parterna", "Parterna", PARTIES),
    Page("lagen", 2, "resurserna", "Resurserna", RESOURCES),
    Page("lagen", 3, "forbundets-uppgifter", "Förbundets uppgifter", TASKS),
    Page("styrning", 1, "styrelsen", "Styrelsen och förbundschefen", BOARD),
    Page("styrning", 2, "medlemssamrad", "Att hålla medlemssamråd", CONSULTATION),
    Page("ekonomi", 1, "budgetprocessen", "Budgetprocessen och 30 november", BUDGET_V1),
    Page("ekonomi", 2, "arsredovisning-och-revision", "Årsredovisning, revision och ansvarsfrihet", ANNUAL),
    Page("uppfoljning", 1, "uppfoljning-och-samtycke", "Uppföljning, samtycke och små tal", FOLLOWUP),
)

# The second save of the budget page: a planning calendar, an example and what a late budget means.
REVISION = ("budgetprocessen", BUDGET_V2, "Tidsplan, räkneexempel och vad som gäller vid sen budget.")


def _keep_numbers_together(text: str) -> str:
    """A no-break space between the groups of a number ("10 000 000 kr"), so that it does not wrap."""
    return re.sub(r"(?<=\d) (?=\d{3}\b)", "\u00a0", text)


SAMRAD_TITLE = "Nationella rådets rekommendation om medlemssamråd"


def _recommendation_url(title: str) -> str:
    """The address of the council's published recommendation (the council's demo step runs first), or of
    the council's page when there is none."""
    found = council_selectors.recommendation_list(user=SYSTEM).filter(title=title).first()
    if found is None:
        return reverse("national:council")
    return reverse("national:recommendation_detail", args=[found.pk])


def handbook_step(ctx: DemoContext) -> None:
    author = ctx.users.get(AUTHOR, ctx.actor)
    chapters = {c.slug: c for c in HandbookChapter.objects.all()}
    for spec in CHAPTERS:
        if spec.slug not in chapters:
            chapters[spec.slug] = services.chapter_create(
                actor=author, number=spec.number, title=spec.title, slug=spec.slug, intro=spec.intro
            )
    existing = set(HandbookPage.objects.values_list("slug", flat=True))
    for page in ctx.progress(PAGES, desc="Handbok"):
        if page.slug in existing:
            continue
        created = services.page_create(
            actor=author,
            chapter=chapters[page.chapter],
            number=page.number,
            title=page.title,
            slug=page.slug,
            body=_keep_numbers_together(page.body.replace("{samrad}", _recommendation_url(SAMRAD_TITLE))),
            comment="Första versionen.",
        )
        if page.slug == REVISION[0]:
            services.page_update(
                actor=author,
                page=created,
                version=created.version,
                chapter=created.chapter,
                number=created.number,
                title=created.title,
                slug=created.slug,
                body=_keep_numbers_together(REVISION[1]),
                comment=REVISION[2],
            )
