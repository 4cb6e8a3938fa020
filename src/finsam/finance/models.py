"""Finance: populations, budgets with contributions and lines, budget consultations, outcome and equity.

The arithmetic lives in `rules.py` (R-SHARES, R-BUDGET's deadline, R-EQUITY); what spans rows (every
member consulted, the association valid, the version of an edit) is checked in `services.py`. The
constraints here are what the database itself can hold.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q

from finsam.finance.schemas import BudgetStatus, CostType, LineKind


def _money(verbose_name: str, **options: Any) -> models.DecimalField:
    """Kronor with two decimals; 14 digits hold the rules' largest amount (999 999 999 999,99)."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **options)


class Population(models.Model):
    """SCB's population of a municipality on 31 December of `year`.

    `population_16_64` is the part aged 16-64 (the state model's population, R-STATE-MODEL), derived from
    SCB's table by age when the imported file has one; None when only the total is known.
    """

    municipality = models.ForeignKey(
        "registry.Municipality", on_delete=models.PROTECT, related_name="populations", verbose_name="kommun"
    )
    year = models.PositiveSmallIntegerField("år")
    population = models.PositiveIntegerField("folkmängd")
    population_16_64 = models.PositiveIntegerField("folkmängd 16–64 år", null=True, blank=True)
    updated = models.DateTimeField("ändrad", auto_now=True)

    class Meta:
        ordering = ["year", "municipality__code"]
        verbose_name = "folkmängd"
        verbose_name_plural = "folkmängder"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="population_municipality_year"),
        ]
        indexes = [models.Index(fields=["year"], name="population_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.population}"


class SupportMeasure(models.Model):
    """SCB's försörjningsmått of a municipality for `year`: people supported by sickness, labour-market or
    social-assistance benefits, in full-year equivalents (may have decimals). The state model's need
    (R-STATE-MODEL)."""

    municipality = models.ForeignKey(
        "registry.Municipality",
        on_delete=models.PROTECT,
        related_name="support_measures",
        verbose_name="kommun",
    )
    year = models.PositiveSmallIntegerField("år")
    value = models.DecimalField("försörjningsmått", max_digits=12, decimal_places=2)
    updated = models.DateTimeField("ändrad", auto_now=True)

    class Meta:
        ordering = ["year", "municipality__code"]
        verbose_name = "försörjningsmått"
        verbose_name_plural = "försörjningsmått"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="support_measure_municipality_year"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="support_measure_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class StateContribution(models.Model):
    """The state's decided contribution (the FK part) to a förbund for `year`, from the working group's
    decided allocation (R-STATE-MODEL). Kept apart from the budget: an adopted budget never changes, and
    the decision may come before the budget exists; a budget not yet adopted takes it as its FK part
    (services.state_contribution_set)."""

    association = models.ForeignKey(
        "registry.Association",
        on_delete=models.PROTECT,
        related_name="state_contributions",
        verbose_name="förbund",
    )
    year = models.PositiveSmallIntegerField("år")
    amount = _money("statens bidrag")
    decided_on = models.DateField("beslutat")
    reference = models.CharField("beslut", max_length=200, blank=True)
    updated = models.DateTimeField("ändrad", auto_now=True)

    class Meta:
        ordering = ["association_id", "-year"]
        verbose_name = "statens bidrag"
        verbose_name_plural = "statens bidrag"
        constraints = [
            models.UniqueConstraint(
                fields=["association", "year"], name="state_contribution_association_year"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="state_contribution_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"


class Budget(models.Model):
    """A förbund's budget for one year: the frame (the members' contributions), lines, consultations.

    `charter` is the förbundsordning in force on 1 January of the year, whose key split the frame;
    `population_year` the year of the populations used. `adopted_late` is set when the board adopted
    after 30 November of the year before (R-BUDGET). `version` rises with every saved edit (optimistic
    locking).
    """

    association = models.ForeignKey(
        "registry.Association", on_delete=models.PROTECT, related_name="budgets", verbose_name="förbund"
    )
    year = models.PositiveSmallIntegerField("år")
    status = models.CharField(
        "status", max_length=16, choices=BudgetStatus.choices, default=BudgetStatus.DRAFT
    )
    frame = _money("budgetram (medlemmarnas bidrag)")
    charter = models.ForeignKey(
        "registry.Charter", on_delete=models.PROTECT, related_name="budgets", verbose_name="förbundsordning"
    )
    population_year = models.PositiveSmallIntegerField("folkmängd per 31 december år")
    opening_equity = _money("ingående eget kapital", default=Decimal("0.00"))
    adopted_on = models.DateField("fastställd", null=True, blank=True)
    adoption_reference = models.CharField("styrelsebeslut (paragraf)", max_length=100, blank=True)
    adopted_late = models.BooleanField("fastställd efter 30 november", default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField("skapad", auto_now_add=True)
    updated = models.DateTimeField("ändrad", auto_now=True)

    class Meta:
        ordering = ["association_id", "-year"]
        verbose_name = "budget"
        verbose_name_plural = "budgetar"
        constraints = [
            models.UniqueConstraint(fields=["association", "year"], name="budget_association_year"),
            models.CheckConstraint(condition=Q(frame__gte=0), name="budget_frame_not_negative"),
            models.CheckConstraint(
                condition=Q(status="adopted", adopted_on__isnull=False)
                | (~Q(status="adopted") & Q(adopted_on__isnull=True)),
                name="budget_adopted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Budget {self.year}"

    @property
    def is_adopted(self) -> bool:
        return self.status == BudgetStatus.ADOPTED


class Contribution(models.Model):
    """One member's contribution to the budget (R-SHARES), and what the förbund received (outcome).

    `population` and `percent` keep the key data the amount was computed from, so that a contribution
    letter can explain the figure after the populations have changed.
    """

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="contributions")
    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, related_name="contributions", verbose_name="medlem"
    )
    position = models.PositiveSmallIntegerField(default=0)
    amount = _money("bidrag")
    population = models.PositiveIntegerField("folkmängd", null=True, blank=True)
    percent = models.DecimalField("fast andel (%)", max_digits=6, decimal_places=3, null=True, blank=True)
    received = _money("inbetalt", null=True, blank=True)

    class Meta:
        ordering = ["budget_id", "position"]
        verbose_name = "bidrag"
        verbose_name_plural = "bidrag"
        constraints = [
            models.UniqueConstraint(fields=["budget", "member"], name="contribution_budget_member"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contribution_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(received__isnull=True) | Q(received__gte=0),
                name="contribution_received_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.amount}"


class BudgetLine(models.Model):
    """A cost line: one intervention (insats), or one cost type of the förbund's administration.

    An intervention line names a registered intervention or, for one not yet registered, a label.
    `actual` is the outcome (utfall), entered after the year.
    """

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField("typ", max_length=16, choices=LineKind.choices)
    intervention = models.ForeignKey(
        "interventions.Intervention",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name="insats",
    )
    cost_type = models.CharField("kostnadsslag", max_length=16, choices=CostType.choices, blank=True)
    label = models.CharField("benämning", max_length=200, blank=True)
    amount = _money("budget")
    actual = _money("utfall", null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["budget_id", "position", "id"]
        verbose_name = "budgetpost"
        verbose_name_plural = "budgetposter"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="administration", intervention__isnull=True) & ~Q(cost_type="")
                    | Q(kind="intervention", cost_type="") & (Q(intervention__isnull=False) | ~Q(label=""))
                ),
                name="budget_line_kind_matches",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(actual__isnull=True) | Q(actual__gte=0), name="budget_line_actual_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def deviation(self) -> Decimal | None:
        """Outcome less budget: positive when more was spent than budgeted."""
        return None if self.actual is None else self.actual - self.amount

    @property
    def title(self) -> str:
        if self.kind == LineKind.ADMINISTRATION:
            text = (
                str(CostType(self.cost_type).label) if self.cost_type in CostType.values else self.cost_type
            )
            return f"{text} – {self.label}" if self.label else text
        if self.intervention is not None:
            return self.intervention.name
        return self.label


class BudgetConsultation(models.Model):
    """The board's consultation with one member about the budget (law 23 §): when, with whom, what."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="consultations")
    member = models.ForeignKey(
        "registry.Member",
        on_delete=models.PROTECT,
        related_name="budget_consultations",
        verbose_name="medlem",
    )
    held_on = models.DateField("datum")
    representative = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="budget_consultations",
        verbose_name="medlemsrepresentant",
    )
    comments = models.TextField("synpunkter", blank=True)
    recorded = models.DateTimeField("registrerat", auto_now_add=True)

    class Meta:
        ordering = ["budget_id", "held_on", "id"]
        verbose_name = "budgetsamråd"
        verbose_name_plural = "budgetsamråd"
        indexes = [models.Index(fields=["budget", "member"], name="budget_consultation_member")]

    def __str__(self) -> str:
        return f"Budgetsamråd {self.held_on}"


class Outcome(models.Model):
    """The closed year: the result carried to equity (opening + result = closing; next year opens with it)."""

    budget = models.OneToOneField(Budget, on_delete=models.CASCADE, related_name="outcome")
    closed_on = models.DateField("bokslut")
    income = _money("intäkter (inbetalda bidrag)")
    costs = _money("kostnader")
    result = models.DecimalField("årets resultat", max_digits=15, decimal_places=2)
    opening_equity = models.DecimalField("ingående eget kapital", max_digits=15, decimal_places=2)
    closing_equity = models.DecimalField("utgående eget kapital", max_digits=15, decimal_places=2)

    class Meta:
        verbose_name = "utfall"
        verbose_name_plural = "utfall"
        # closing = opening + result and result = income - costs are kept by the service (from
        # rules.equity_position); a check here would compare decimals as floating point on SQLite.

    def __str__(self) -> str:
        return f"Utfall {self.closed_on}"
