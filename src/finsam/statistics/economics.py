"""Cost per participant and the socio-economic estimate of a förbund's individual-level interventions for
one year (R-FOLLOWUP; docs/socioeconomics.md). Counts and sums are aggregated in the database by the
followup app's selectors; the cost comes from finance (the year's outcome per intervention, or its budget
while the outcome is missing).

Both are a förbund's own figures for its own users, like `statistics.association_statistics`: exact, since
they do not leave the förbund.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from finsam.core.access import Actor
from finsam.core.roles import Capability
from finsam.finance import selectors as finance
from finsam.followup import rules
from finsam.followup import selectors as followup
from finsam.interventions import selectors as interventions
from finsam.interventions.schemas import InterventionKind
from finsam.registry import selectors as registry

if TYPE_CHECKING:
    from finsam.registry.models import Association

# Where an intervention's cost comes from.
OUTCOME = "outcome"
BUDGET = "budget"
MISSING = "missing"
COST_SOURCES = {
    OUTCOME: _("Utfall"),
    BUDGET: _("Budget (utfall saknas)"),
    MISSING: _("Ingen budgetpost"),
}

MAX_YEARLY_COST = 10_000_000


@dataclass(frozen=True)
class InterventionEconomy:
    intervention_id: int
    name: str
    participants: int  # people taking part at some time during the year
    cost: Decimal | None
    cost_source: str
    estimate: rules.Estimate

    @property
    def cost_per_participant(self) -> Decimal | None:
        return rules.cost_per_participant(self.cost, self.participants)

    @property
    def cost_source_label(self) -> str:
        return str(COST_SOURCES[self.cost_source])


@dataclass(frozen=True)
class Economy:
    association: Association
    year: int
    yearly_cost: Decimal
    rows: list[InterventionEconomy]
    total: rules.Estimate
    participants: int

    @property
    def cost_per_participant(self) -> Decimal | None:
        return rules.cost_per_participant(self.total.cost, self.participants)

    @property
    def public_support_labels(self) -> list[str]:
        from finsam.followup.schemas import IncomeSource

        return [str(IncomeSource(code).label) for code in rules.PUBLIC_SUPPORT]


def yearly_cost_from(value: str | None) -> tuple[Decimal, str | None]:
    """The yearly cost per full-year equivalent a user asked for (whole kronor), or the configured one with
    a Swedish message when the value cannot be used."""
    default = Decimal(settings.FYE_YEARLY_COST)
    if value is None or not value.strip():
        return default, None
    cleaned = value.replace(" ", "").replace("\u00a0", "")
    if not cleaned.isdigit() or not 1 <= int(cleaned) <= MAX_YEARLY_COST:
        return default, (
            gettext(
                "Kostnaden per helårsekvivalent ska vara ett heltal i kronor "
                "mellan 1 och %(max_yearly_cost)s; det inställda värdet används."
            )
            % {"max_yearly_cost": format(MAX_YEARLY_COST, ",")}
        ).replace(",", " ")
    return Decimal(int(cleaned)), None


def association_economy(
    *, user: Actor, association_id: int, year: int, yearly_cost: Decimal | None = None
) -> Economy:
    """Cost per participant and the socio-economic estimate per individual-level intervention and for the
    förbund, for its own users. Four queries whatever the number of participations."""
    association = registry.association_get(
        user=user, association_id=association_id, capability=Capability.STATISTICS_VIEW
    )
    cost_per_fye = yearly_cost if yearly_cost is not None else Decimal(settings.FYE_YEARLY_COST)
    names = interventions.intervention_names(association_id=association_id, kind=InterventionKind.INDIVIDUAL)
    participants = followup.participants_per_intervention(year=year, association_id=association_id)
    support = followup.public_support_per_intervention(year=year, association_id=association_id)
    costs = finance.intervention_costs(association_ids=[association_id], year=year)
    rows = []
    for pk, name in names:
        figure = costs.get(pk)
        if figure is None:
            cost, source = None, MISSING
        elif figure.actual is not None:
            cost, source = figure.actual, OUTCOME
        else:
            cost, source = figure.budget, BUDGET
        exited, before, after = support.get(pk, (0, 0, 0))
        if cost is None and not exited and not participants.get(pk):
            continue  # neither money nor people this year
        rows.append(
            InterventionEconomy(
                intervention_id=pk,
                name=name,
                participants=participants.get(pk, 0),
                cost=cost,
                cost_source=source,
                estimate=rules.Estimate(
                    participations=exited,
                    before_percent=before,
                    after_percent=after,
                    yearly_cost=cost_per_fye,
                    cost=cost,
                ),
            )
        )
    total = rules.combine_estimates([row.estimate for row in rows], yearly_cost=cost_per_fye)
    return Economy(
        association=association,
        year=year,
        yearly_cost=cost_per_fye,
        rows=rows,
        total=total,
        participants=sum(row.participants for row in rows),
    )
