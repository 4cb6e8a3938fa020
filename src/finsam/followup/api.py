"""Participant and participation endpoints of the API.

Identities: the participant list never carries a personnummer, to anyone. It returns pseudonymous rows
(the participant's id and the anonymous facts: sex, birth year, start year, participations), so that a
list, an export or a script never moves identities in bulk. A participant coordinator assigned to the
intervention reads one identity at a time with `GET /participants/{id}`, and each such read is written to
the audit log. Everyone else (association admins included) gets 403 or 404 here and sees counts only.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.params.functions import Path

from finsam.core.decorators import api_operation
from finsam.core.errors import RuleViolation
from finsam.core.roles import Capability
from finsam.core.schemas import MAX_ID, NO_CONTROL_CHARACTERS, AssociationId, Day, Id
from finsam.followup import selectors, services
from finsam.followup.models import Participant, Participation, Phase
from finsam.followup.schemas import PARTICIPANT_PAGE_SIZE
from finsam.interventions import selectors as intervention_selectors
from finsam.registry import selectors as registry_selectors

router = Router(tags=["followup"])

ParticipantId = Annotated[int, Path(ge=1, le=MAX_ID, description="Deltagarens (pseudonyma) id.")]
ParticipationId = Annotated[int, Path(ge=1, le=MAX_ID, description="Deltagandets id.")]
Code = Annotated[str, Field(min_length=1, max_length=32, pattern=NO_CONTROL_CHARACTERS)]


class IncomeSourceIn(Schema):
    source: Code = Field(
        description="Försörjningskälla, t.ex. salary, sickness_benefit, social_assistance, none."
    )
    extent: int = Field(ge=0, le=100, description="Omfattning i procent: 25, 50, 75 eller 100.")


class AnswerIn(Schema):
    question: Id = Field(description="Id för förbundets uppföljningsfråga.")
    value: int = Field(ge=0, le=5, description="Ja = 1, nej = 0; eller 1–5 på en skala.")


class AnswerOut(Schema):
    question: int
    point: str = Field(description="exit (vid avslut) eller later (senare uppföljning).")
    answered_on: date
    value: int


class ConsentIn(Schema):
    given_on: Day = Field(description="Dagen det skriftliga samtycket lämnades.")
    form_version: str = Field(min_length=1, max_length=40, pattern=NO_CONTROL_CHARACTERS)


class ConsentOut(Schema):
    given_on: date
    form_version: str
    withdrawn_on: date | None
    scanned_form: bool = Field(description="Om en inskannad blankett finns (hämtas på webbsidan).")


class ParticipationSummary(Schema):
    id: int
    start: date
    exit: date | None
    exit_reason: str
    in_statistics: bool = Field(description="false när avslutsorsaken är registered_by_mistake.")


class ParticipantOut(Schema):
    id: int = Field(description="Pseudonymt id; säger inget om personen.")
    intervention: int
    registration: str = Field(description="identified, anonymous eller protected (skyddad identitet).")
    sex: str = Field(description="woman eller man.")
    birth_year: int | None
    start_year: int
    registered_on: date
    has_identity: bool = Field(description="Om personnumret finns sparat (krypterat).")
    identity_removed: str = Field(description="withdrawn, retention eller tom.")
    consent: ConsentOut | None
    participations: list[ParticipationSummary]


class SamePersonOut(Schema):
    id: int = Field(description="Deltagarens id i den andra insatsen.")
    intervention: str = Field(description="Insatsens namn.")


class SamePersonSummary(Schema):
    shown: list[SamePersonOut] = Field(
        description="Samma person (samma personnummer) i andra insatser i förbundet som du är "
        "deltagaransvarig för."
    )
    elsewhere: int = Field(description="Antal andra insatser i förbundet där personen finns, utan namn.")


class ParticipantDetailOut(ParticipantOut):
    identity_number: str | None = Field(
        description="ÅÅÅÅMMDD-NNNN, bara för insatsens deltagaransvariga; varje läsning loggas."
    )


class ParticipantCreatedOut(ParticipantOut):
    same_person: SamePersonSummary = Field(
        description="Om personen redan är registrerad i förbundet i en annan insats: posterna är samma "
        "person (samma nyckelhash). Insatsen namnges bara där du är deltagaransvarig."
    )


class ReasonIn(Schema):
    reason: str = Field(
        max_length=500,
        pattern=NO_CONTROL_CHARACTERS,
        description="Varför uppgifterna rättas (krävs; skrivs i granskningsloggen, inga personuppgifter).",
    )


class ParticipantCorrectionIn(ReasonIn):
    identity_number: str | None = Field(
        default=None,
        max_length=20,
        pattern=r"^[0-9 +-]*$",
        description="Rätt personnummer eller samordningsnummer (deltagare med personnummer).",
    )
    sex: Code | None = Field(default=None, description="woman eller man (anonyma deltagare).")


class ParticipationCorrectionIn(ReasonIn):
    start: Day
    employment_before: Code
    education_level: Code
    income_before: list[IncomeSourceIn] = Field(max_length=20)
    exit: Day | None = Field(default=None, description="Bara för ett avslutat deltagande (och då krävs det).")
    exit_reason: str = Field(default="", max_length=32, pattern=NO_CONTROL_CHARACTERS)
    employment_after: str = Field(default="", max_length=32, pattern=NO_CONTROL_CHARACTERS)
    income_after: list[IncomeSourceIn] = Field(default_factory=list, max_length=20)


class ParticipantIn(Schema):
    intervention: Id
    registration: Code = Field(description="identified (med samtycke), anonymous eller protected.")
    identity_number: str | None = Field(
        default=None,
        max_length=20,
        pattern=r"^[0-9 +-]*$",
        description="Personnummer eller samordningsnummer, tio eller tolv siffror (bara med samtycke).",
    )
    consent: ConsentIn | None = Field(default=None, description="Krävs när registration är identified.")
    sex: Code | None = Field(default=None, description="woman eller man; krävs för anonyma deltagare.")
    start_year: int | None = Field(default=None, ge=2000, le=2199, description="Standard: i år.")


class ParticipationOut(Schema):
    id: int
    participant: int
    intervention: int
    start: date
    exit: date | None
    exit_reason: str
    in_statistics: bool
    employment_before: str
    employment_after: str
    education_level: str
    income_before: list[IncomeSourceIn]
    income_after: list[IncomeSourceIn]
    answers: list[AnswerOut]


class ParticipationIn(Schema):
    participant: Id
    start: Day
    employment_before: Code = Field(description="work, studies, seeking_work eller none.")
    education_level: Code = Field(
        description="primary_short, primary, upper_secondary, post_secondary_short, post_secondary, unknown."
    )
    income_before: list[IncomeSourceIn] = Field(max_length=20)


class ParticipationExitIn(Schema):
    exit: Day
    exit_reason: Code = Field(
        description="completed, work, studies, other_intervention, ill_health, moved, own_request, "
        "no_contact, other, registered_by_mistake (tar posten ur statistiken)."
    )
    employment_after: str = Field(default="", max_length=32, pattern=NO_CONTROL_CHARACTERS)
    income_after: list[IncomeSourceIn] = Field(default_factory=list, max_length=20)
    answers: list[AnswerIn] = Field(default_factory=list, max_length=100)


MAX_PAGE_SIZE = 500


class ParticipantFilter(Schema):
    intervention: int | None = Field(default=None, ge=1, le=MAX_ID, description="Bara en insats.")
    status: Literal["ongoing", "exited", "in_statistics"] | None = Field(
        default=None,
        description="ongoing: ett deltagande pågår. exited: minst ett deltagande, inget pågår. "
        "in_statistics: minst ett deltagande som räknas i statistiken (inte avslutat som "
        "registered_by_mistake).",
    )
    start_year: int | None = Field(
        default=None, ge=2000, le=2199, description="Bara deltagare med startåret."
    )
    participant: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="Deltagarnummer (id): bara den deltagaren."
    )
    sort: Literal["number", "-number", "start", "-start", "intervention", "-intervention"] = Field(
        default="-number",
        description="number (deltagarnummer), start (första startdatum) eller intervention (insatsens "
        "namn); ett inledande minus sorterar fallande. Standard: -number.",
    )
    page: int = Field(default=1, ge=1, le=MAX_ID, description="Sidan, från 1.")
    page_size: int = Field(
        default=PARTICIPANT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Deltagare per sida, högst 500."
    )


class IdentitySearchIn(Schema):
    identity_number: str = Field(
        min_length=1,
        max_length=20,
        pattern=r"^[0-9 +-]*$",
        description="Personnummer eller samordningsnummer, tio eller tolv siffror.",
    )


def _summary(participation: Participation) -> dict[str, Any]:
    return {
        "id": participation.pk,
        "start": participation.start,
        "exit": participation.exit,
        "exit_reason": participation.exit_reason,
        "in_statistics": participation.counts_in_statistics,
    }


def participant_out(participant: Participant) -> dict[str, Any]:
    consent = getattr(participant, "consent", None) if participant.registration == "identified" else None
    return {
        "id": participant.pk,
        "intervention": participant.intervention_id,
        "registration": participant.registration,
        "sex": participant.sex,
        "birth_year": participant.birth_year,
        "start_year": participant.start_year,
        "registered_on": participant.registered_on,
        "has_identity": participant.identity_hash is not None,
        "identity_removed": participant.identity_removal,
        "consent": None
        if consent is None
        else {
            "given_on": consent.given_on,
            "form_version": consent.form_version,
            "withdrawn_on": consent.withdrawn_on,
            "scanned_form": bool(consent.scanned_form),
        },
        "participations": [_summary(p) for p in participant.participations.all()],
    }


def participation_out(participation: Participation) -> dict[str, Any]:
    income = list(participation.income_sources.all())
    return {
        **_summary(participation),
        "participant": participation.participant_id,
        "intervention": participation.intervention_id,
        "employment_before": participation.employment_before,
        "employment_after": participation.employment_after,
        "education_level": participation.education_level,
        "income_before": [
            {"source": i.source, "extent": i.extent} for i in income if i.phase == Phase.BEFORE
        ],
        "income_after": [{"source": i.source, "extent": i.extent} for i in income if i.phase == Phase.AFTER],
        "answers": [
            {"question": a.question_id, "point": a.point, "answered_on": a.answered_on, "value": a.value}
            for a in participation.answers.all()
        ],
    }


@api_operation(
    router,
    "get",
    "/associations/{association_id}/participants",
    need=Capability.PARTICIPANT_VIEW,
    scoped="association_id",
    response=list[ParticipantOut],
    summary="Deltagare i de insatser du är deltagaransvarig för (pseudonymt), sida för sida",
    description="Listan innehåller aldrig personnummer, inte ens för deltagaransvariga: den visar "
    "pseudonyma id och anonyma uppgifter. Personnumret läses ett i taget med GET /participants/{id}. "
    "Svaret är en lista, en sida i taget (page, page_size; standard 50 per sida). Rubriken X-Total-Count "
    "ger antalet träffar och Link (RFC 8288) länkarna first, prev, next och last med samma filter. "
    "Sök på personnummer med POST /associations/{association_id}/participants/search: ett nummer i "
    "adressen skulle hamna i åtkomstloggar.",
)
def participant_list(
    request: HttpRequest,
    response: HttpResponse,
    association_id: AssociationId,
    filters: Query[ParticipantFilter],
) -> list[dict[str, Any]]:
    participants = selectors.participant_list(
        user=request.user,
        association_id=association_id,
        intervention_id=filters.intervention,
        status=filters.status,
        start_year=filters.start_year,
        participant_number=filters.participant,
        sort=filters.sort,
    )
    total = participants.count()
    offset = (filters.page - 1) * filters.page_size
    pages = selectors.ParticipantPages(participants)
    rows = pages[offset : offset + filters.page_size] if offset < total else []
    response["X-Total-Count"] = str(total)
    response["Link"] = _paging_links(request, page=filters.page, size=filters.page_size, total=total)
    return [participant_out(p) for p in rows]


def _paging_links(request: HttpRequest, *, page: int, size: int, total: int) -> str:
    last = max(1, -(-total // size))
    query = request.GET.copy()

    def link(number: int, rel: str) -> str:
        query["page"] = str(number)
        query["page_size"] = str(size)
        return f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="{rel}"'

    links = [link(1, "first")]
    if page > 1:
        links.append(link(min(page - 1, last), "prev"))
    if page < last:
        links.append(link(page + 1, "next"))
    links.append(link(last, "last"))
    return ", ".join(links)


@api_operation(
    router,
    "post",
    "/associations/{association_id}/participants/search",
    need=Capability.PARTICIPANT_VIEW,
    scoped="association_id",
    response=list[ParticipantOut],
    summary="Hitta en deltagare på personnummer (loggas)",
    description="Numret skickas i kroppen, aldrig i adressen. Sökningen är exakt (via nyckelhashen; "
    "ingen identitet dekrypteras) bland deltagarna i dina insatser och ger högst en deltagare per "
    "insats, i samma pseudonyma form som listan. Varje sökning skrivs i granskningsloggen "
    "(participant.identity.search) med de deltagare som hittades, utan numret. R-IDENTITY: ogiltigt nummer.",
)
def participant_search(
    request: HttpRequest, association_id: AssociationId, payload: IdentitySearchIn
) -> list[dict[str, Any]]:
    keyed = services.participant_identity_search(
        actor=request.user, association_id=association_id, identity_number=payload.identity_number
    )
    participants = selectors.participant_list(
        user=request.user, association_id=association_id, identity_hash=keyed, sort="number"
    )
    return [participant_out(p) for p in participants]


@api_operation(
    router,
    "post",
    "/associations/{association_id}/participants",
    need=Capability.PARTICIPANT_EDIT,
    scoped="association_id",
    response={201: ParticipantCreatedOut},
    summary="Registrera en deltagare",
    description=(
        "R-CONSENT: med personnummer eller samordningsnummer bara tillsammans med skriftligt samtycke för "
        "insatsen (consent); annars anonymt (anonymous, protected) med kön och startår. Kön och födelseår "
        "härleds ur numret. Övriga koder: R-IDENTITY (ogiltigt nummer), R-DUPLICATE (redan deltagare i "
        "insatsen), R-SCOPE (insats i ett annat förbund), R-COORDINATOR (inte deltagaransvarig för "
        "insatsen), R-KIND (strukturövergripande insats)."
    ),
)
def participant_create(
    request: HttpRequest, association_id: AssociationId, payload: ParticipantIn
) -> tuple[int, dict[str, Any]]:
    association = registry_selectors.association_get(user=request.user, association_id=association_id)
    intervention = intervention_selectors.intervention_get(
        user=request.user, intervention_id=payload.intervention
    )
    participant = services.participant_register(
        actor=request.user,
        association=association,
        intervention=intervention,
        registration=payload.registration,
        identity_number=payload.identity_number or None,
        consent_given_on=payload.consent.given_on if payload.consent else None,
        consent_form_version=payload.consent.form_version if payload.consent else "",
        sex=payload.sex,
        start_year=payload.start_year,
    )
    stored = selectors.participant_get(user=request.user, participant_id=participant.pk)
    same = selectors.same_person(user=request.user, participant=stored)
    return 201, {
        **participant_out(stored),
        "same_person": {
            "shown": [{"id": pk, "intervention": name} for pk, name in same.shown],
            "elsewhere": same.elsewhere,
        },
    }


@api_operation(
    router,
    "get",
    "/participants/{participant_id}",
    need=Capability.PARTICIPANT_VIEW,
    scoped="participant_id",
    recent_authentication=True,
    response=ParticipantDetailOut,
    summary="En deltagare, med personnummer (loggas)",
    description="Bara för deltagaransvariga för deltagarens insats. Varje läsning av ett personnummer skrivs "
    "i granskningsloggen (participant.identity.read). Kräver en API-nyckel som hämtats de senaste minuterna "
    "(FINSAM_REAUTHENTICATION_MINUTES, som standard 15); en äldre nyckel får 403 med R-REAUTH: hämta en ny.",
)
def participant_detail(request: HttpRequest, participant_id: ParticipantId) -> dict[str, Any]:
    participant = selectors.participant_get(user=request.user, participant_id=participant_id)
    number = services.participant_identity_read(actor=request.user, participant_id=participant.pk)
    return {**participant_out(participant), "identity_number": number}


@api_operation(
    router,
    "post",
    "/participations",
    need=Capability.PARTICIPANT_EDIT,
    scoped="participant",
    response={201: ParticipationOut},
    summary="Starta ett deltagande",
    description="R-FOLLOWUP: startdatum, sysselsättning och försörjningskällor före (med omfattning) och "
    "utbildningsnivå. Ett deltagande i taget per deltagare; ett nytt start efter förra avslutet. "
    "Deltagaren (participant) ska höra till en insats du är deltagaransvarig för.",
)
def participation_create(request: HttpRequest, payload: ParticipationIn) -> tuple[int, dict[str, Any]]:
    participant = selectors.participant_get(
        user=request.user, participant_id=payload.participant, capability=Capability.PARTICIPANT_EDIT
    )
    participation = services.participation_start(
        actor=request.user,
        participant=participant,
        start=payload.start,
        employment_before=payload.employment_before,
        education_level=payload.education_level,
        income_before=[(i.source, i.extent) for i in payload.income_before],
    )
    return 201, participation_out(
        selectors.participation_get(user=request.user, participation_id=participation.pk)
    )


@api_operation(
    router,
    "patch",
    "/participations/{participation_id}",
    need=Capability.PARTICIPANT_EDIT,
    scoped="participation_id",
    response=ParticipationOut,
    summary="Avsluta ett deltagande",
    description="R-FOLLOWUP: avslutsdatum (inte före start, inte i framtiden, en gång), avslutsorsak, "
    "sysselsättning och försörjningskällor efter, svar på förbundets frågor vid avslut. Orsaken "
    "registered_by_mistake tar posten ur statistiken och kräver inga efter-uppgifter.",
)
def participation_exit(
    request: HttpRequest, participation_id: ParticipationId, payload: ParticipationExitIn
) -> dict[str, Any]:
    participation = selectors.participation_get(
        user=request.user, participation_id=participation_id, capability=Capability.PARTICIPANT_EDIT
    )
    answers = {answer.question: answer.value for answer in payload.answers}
    if len(answers) != len(payload.answers):
        raise RuleViolation("R-FOLLOWUP", _("Varje fråga besvaras en gång."), "answers")
    services.participation_exit(
        actor=request.user,
        participation=participation,
        exit=payload.exit,
        exit_reason=payload.exit_reason,
        employment_after=payload.employment_after,
        income_after=[(i.source, i.extent) for i in payload.income_after],
        answers=answers,
    )
    return participation_out(
        selectors.participation_get(user=request.user, participation_id=participation_id)
    )


@api_operation(
    router,
    "post",
    "/participants/{participant_id}/corrections",
    need=Capability.PARTICIPANT_EDIT,
    scoped="participant_id",
    response=ParticipantOut,
    summary="Rätta en deltagares uppgifter",
    description="Ett felskrivet personnummer (kön och födelseår följer av numret) eller en anonym "
    "deltagares kön, med skäl (reason, krävs). Granskningsloggen får fälten och skälet, aldrig värdena; "
    "statistiken räknas om i samma transaktion. Koder: R-CORRECTION (skäl saknas, inget ändrat), "
    "R-IDENTITY, R-DUPLICATE, R-AGE (16–69 år vid varje start).",
)
def participant_correct(
    request: HttpRequest, participant_id: ParticipantId, payload: ParticipantCorrectionIn
) -> dict[str, Any]:
    participant = selectors.participant_get(
        user=request.user, participant_id=participant_id, capability=Capability.PARTICIPANT_EDIT
    )
    services.participant_correct(
        actor=request.user,
        participant=participant,
        reason=payload.reason,
        identity_number=payload.identity_number or None,
        sex=payload.sex,
    )
    return participant_out(selectors.participant_get(user=request.user, participant_id=participant_id))


@api_operation(
    router,
    "post",
    "/participations/{participation_id}/corrections",
    need=Capability.PARTICIPANT_EDIT,
    scoped="participation_id",
    response=ParticipationOut,
    summary="Rätta ett deltagandes uppgifter",
    description="Alla uppgifter anges som de ska vara: start och före-uppgifter, och för ett avslutat "
    "deltagande avslut, avslutsorsak och efter-uppgifter; skäl (reason) krävs. Samma regler som vid "
    "registreringen (R-FOLLOWUP, R-AGE); ett pågående deltagande avslutas med PATCH, inte med en rättelse. "
    "Statistiken räknas om i samma transaktion.",
)
def participation_correct(
    request: HttpRequest, participation_id: ParticipationId, payload: ParticipationCorrectionIn
) -> dict[str, Any]:
    participation = selectors.participation_get(
        user=request.user, participation_id=participation_id, capability=Capability.PARTICIPANT_EDIT
    )
    services.participation_correct(
        actor=request.user,
        participation=participation,
        reason=payload.reason,
        start=payload.start,
        employment_before=payload.employment_before,
        education_level=payload.education_level,
        income_before=[(i.source, i.extent) for i in payload.income_before],
        exit=payload.exit,
        exit_reason=payload.exit_reason,
        employment_after=payload.employment_after,
        income_after=[(i.source, i.extent) for i in payload.income_after],
    )
    return participation_out(
        selectors.participation_get(user=request.user, participation_id=participation_id)
    )
