"""The register of rules: every code the platform refuses or warns with (R-…), with its text and sources.

One register for the whole platform: the error codes of `RuleViolation` name these entries (a sub-code
such as R-SAMRAD-1 names point 1 of R-SAMRAD), the rule pages show them, and the handbook, the council's
recommendations and the annual cycle link to them.

The register holds two kinds of entry, kept apart on the rule pages:

- a *regel* (`Kind.RULE`) is a rule of the domain: the law, the council's recommendations, the
  follow-up's practice (DESIGN §3). Its text is a faithful Swedish rendering, its sources name the seed
  documents, the paragraphs of Lag (2003:1210) and the pages of finsam.se it comes from;
- a *kontroll av indata* (`Kind.CHECK`) is a technical check of what was entered or asked for (a date, a
  required field, a file, access): it has a short explanation and no source beyond the platform itself.

A test walks the source code and fails for a code that is used in an error but missing here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from django.utils.translation import gettext

# A code as written in running text (the handbook) or in an error: R-BUDGET, R-SAMRAD-1, R-CAP-2004.
CODE_PATTERN = re.compile(r"\bR-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")

LAW = "Lag (2003:1210) om finansiell samordning av rehabiliteringsinsatser"
# The source documents (the seeds), by number and title.
SEED_000 = "Underlag 000, Nationellt råd – förslag till beslut"
SEED_001 = "Underlag 001, Nationella rådets rekommendation om medlemssamråd"
SEED_003 = "Underlag 003, Finansiell samordning inom rehabiliteringsområdet (Socialdepartementets bilder)"
SEED_004 = "Underlag 004, Bakgrund och förslag om Nationella rådet"


def gettext_noop(message: str) -> str:
    """Marks a text of the register for translation (makemessages finds it by this name); `gettext`
    translates it when a page shows the rule. Plain, so that the register needs no settings to load."""
    return message


class Kind(StrEnum):
    RULE = "regel"
    CHECK = "kontroll"


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    text: str = ""
    sources: tuple[str, ...] = ()
    points: tuple[str, ...] = field(default=())  # numbered points: R-SAMRAD-1 is points[0]
    kind: Kind = Kind.RULE

    @property
    def is_check(self) -> bool:
        return self.kind == Kind.CHECK

    def translated(self) -> Rule:
        """The rule in the active language (the register keeps the Swedish texts; sources are names)."""
        return replace(
            self,
            title=gettext(self.title),
            text=gettext(self.text) if self.text else "",
            points=tuple(gettext(point) for point in self.points),
        )


SAMRAD_POINTS = (
    gettext_noop(
        "Vid samrådet företräds varje förbundsmedlem av en annan fysisk person än en ledamot i det berörda "
        "samordningsförbundets styrelse."
    ),
    gettext_noop(
        "Från samordningsförbundet deltar ordföranden och/eller en annan ordinarie styrelseledamot samt "
        "förbundschefen (verkställande tjänsteman)."
    ),
    gettext_noop("Ett samråd kan omfatta flera samordningsförbund."),
    gettext_noop("Sammankallande är en person som någon av förbundsmedlemmarna har utsett."),
    gettext_noop(
        "Samrådet hålls under våren, efter att förbundet har lämnat bokslut, verksamhetsberättelse och "
        "revisionsberättelse till medlemmarna. Minst ett medlemssamråd hålls varje år; samråd kan också "
        "hållas vid andra tidpunkter efter förbundets behov."
    ),
    gettext_noop(
        "Dagordningen följer: föregående års ekonomiska resultat och verksamhetsresultat; iakttagelser av "
        "strukturella hinder för samverkan; årets verksamhet i förhållande till medborgarnas behov av stöd "
        "och utvecklingen av myndighetssamverkan; långsiktig utveckling i förhållande till behovsanalyser; "
        "budgetförutsättningar."
    ),
)

DOMAIN_RULES = (
    Rule(
        "R-MEMBERS",
        gettext_noop("Förbundets medlemmar"),
        gettext_noop(
            "Ett samordningsförbund har som medlemmar Försäkringskassan, Arbetsförmedlingen, minst en "
            "region och minst en kommun. Alla fyra slags parter måste vara med. Ett förbund där någon part "
            "saknas visas som ofullständigt och kan inte fastställa någon budget."
        ),
        (
            f"{LAW}, 1–3 §§",
            f"{SEED_001}: Rollfördelning",
            f"{SEED_003}, bild 6",
        ),
    ),
    Rule(
        "R-SHARES",
        gettext_noop("Medlemmarnas bidrag"),
        gettext_noop(
            "Försäkringskassan bidrar med hälften av förbundets medel (och täcker enligt dagens lag även "
            "Arbetsförmedlingens del), regionerna med en fjärdedel och kommunerna med en fjärdedel. Flera "
            "kommuner räknas tillsammans som en part. Förbundsordningen anger hur kommunernas fjärdedel "
            "fördelas: efter folkmängd (om inget annat sägs), lika eller med fasta andelar; på samma sätt "
            "mellan flera regioner. Beloppen räknas exakt på öret och delarna summerar exakt till det hela "
            "(fördelning efter största rest)."
        ),
        (f"{LAW}, 5 §", f"{SEED_003}, bild 10"),
    ),
    Rule(
        "R-CAP-2004",
        gettext_noop("Taket för statens del (2004)"),
        gettext_noop(
            "Regeln när lagen kom: Försäkringskassan fick använda högst 5 procent av sjukpenningkostnaderna "
            "i området. Försäkringskassan och Arbetsförmedlingen (då länsarbetsnämnden) bidrog lika till "
            "statens del, och region och kommuner satsade vardera lika mycket som en part. Exempel, "
            "Hallstahammar 2001: sjukpenningkostnader 109 569 tkr ger en statlig del på 5 478 tkr, 2 739 "
            "tkr per part och högst 10 956 tkr sammanlagt. Plattformen behåller regeln som räknare för "
            "historik och undervisning."
        ),
        (f"{SEED_003}, bild 10–11", "Ds 2003:2 Finansiell samordning inom rehabiliteringsområdet"),
    ),
    Rule(
        "R-STATE-MODEL",
        gettext_noop("Statens fördelningsmodell"),
        gettext_noop(
            "Statens medel (omkring 339 miljoner kronor om året) fördelas mellan förbunden enligt den "
            "modell som används sedan 2016: ett grundbelopp på 400 tkr per förbund; resten till 75 procent "
            "efter försörjningsmåttet (SCB:s mått på befolkningen med sjukpenning, aktivitetsersättning, "
            "arbetsmarknadsstöd och ekonomiskt bistånd) och till 25 procent efter befolkningen 16–64 år. "
            "Inget förbund förlorar mer än 10 procent från ett år till nästa, och delarna summerar exakt "
            "till anslaget. Varje parameter är en uppgift som anges, inte en konstant."
        ),
        ("finsam.se: Statens fördelningsmodell",),
    ),
    Rule(
        "R-EQUITY",
        gettext_noop("Eget kapital"),
        gettext_noop(
            "Förbundets eget kapital är det som blivit över av tidigare års bidrag: ingående eget kapital "
            "plus årets resultat ger utgående eget kapital, som nästa års budget börjar med. Nationella "
            "rådet rekommenderar att det egna kapitalet hålls under en nivå räknad som andel av årets "
            "bidrag från medlemmarna; nivån anges per år av arbetsgruppen. Ett förbund med eget kapital "
            "över nivån omfattas inte av spärren på 10 procent i statens fördelningsmodell (R-STATE-MODEL)."
        ),
        (
            "Nationella rådets rekommendation om eget kapital i samordningsförbund",
            "finsam.se: Statens fördelningsmodell",
        ),
    ),
    Rule(
        "R-BOARD",
        gettext_noop("Styrelsen och mandattiden"),
        gettext_noop(
            "Varje medlem är företrädd i styrelsen med minst en ledamot och en ersättare. Ett uppdrag "
            "gäller i fyra år om det inte är kortare. Platserna har start- och slutdatum; plattformen visar "
            "luckor och medlemmar som saknar en aktuell ledamot eller ersättare."
        ),
        (f"{LAW}, 10 § och 12 §", f"{SEED_001}: Rollfördelning, Styrelse", f"{SEED_003}, bild 15"),
    ),
    Rule(
        "R-BUDGET",
        gettext_noop("Budget senast 30 november efter samråd"),
        gettext_noop(
            "Styrelsen fastställer nästa års budget senast den 30 november, sedan den har samrått med "
            "förbundsmedlemmarna om budgeten. En budget kan inte fastställas utan att ett budgetsamråd med "
            "varje medlem är registrerat; en budget som fastställs efter den 30 november markeras som sen."
        ),
        (f"{LAW}, 23 §", f"{SEED_001}: Lagtext"),
    ),
    Rule(
        "R-INFO",
        gettext_noop("Information till medlemmarna"),
        gettext_noop(
            "Styrelsen håller förbundsmedlemmarna underrättade om den allmänna planeringen av verksamheten "
            "och om frågor av större ekonomisk eller organisatorisk betydelse. Sådana styrelsebeslut "
            "markeras och listas för medlemmarna."
        ),
        (f"{LAW}, 18 §", f"{SEED_001}: Lagtext"),
    ),
    Rule(
        "R-ANNUAL",
        gettext_noop("Årsredovisningen"),
        gettext_noop(
            "Årsredovisningen ska vara klar inom tre månader efter räkenskapsårets slut. Den lämnas till "
            "medlemmarna tillsammans med verksamhetsberättelsen och revisionsberättelsen."
        ),
        ("finsam.se: Årsredovisning",),
    ),
    Rule(
        "R-AUDIT",
        gettext_noop("Revision och ansvarsfrihet"),
        gettext_noop(
            "Förbundets räkenskaper och verksamhet granskas av en revisor för varje medlem. Varje medlem "
            "prövar för sig frågan om ansvarsfrihet för styrelsen, och bara för de ledamöter som medlemmen "
            "har utsett."
        ),
        (f"{SEED_003}, bild 16",),
    ),
    Rule(
        "R-NO-AUTHORITY",
        gettext_noop("Ingen myndighetsutövning"),
        gettext_noop(
            "Ett samordningsförbund fattar inte beslut om förmåner eller rättigheter för enskilda; "
            "myndighetsutövningen ligger kvar hos respektive part. Plattformen registrerar deltagande och "
            "resultat, aldrig enskilda beslut om förmåner."
        ),
        (f"{LAW}, 7 §", f"{SEED_003}, bild 13–14"),
    ),
    Rule(
        "R-SAMRAD",
        gettext_noop("Medlemssamråd enligt rådets rekommendation"),
        gettext_noop(
            "Nationella rådets rekommendation om medlemssamråd har sex punkter. Punkterna 1, 3 och 4 är "
            "hårda krav: ett möte som bryter mot dem sparas inte. Punkterna 2, 5 och 6 ger varningar som "
            "visas och sparas med mötet; mötet kan ändå hållas."
        ),
        (SEED_001, f"{LAW}, 18 § och 23 §"),
        SAMRAD_POINTS,
    ),
    Rule(
        "R-CONSENT",
        gettext_noop("Samtycke och skyddad identitet"),
        gettext_noop(
            "Personuppgifter om en deltagare lagras bara med skriftligt samtycke för den insatsen (praxis "
            "från SUS, Försäkringskassans blankett 9443). Utan samtycke, eller med skyddad identitet, "
            "registreras deltagaren som anonym: bara kön och startår. Drar deltagaren tillbaka sitt "
            "samtycke tas identiteten bort och de anonyma antalen finns kvar."
        ),
        ("SUS praxis", "Försäkringskassans blankett 9443"),
    ),
    Rule(
        "R-FOLLOWUP",
        gettext_noop("Uppföljning av insatser"),
        gettext_noop(
            "Den lokala uppföljningen svarar på om de insatser förbundet finansierar ger avsett resultat; "
            "den nationella på om finansiell samordning är samhällsekonomiskt effektiv. Ett deltagande "
            "registreras med start- och slutdatum, avslutsorsak (också ”registrerad av misstag”), "
            "försörjningskällor före och efter med omfattning (25, 50, 75 eller 100 procent), "
            "sysselsättning före och efter (arbete, studier, aktivt arbetssökande, ingen), utbildningsnivå "
            "och svaren på förbundets egna uppföljningsfrågor."
        ),
        (f"{SEED_003}, bild 17–19",),
    ),
    Rule(
        "R-SUPPRESS",
        gettext_noop("Skydd mot röjande av små tal"),
        gettext_noop(
            "Varje tal som lämnar ett förbund (den nationella översikten, öppna data, den nationella "
            "rapporten, jämförelser) är en summering, och ett antal mellan 1 och 4 visas inte. Sekundär "
            "maskering ser till att ett dolt tal inte kan räknas fram ur summorna. Maskeringen görs före "
            "all avrundning."
        ),
        ("Plattformens regel för alla tal som lämnar ett förbund",),
    ),
    Rule(
        "R-NATIONAL",
        gettext_noop("Den nationella nivån"),
        gettext_noop(
            "Den nationella arbetsgruppen bereder frågor till Nationella rådet, svarar på förbundens frågor "
            "om juridik, ekonomi och organisation, ordnar konferenser, håller handboken aktuell och sköter "
            "uppföljningssystemet. Rådets strategi är att alla kommuner och regioner ingår i ett "
            "samordningsförbund och att förbundens verksamhet och resultat är kända internt och externt. "
            "Rådet ger ut Handbok för finansiell samordning (reviderad juni 2016), vars kapitel är förebild "
            "för plattformens handbok."
        ),
        (
            SEED_000,
            SEED_004,
            "Handbok för finansiell samordning, juni 2016",
        ),
    ),
)


def _check(code: str, title: str, text: str) -> Rule:
    return Rule(code, title, text, ("Plattformens kontroll av indata",), kind=Kind.CHECK)


CHECKS = (
    _check(
        "R-INPUT",
        gettext_noop("Uppgiften är inte giltig"),
        gettext_noop(
            "Ett fält har ett värde som inte kan tas emot: för långt, i fel format eller utanför de "
            "tillåtna värdena. Meddelandet säger vilket fält och vad som gäller."
        ),
    ),
    _check(
        "R-REQUIRED",
        gettext_noop("Uppgiften saknas"),
        gettext_noop("Ett fält som behövs för att spara är tomt."),
    ),
    _check(
        "R-DATES",
        gettext_noop("Datum och år"),
        gettext_noop(
            "Ett datum eller år ligger utanför det tillåtna, eller så kommer ett slutdatum före ett "
            "startdatum."
        ),
    ),
    _check(
        "R-UNIQUE",
        gettext_noop("Finns redan"),
        gettext_noop(
            "Det finns redan ett likadant objekt, till exempel ett förbund med samma namn eller en fråga "
            "med samma text."
        ),
    ),
    _check(
        "R-DUPLICATE",
        gettext_noop("Dubbel registrering"),
        gettext_noop("Personen eller uppgiften är redan registrerad på samma ställe."),
    ),
    _check(
        "R-OVERLAP",
        gettext_noop("Överlappande perioder"),
        gettext_noop(
            "Två perioder som inte får gå omlott gör det, till exempel två uppdrag på samma styrelseplats."
        ),
    ),
    _check(
        "R-CONFLICT",
        gettext_noop("Någon annan har ändrat"),
        gettext_noop(
            "Någon annan sparade samma sak efter att du öppnade formuläret. Ingenting har skrivits över: "
            "jämför och spara igen."
        ),
    ),
    _check(
        "R-AGE",
        gettext_noop("Åldern vid start"),
        gettext_noop(
            "En deltagare i en individinriktad insats är mellan 16 och 69 år den dag deltagandet börjar. "
            "Åldern räknas ur personnumret; en anonym deltagare kontrolleras inte."
        ),
    ),
    _check(
        "R-CORRECTION",
        gettext_noop("Rättelser"),
        gettext_noop(
            "En deltagares eller ett deltagandes uppgifter kan rättas i efterhand med ett skäl som sparas i "
            "granskningsloggen. En rättelse som inte ändrar något tas inte emot, och statistiken följer "
            "rättelsen."
        ),
    ),
    _check(
        "R-ROLE-COORDINATOR",
        gettext_noop("Rollen som deltagaransvarig"),
        gettext_noop(
            "Rollen som deltagaransvarig ser deltagarnas identitet och ges och avslutas bara av förbundets "
            "egen förbundschef, aldrig av en nationell roll."
        ),
    ),
    _check(
        "R-ROLE-SELF",
        gettext_noop("Ingen ger sig själv en roll"),
        gettext_noop("En roll ges och avslutas alltid av någon annan än den som har den."),
    ),
    _check(
        "R-ROLE-DATES",
        gettext_noop("Rollens datum"),
        gettext_noop(
            "En roll gäller från sitt startdatum till sitt slutdatum, den första dagen utan rollen. "
            "Slutdatumet är inte före startdatumet och inte redan passerat, och samma roll i samma förbund "
            "gäller inte två gånger samma dag."
        ),
    ),
    _check(
        "R-INVITATION",
        gettext_noop("Inbjudan med e-post"),
        gettext_noop(
            "En ny användare bjuds in med en e-postadress som inget annat konto har. Länken i inbjudan "
            "gäller en begränsad tid och bara en gång."
        ),
    ),
    _check(
        "R-OTP",
        gettext_noop("Koden för tvåstegsverifiering stämmer inte"),
        gettext_noop(
            "Koden från appen för tvåstegsverifiering eller reservkoden var fel, redan använd eller för "
            "gammal. Efter flera fel i rad måste du vänta en stund innan nästa försök. Ingenting har ändrats."
        ),
    ),
    _check(
        "R-OTP-REQUIRED",
        gettext_noop("Tvåstegsverifiering krävs"),
        gettext_noop(
            "Den som är nationell administratör, förbundschef eller deltagaransvarig loggar in med både "
            "lösenord och en kod från sin app för tvåstegsverifiering (eller en reservkod). I API:et skickas "
            "koden som otp tillsammans med lösenordet."
        ),
    ),
    _check(
        "R-OTP-SETUP",
        gettext_noop("Tvåstegsverifiering är inte inställd"),
        gettext_noop(
            "Kontot behöver tvåstegsverifiering men har ännu ingen app kopplad. Logga in på webbplatsen "
            "och ställ in appen först; därefter kan du hämta API-nycklar med koden."
        ),
    ),
    _check(
        "R-REAUTH",
        gettext_noop("Ny inloggning krävs"),
        gettext_noop(
            "Att läsa eller exportera personnummer kräver att lösenordet (och koden för tvåstegsverifiering) "
            "har angetts nyligen. I API:et: hämta en ny API-nyckel och försök igen med den."
        ),
    ),
    _check(
        "R-LOCKED",
        gettext_noop("Inloggningen är tillfälligt spärrad"),
        gettext_noop(
            "Efter för många felaktiga lösenord i rad spärras kontot från den adressen en stund. Vänta och "
            "försök igen, eller be den som driftar plattformen att häva spärren."
        ),
    ),
    _check(
        "R-SIGN-IN-LINK",
        gettext_noop("En e-legitimation hör till ett konto"),
        gettext_noop(
            "Ett konto kan kopplas till en e-legitimation, och en e-legitimation till ett konto. Kopplingen "
            "görs av en nationell administratör; inloggningen med e-legitimation skapar aldrig ett konto."
        ),
    ),
    _check(
        "R-KEYS",
        gettext_noop("Nycklarna passar inte uppgifterna"),
        gettext_noop(
            "En krypterad uppgift kan inte läsas med plattformens nycklar. Ingenting har ändrats; den som "
            "driftar plattformen återställer rätt nycklar."
        ),
    ),
    _check(
        "R-FILE",
        gettext_noop("Filen kan inte tas emot"),
        gettext_noop("En uppladdad fil är för stor, tom eller av fel slag."),
    ),
    _check(
        "R-IMPORT",
        gettext_noop("Filen läses in helt eller inte alls"),
        gettext_noop(
            "En rad i en inläst fil bryter mot en regel eller saknar en uppgift. Ingenting ur filen har "
            "skrivits; radrapporten säger vilken rad och vilket fält som ska rättas."
        ),
    ),
    _check(
        "R-DOCUMENT",
        gettext_noop("Dokumentet kan inte tas emot"),
        gettext_noop("Ett dokument till förbundets årscykel är tomt, för stort eller av fel slag."),
    ),
    _check(
        "R-ACCESS", gettext_noop("Behörighet saknas"), gettext_noop("Du har inte behörighet att göra detta.")
    ),
    _check(
        "R-AUTH",
        gettext_noop("Inloggning krävs"),
        gettext_noop("Användarnamn, lösenord eller API-nyckel är fel eller saknas."),
    ),
    _check(
        "R-NOT-FOUND",
        gettext_noop("Finns inte"),
        gettext_noop("Det efterfrågade finns inte, eller så har du inte behörighet att se det."),
    ),
    _check(
        "R-HTTP",
        gettext_noop("Begäran kunde inte utföras"),
        gettext_noop("Begäran till API:et var felaktig eller kunde inte utföras."),
    ),
    _check(
        "R-METHOD",
        gettext_noop("Metoden är inte tillåten"),
        gettext_noop("Adressen tar inte emot den HTTP-metoden; Allow anger vilka den tar emot."),
    ),
    _check(
        "R-TOO-LARGE",
        gettext_noop("För stor begäran"),
        gettext_noop("Begäran är större än plattformen tar emot. Inget lästes och inget sparades."),
    ),
    _check(
        "R-SERVER",
        gettext_noop("Fel hos plattformen"),
        gettext_noop("Ett fel uppstod hos plattformen. Inget av det som skickades sparades till hälften."),
    ),
    _check(
        "R-UNAVAILABLE",
        gettext_noop("Tillfälligt otillgänglig"),
        gettext_noop("Databasen svarar inte just nu. Försök igen om en stund."),
    ),
    _check(
        "R-SCOPE",
        gettext_noop("Annat förbund"),
        gettext_noop("Uppgiften hör till ett annat samordningsförbund än det du arbetar i."),
    ),
    _check(
        "R-ROLE",
        gettext_noop("Fel roll"),
        gettext_noop(
            "Personen har inte den roll i förbundet som uppgiften kräver, till exempel deltagaransvarig."
        ),
    ),
    _check(
        "R-COORDINATOR",
        gettext_noop("Inte deltagaransvarig"),
        gettext_noop("Bara en deltagaransvarig för insatsen kan registrera och se dess deltagare."),
    ),
    _check(
        "R-KIND",
        gettext_noop("Fel slags insats"),
        gettext_noop(
            "Uppgiften passar inte insatsens slag: en strukturövergripande insats har inga enskilda "
            "deltagare."
        ),
    ),
    _check(
        "R-PARTY",
        gettext_noop("Fel part"),
        gettext_noop(
            "En medlem måste vara Försäkringskassan, Arbetsförmedlingen, en region eller en kommun."
        ),
    ),
    _check(
        "R-PLANNED",
        gettext_noop("Planerade deltagare"),
        gettext_noop(
            "Antalet planerade deltagare per år är felaktigt angivet, till exempel samma år två gånger."
        ),
    ),
    _check(
        "R-ORGNR",
        gettext_noop("Organisationsnummer"),
        gettext_noop("Organisationsnumret är inte giltigt eller används redan av ett annat förbund."),
    ),
    _check(
        "R-IDENTITY",
        gettext_noop("Personnummer"),
        gettext_noop("Person- eller samordningsnumret är inte giltigt."),
    ),
    _check(
        "R-MEETING",
        gettext_noop("Mötets förbund"),
        gettext_noop("Ett styrelsemöte hör till exakt ett samordningsförbund."),
    ),
    _check(
        "R-MINUTES",
        gettext_noop("Protokollet"),
        gettext_noop("Protokollet finns inte ännu, eller så är personen inte utsedd justerare."),
    ),
    _check(
        "R-MINUTES-LOCKED",
        gettext_noop("Låst protokoll"),
        gettext_noop("Ett justerat och låst protokoll, och mötet det hör till, kan inte ändras."),
    ),
    _check(
        "R-OUTCOME",
        gettext_noop("Utfallet"),
        gettext_noop("Utfall registreras bara för en fastställd budget och kan inte ändras efter bokslutet."),
    ),
    _check(
        "R-CONFERENCE-CLOSED",
        gettext_noop("Anmälan är stängd"),
        gettext_noop("Sista dag för anmälan till konferensen har passerat."),
    ),
    _check(
        "R-CONFERENCE-TWICE",
        gettext_noop("Redan anmäld"),
        gettext_noop("En person kan ha en anmälan till samma konferens, med plats eller på väntelistan."),
    ),
    _check(
        "R-CONFERENCE-NOT-OPEN",
        gettext_noop("Konferensen tar inte emot anmälningar"),
        gettext_noop("Konferensen är inte publicerad ännu, eller så är den inställd."),
    ),
    _check(
        "R-CONFERENCE-INPUT",
        gettext_noop("Uppgifter om en konferens"),
        gettext_noop(
            "En konferens har rubrik, plats, start före slut, ett antal platser och en sista anmälningsdag "
            "som inte ligger efter konferensens start."
        ),
    ),
    _check(
        "R-COUNCIL-INPUT",
        gettext_noop("Uppgifter om rådet"),
        gettext_noop(
            "En ledamot eller en rekommendation saknar en uppgift, har en period som slutar före den "
            "börjar, eller hänvisar till en regel som inte finns."
        ),
    ),
    _check(
        "R-COUNCIL-STATUS",
        gettext_noop("Rekommendationens status"),
        gettext_noop(
            "En rekommendation går från utkast till publicerad och från publicerad till återkallad, aldrig "
            "tillbaka."
        ),
    ),
    _check(
        "R-HELPDESK-TEXT",
        gettext_noop("Text i en fråga"),
        gettext_noop(
            "En fråga, ett svar eller en komplettering är vanlig text: skript, ramar, händelsehanterare och "
            "javascript:-länkar tas inte emot, och texten får inte vara för lång."
        ),
    ),
    _check(
        "R-HELPDESK-FILE",
        gettext_noop("Bilaga till en fråga"),
        gettext_noop(
            "En bilaga är högst 10 MB och en PDF, ett Office- eller OpenDocument-dokument eller en bild."
        ),
    ),
    _check(
        "R-HELPDESK-STATUS",
        gettext_noop("Frågans läge"),
        gettext_noop(
            "Ett steg i frågans handläggning passar inte dess läge, till exempel ett svar på en stängd fråga."
        ),
    ),
    _check(
        "R-HELPDESK-ANON",
        gettext_noop("Avidentifierad publicering"),
        gettext_noop(
            "En fråga publiceras bland frågor och svar först när frågeställarens namn och förbundets namn "
            "är borttagna ur texten."
        ),
    ),
    _check(
        "R-HELPDESK-FAQ",
        gettext_noop("Redan publicerad"),
        gettext_noop("En fråga publiceras en gång; därefter ändras den publicerade texten."),
    ),
)

RULES: dict[str, Rule] = {rule.code: rule for rule in (*DOMAIN_RULES, *CHECKS)}


def rule_for(code: str) -> Rule | None:
    """The entry an error code names: the code itself, or the rule of a numbered point (R-SAMRAD-1)."""
    if code in RULES:
        return RULES[code]
    head, _, tail = code.rpartition("-")
    if tail.isdigit() and head in RULES:
        return RULES[head]
    return None


def point_of(code: str) -> int | None:
    """The point number a sub-code names (R-SAMRAD-1 → 1), when the rule has that point."""
    rule = rule_for(code)
    if rule is None or rule.code == code:
        return None
    number = int(code.rpartition("-")[2])
    return number if 1 <= number <= len(rule.points) else None


def domain_rules() -> list[Rule]:
    return [rule for rule in RULES.values() if rule.kind == Kind.RULE]


def checks() -> list[Rule]:
    return [rule for rule in RULES.values() if rule.kind == Kind.CHECK]


def codes_in(text: str) -> list[str]:
    """The registered codes a text mentions, in order of first mention (R-SAMRAD-1 counts as R-SAMRAD)."""
    found: list[str] = []
    for match in CODE_PATTERN.finditer(text or ""):
        rule = rule_for(match.group(0))
        if rule is not None and rule.code not in found:
            found.append(rule.code)
    return found
