"""Intervention endpoints of the API. Thin: reads through `selectors`, writes through `services`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from finsam.core.decorators import api_operation
from finsam.core.errors import Violation, raise_if_any
from finsam.core.roles import Capability
from finsam.core.schemas import MULTILINE_TEXT, NO_CONTROL_CHARACTERS, AssociationId, Day, Id
from finsam.interventions import selectors, services
from finsam.interventions.models import Intervention
from finsam.registry import selectors as registry_selectors

router = Router(tags=["interventions"])


class Ref(Schema):
    id: int
    name: str


class ProviderOut(Schema):
    id: int
    kind: str = Field(description="fk, af, region eller municipality.")
    name: str


class PlannedIn(Schema):
    year: int = Field(ge=2000, le=2199)
    count: int = Field(ge=0, le=100_000)


class BoardDecision(Schema):
    reference: str = Field(
        max_length=100, pattern=NO_CONTROL_CHARACTERS, description="Protokoll och paragraf."
    )
    date: Day | None = None


class InterventionOut(Schema):
    id: int
    association: int
    kind: str = Field(description="individual (individinriktad) eller structural (strukturövergripande).")
    name: str
    description: str
    target_group: str
    providers: list[ProviderOut] = Field(description="Utförande parter: medlemmar i förbundet.")
    start: date
    end: date | None
    planned_participants: list[PlannedIn] = Field(description="Planerade deltagare per år.")
    board_decision: BoardDecision
    followup_method: str
    esf_cofinanced: bool
    status: str = Field(description="planned, active eller ended.")
    coordinators: list[Ref] = Field(description="Deltagaransvariga för insatsen (användare).")
    version: int


class InterventionIn(Schema):
    kind: str = Field(
        min_length=1, max_length=16, pattern=NO_CONTROL_CHARACTERS, description="individual eller structural."
    )
    name: str = Field(min_length=1, max_length=200, pattern=NO_CONTROL_CHARACTERS)
    description: str = Field(
        default="", max_length=5000, pattern=MULTILINE_TEXT, description="Fri text; ingen personinformation."
    )
    target_group: str = Field(default="", max_length=500, pattern=NO_CONTROL_CHARACTERS)
    providers: list[Id] = Field(
        default_factory=list, max_length=50, description="Id för utförande medlemmar."
    )
    start: Day
    end: Day | None = None
    planned_participants: list[PlannedIn] = Field(default_factory=list, max_length=50)
    board_decision: BoardDecision | None = None
    followup_method: str = Field(default="", max_length=5000, pattern=MULTILINE_TEXT)
    esf_cofinanced: bool = False
    status: str = Field(
        default="planned",
        min_length=1,
        max_length=16,
        pattern=NO_CONTROL_CHARACTERS,
        description="planned, active eller ended.",
    )
    coordinators: list[Id] = Field(
        default_factory=list,
        max_length=50,
        description="Användar-id för deltagaransvariga; de ska ha rollen deltagaransvarig i förbundet.",
    )


def intervention_out(intervention: Intervention) -> dict[str, Any]:
    return {
        "id": intervention.pk,
        "association": intervention.association_id,
        "kind": intervention.kind,
        "name": intervention.name,
        "description": intervention.description,
        "target_group": intervention.target_group,
        "providers": [{"id": m.pk, "kind": m.kind, "name": m.name} for m in intervention.providers.all()],
        "start": intervention.start,
        "end": intervention.end,
        "planned_participants": [{"year": p.year, "count": p.count} for p in intervention.planned.all()],
        "board_decision": {
            "reference": intervention.board_decision_reference,
            "date": intervention.board_decision_date,
        },
        "followup_method": intervention.followup_method,
        "esf_cofinanced": intervention.esf_cofinanced,
        "status": intervention.status,
        "coordinators": [
            {"id": u.pk, "name": u.get_full_name() or u.get_username()}
            for u in intervention.coordinators.all()
        ],
        "version": intervention.version,
    }


@api_operation(
    router,
    "get",
    "/associations/{association_id}/interventions",
    need=Capability.INTERVENTION_VIEW,
    scoped="association_id",
    response=list[InterventionOut],
    summary="Förbundets insatser",
)
def intervention_list(request: HttpRequest, association_id: AssociationId) -> list[dict[str, Any]]:
    return [
        intervention_out(i)
        for i in selectors.intervention_list(user=request.user, association_id=association_id)
    ]


@api_operation(
    router,
    "post",
    "/associations/{association_id}/interventions",
    need=Capability.INTERVENTION_EDIT,
    scoped="association_id",
    response={201: InterventionOut},
    summary="Registrera en insats",
    description="Regler: R-KIND (individinriktad eller strukturövergripande), R-DATES (slut efter start), "
    "R-PLANNED (planerade deltagare per år inom insatsens period), R-PARTY (utförare är medlemmar i "
    "förbundet), R-ROLE (deltagaransvariga har rollen i förbundet), R-UNIQUE (namnet).",
)
def intervention_create(
    request: HttpRequest, association_id: AssociationId, payload: InterventionIn
) -> tuple[int, dict[str, Any]]:
    association = registry_selectors.association_get(user=request.user, association_id=association_id)
    selectors.intervention_list(
        user=request.user, association_id=association_id, capability=Capability.INTERVENTION_EDIT
    )
    violations: list[Violation] = []
    providers = list(
        registry_selectors.member_list(user=request.user, association_id=association_id).filter(
            pk__in=payload.providers
        )
    )
    if len(providers) != len(set(payload.providers)):
        violations.append(
            Violation("R-PARTY", _("En utförande part är inte medlem i förbundet."), "providers")
        )
    coordinators = list(
        selectors.coordinator_candidates(user=request.user, association_id=association_id).filter(
            pk__in=payload.coordinators
        )
    )
    if len(coordinators) != len(set(payload.coordinators)):
        violations.append(
            Violation(
                "R-ROLE",
                _("En deltagaransvarig måste ha rollen deltagaransvarig i förbundet."),
                "coordinators",
            )
        )
    raise_if_any(violations)
    decision = payload.board_decision or BoardDecision(reference="", date=None)
    intervention = services.intervention_create(
        actor=request.user,
        association=association,
        kind=payload.kind,
        name=payload.name,
        description=payload.description,
        target_group=payload.target_group,
        providers=providers,
        start=payload.start,
        end=payload.end,
        board_decision_reference=decision.reference,
        board_decision_date=decision.date,
        followup_method=payload.followup_method,
        esf_cofinanced=payload.esf_cofinanced,
        status=payload.status,
        planned=[(p.year, p.count) for p in payload.planned_participants],
        coordinators=coordinators,
    )
    created = selectors.intervention_get(user=request.user, intervention_id=intervention.pk)
    return 201, intervention_out(created)
