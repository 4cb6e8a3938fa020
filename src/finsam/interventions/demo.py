"""The interventions of the demo: the individual-level interventions of the three Västerbotten förbund,
with their coordinators and planned participants. Written before the budgets, so that the budget lines
name them; the participants follow in the follow-up step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.utils import timezone

from finsam.core.demo import DemoContext
from finsam.interventions import services
from finsam.interventions.models import Intervention, InterventionKind, InterventionStatus
from finsam.registry.schemas import PartyKind

if TYPE_CHECKING:
    from finsam.registry.models import Association

FIRST_YEAR = 2022


@dataclass(frozen=True)
class InterventionSpec:
    name: str
    target_group: str
    start: date
    yearly: int  # participations planned (and, in the follow-up step, started) per year


SPECS: dict[str, tuple[InterventionSpec, ...]] = {
    "umea": (
        InterventionSpec(
            "Arbetslivsinriktad rehabilitering",
            "Personer 18–64 år med sjukpenning, aktivitetsersättning eller ekonomiskt bistånd",
            date(2019, 1, 1),
            120,
        ),
        InterventionSpec(
            "Unga vuxna i arbete", "Unga vuxna 18–29 år utan arbete eller studier", date(2021, 8, 1), 70
        ),
        InterventionSpec(
            "Samverkansteam psykisk hälsa",
            "Personer med psykisk ohälsa som behöver samordnat stöd",
            date(2020, 3, 1),
            50,
        ),
    ),
    "skelleftea": (
        InterventionSpec("Vägen till arbete", "Personer långt från arbetsmarknaden", date(2018, 1, 1), 90),
        InterventionSpec(
            "Koordinatorer i samverkan", "Personer med behov av samordnade insatser", date(2020, 1, 1), 50
        ),
    ),
    "sodra-lappland": (
        InterventionSpec(
            "Inlandets resursteam",
            "Personer i inlandskommunerna med behov av samordnat stöd",
            date(2019, 1, 1),
            55,
        ),
        InterventionSpec(
            "Steg för steg – unga i inlandet", "Unga 16–29 år i inlandskommunerna", date(2021, 1, 1), 35
        ),
    ),
}


def _intervention(ctx: DemoContext, association: Association, spec: InterventionSpec) -> Intervention:
    existing = Intervention.objects.filter(association=association, name=spec.name).first()
    if existing is not None:
        return existing
    coordinators = get_user_model().objects.filter(
        role_assignments__role="participant_coordinator", role_assignments__association=association
    )
    return services.intervention_create(
        actor=ctx.actor,
        association=association,
        kind=InterventionKind.INDIVIDUAL,
        name=spec.name,
        target_group=spec.target_group,
        start=spec.start,
        status=InterventionStatus.ACTIVE,
        providers=list(association.members.filter(kind=PartyKind.MUNICIPALITY)[:2]),
        planned=[(year, spec.yearly) for year in range(FIRST_YEAR, timezone.localdate().year + 2)],
        followup_method="Försörjning och sysselsättning före och efter, enligt förbundets uppföljning.",
        coordinators=list(coordinators),
    )


def interventions_step(ctx: DemoContext) -> None:
    """The interventions alone, before the budgets, so that the budget lines name them (their outcome is
    the cost in cost per participant and in the socio-economic estimate)."""
    for key, association in ctx.associations.items():
        for spec in SPECS.get(key, ()):
            _intervention(ctx, association, spec)
