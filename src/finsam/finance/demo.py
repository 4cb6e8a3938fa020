"""Finance demo data for the three Västerbotten förbund: populations, and three budgets each — last year's
adopted with its outcome closed and carried to equity, this year's adopted, next year's in draft with
part of the budget consultations held.

The populations are approximate: round figures near SCB's for the 15 municipalities, with an invented
yearly trend, so that they look plausible without claiming to be SCB's table. The same holds for the
part aged 16-64 and the försörjningsmått (the state model's data): plausible synthetic figures, a share
of the population with an invented rate per municipality, not SCB's. The amounts are invented
too. Every write goes through the finance services with the system actor; the step is idempotent (it
adds only what an earlier run did not create).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from finsam.core.access import SYSTEM
from finsam.finance import selectors, services
from finsam.finance.models import Budget, BudgetConsultation, BudgetStatus, CostType, LineKind, Population
from finsam.interventions import selectors as intervention_selectors
from finsam.registry import selectors as registry_selectors

if TYPE_CHECKING:
    from finsam.core.demo import DemoContext
    from finsam.registry.models import Association

# Approximate population on 31 December of BASE_YEAR, and the yearly change in per mille.
BASE_YEAR = 2024
POPULATIONS: dict[str, tuple[int, int]] = {
    "2480": (132_900, 10),  # Umeå
    "2460": (8_900, 4),  # Vännäs
    "2404": (5_300, -6),  # Vindeln
    "2409": (6_700, -3),  # Robertsfors
    "2401": (7_100, -2),  # Nordmaling
    "2403": (2_400, -5),  # Bjurholm
    "2482": (76_500, 12),  # Skellefteå
    "2417": (4_000, -7),  # Norsjö
    "2481": (12_100, -4),  # Lycksele
    "2418": (3_000, -8),  # Malå
    "2422": (2_400, -10),  # Sorsele
    "2421": (5_800, -6),  # Storuman
    "2462": (6_600, -9),  # Vilhelmina
    "2463": (2_700, -11),  # Åsele
    "2425": (2_500, -12),  # Dorotea
}

# Synthetic: the share of the population aged 16-64, and the försörjningsmått (full-year equivalents on
# sickness, labour-market or social-assistance benefits) per inhabitant aged 16-64, per municipality.
# Invented to be plausible (a university town younger and less supported than the inland), not SCB's.
WORKING_AGE_SHARE: dict[str, Decimal] = {"2480": Decimal("0.66"), "2482": Decimal("0.60")}
DEFAULT_WORKING_AGE_SHARE = Decimal("0.56")
SUPPORT_RATE: dict[str, Decimal] = {
    "2480": Decimal("0.085"),
    "2482": Decimal("0.095"),
    "2481": Decimal("0.115"),
    "2418": Decimal("0.125"),
    "2422": Decimal("0.13"),
    "2421": Decimal("0.12"),
    "2462": Decimal("0.125"),
    "2463": Decimal("0.135"),
    "2425": Decimal("0.14"),
}
DEFAULT_SUPPORT_RATE = Decimal("0.10")


@dataclass(frozen=True)
class FinanceSpec:
    frame: Decimal  # last year's; +4 % a year after that
    opening_equity: Decimal  # at the start of last year
    interventions: tuple[str, ...]  # labels when the förbund has no registered interventions
    late_this_year: bool = False  # this year's budget adopted after 30 November (R-BUDGET flag)


SPECS = {
    "umea": FinanceSpec(
        frame=Decimal("14000000"),
        opening_equity=Decimal("2450000"),
        interventions=(
            "Arbetslivsinriktad rehabilitering",
            "Unga vuxna i arbete",
            "Samverkansteam psykisk hälsa",
        ),
    ),
    "skelleftea": FinanceSpec(
        frame=Decimal("7200000"),
        opening_equity=Decimal("1180000"),
        interventions=("Vägen till arbete", "Koordinatorer i samverkan"),
    ),
    "sodra-lappland": FinanceSpec(
        frame=Decimal("6000000"),
        opening_equity=Decimal("1560000"),
        interventions=("Inlandets resursteam", "Steg för steg – unga i inlandet"),
        late_this_year=True,
    ),
}

# Administration by cost type, as a share of the frame.
ADMINISTRATION = (
    (CostType.PERSONNEL, Decimal("0.12")),
    (CostType.PREMISES, Decimal("0.025")),
    (CostType.SERVICES, Decimal("0.02")),
    (CostType.BOARD, Decimal("0.015")),
    (CostType.OTHER, Decimal("0.01")),
)
INTERVENTION_SHARE = Decimal("0.78")
# Outcome against budget per line, in order: some under, some over.
OUTCOME_FACTORS = (
    Decimal("0.94"),
    Decimal("1.03"),
    Decimal("0.88"),
    Decimal("1.00"),
    Decimal("0.97"),
    Decimal("1.06"),
    Decimal("0.91"),
)


def population_for(code: str, year: int) -> int:
    base, per_mille = POPULATIONS[code]
    return round(base * (1 + Decimal(per_mille) / 1000) ** (year - BASE_YEAR))


def working_age_for(code: str, year: int) -> int:
    share = WORKING_AGE_SHARE.get(code, DEFAULT_WORKING_AGE_SHARE)
    return round(population_for(code, year) * share)


def support_measure_for(code: str, year: int) -> Decimal:
    rate = SUPPORT_RATE.get(code, DEFAULT_SUPPORT_RATE)
    return (working_age_for(code, year) * rate).quantize(Decimal("0.1"))


def _populations(years: range) -> None:
    municipalities = dict(
        registry_selectors.municipalities().filter(code__in=POPULATIONS).values_list("code", "pk")
    )
    existing = set(
        Population.objects.filter(
            municipality_id__in=municipalities.values(), year__in=years, population_16_64__isnull=False
        ).values_list("municipality_id", "year")
    )
    figures = [
        services.PopulationFigure(
            code=code,
            year=year,
            population=population_for(code, year),
            population_16_64=working_age_for(code, year),
        )
        for code, pk in municipalities.items()
        for year in years
        if (pk, year) not in existing
    ]
    if figures:
        services.population_import(actor=SYSTEM, figures=figures)


def _support_measures(years: range) -> None:
    """Through the import, as the working group would: one CSV file with a row per municipality and year."""
    codes = set(
        registry_selectors.municipalities().filter(code__in=POPULATIONS).values_list("code", flat=True)
    )
    stored = selectors.support_measures(
        municipality_ids=registry_selectors.municipalities()
        .filter(code__in=codes)
        .values_list("pk", flat=True),
        year=years[-1],
    )
    if len(stored) == len(codes):
        return
    lines = ["kommunkod;år;försörjningsmått"] + [
        f"{code};{year};{support_measure_for(code, year)}" for code in sorted(codes) for year in years
    ]
    services.support_measure_import(actor=SYSTEM, data="\n".join(lines).encode())


def _round_thousand(amount: Decimal) -> Decimal:
    return (amount / 1000).quantize(Decimal(1)) * 1000


def _lines(association: Association, spec: FinanceSpec, frame: Decimal) -> list[services.LineInput]:
    registered = list(
        intervention_selectors.intervention_list(user=SYSTEM, association_id=association.pk).order_by(
            "start", "name"
        )[:4]
    )
    count = len(registered) or len(spec.interventions)
    intervention_total = frame * INTERVENTION_SHARE
    weights = [Decimal(count - i) for i in range(count)]
    lines = []
    for i, weight in enumerate(weights):
        amount = _round_thousand(intervention_total * weight / sum(weights))
        if registered:
            lines.append(
                services.LineInput(
                    kind=LineKind.INTERVENTION, intervention_id=registered[i].pk, amount=amount
                )
            )
        else:
            lines.append(
                services.LineInput(kind=LineKind.INTERVENTION, label=spec.interventions[i], amount=amount)
            )
    for cost_type, share in ADMINISTRATION:
        lines.append(
            services.LineInput(
                kind=LineKind.ADMINISTRATION, cost_type=cost_type, amount=_round_thousand(frame * share)
            )
        )
    return lines


def _consult(budget: Budget, held_on: date, only: int | None = None) -> None:
    consulted = set(BudgetConsultation.objects.filter(budget=budget).values_list("member_id", flat=True))
    members = selectors.budget_members(budget=budget)
    for member in members[:only] if only is not None else members:
        if member.pk in consulted:
            continue
        representative = (
            registry_selectors.representatives()
            .filter(member=member, start__lte=held_on)
            .order_by("-start")
            .first()
        )
        if representative is None:
            continue
        services.consultation_record(
            actor=SYSTEM,
            budget=budget,
            member=member,
            held_on=held_on,
            representative=representative.person,
            comments="Medlemmen tillstyrker förslaget." if member.kind == "fk" else "",
        )


def _budget(
    association: Association, spec: FinanceSpec, year: int, frame: Decimal, opening: Decimal | None
) -> Budget:
    """The budget of `year`; opening equity is carried by the service when the year before is closed."""
    budget = Budget.objects.filter(association=association, year=year).first()
    if budget is None:
        budget = services.budget_create(
            actor=SYSTEM, association=association, year=year, frame=frame, opening_equity=opening
        )
        budget = services.budget_update(
            actor=SYSTEM,
            budget=budget,
            version=budget.version,
            frame=frame,
            population_year=budget.population_year,
            lines=_lines(association, spec, frame),
        )
    return budget


def _adopt(budget: Budget, adopted_on: date) -> Budget:
    if budget.status != BudgetStatus.ADOPTED:
        _consult(budget, date(budget.year - 1, 10, 14))
        budget.refresh_from_db()
        budget = services.budget_adopt(
            actor=SYSTEM, budget=budget, adopted_on=adopted_on, reference=f"§ {40 + budget.year % 10}"
        )
    return budget


def _outcome(budget: Budget, today: date) -> None:
    if selectors.has_outcome(budget=budget):
        return
    budget.refresh_from_db()
    lines = selectors.lines(budget=budget)
    contributions = selectors.contributions(budget=budget)
    services.outcome_update(
        actor=SYSTEM,
        budget=budget,
        version=budget.version,
        actuals={
            line.pk: (line.amount * OUTCOME_FACTORS[i % len(OUTCOME_FACTORS)]).quantize(Decimal("0.01"))
            for i, line in enumerate(lines)
        },
        received={c.pk: c.amount for c in contributions},
    )
    budget.refresh_from_db()
    services.outcome_close(actor=SYSTEM, budget=budget, closed_on=min(date(budget.year + 1, 2, 20), today))


def finance_step(ctx: DemoContext) -> None:
    today = selectors.today()
    this_year = today.year
    _populations(range(this_year - 4, this_year))
    _support_measures(range(this_year - 4, this_year))
    for key, association in ctx.progress(list(ctx.associations.items()), desc="Budgetar"):
        spec = SPECS.get(key)
        if spec is None:
            continue
        with transaction.atomic():
            last = _budget(association, spec, this_year - 1, spec.frame, spec.opening_equity)
            last = _adopt(last, date(this_year - 2, 11, 20))
            _outcome(last, today)
            frame = _round_thousand(spec.frame * Decimal("1.04"))
            current = _budget(association, spec, this_year, frame, None)
            adopted_on = date(this_year - 1, 12, 9) if spec.late_this_year else date(this_year - 1, 11, 18)
            current = _adopt(current, adopted_on)
            # Next year opens with this year's expected closing equity until this year is closed.
            forecast = selectors.equity(budget=current).closing
            frame = _round_thousand(spec.frame * Decimal("1.08"))
            following = _budget(association, spec, this_year + 1, frame, forecast)
            if following.status == BudgetStatus.DRAFT:
                _consult(following, min(date(this_year, 10, 15), today), only=3)
