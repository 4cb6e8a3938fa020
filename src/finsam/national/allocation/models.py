"""The state allocation (R-STATE-MODEL): the working group's settings per year, and its decisions.

A decision keeps everything it was computed from (the settings and each förbund's figures), so that a
letter written years later explains the amount even after populations, measures or settings have changed.
A decision is never edited: a new decision for the same year, taken with a stated reason, supersedes it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q


def _money(verbose_name: str, **options: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **options)


def _fraction(verbose_name: str, **options: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=6, decimal_places=4, **options)


class AllocationSettings(models.Model):
    """The parameters of one year's allocation, edited by the working group.

    Weights and the largest reduction are fractions (0.75, 0.25, 0.10). `equity_level_percent` is the
    recommended level of equity as a percentage of the year's contributions (the measure of R-EQUITY):
    a förbund whose closing equity is above it is not protected by the floor. `population_year` and
    `support_measure_year` name the years of the figures used.
    """

    year = models.PositiveSmallIntegerField("år", unique=True)
    appropriation = _money("statens anslag")
    base_amount = _money("grundbelopp per förbund")
    need_weight = _fraction("vikt för försörjningsmåttet")
    population_weight = _fraction("vikt för befolkningen 16–64 år")
    max_reduction = _fraction("största minskning")
    equity_level_percent = models.DecimalField(
        "rekommenderat eget kapital (%)", max_digits=6, decimal_places=2
    )
    population_year = models.PositiveSmallIntegerField("befolkning per 31 december år")
    support_measure_year = models.PositiveSmallIntegerField("försörjningsmått för år")
    version = models.PositiveIntegerField(default=1, editable=False)
    updated = models.DateTimeField("ändrad", auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "inställningar för statlig fördelning"
        verbose_name_plural = "inställningar för statlig fördelning"

    def __str__(self) -> str:
        return f"Fördelning {self.year}"


class AllocationDecision(models.Model):
    """The working group's decision on one year's allocation. `superseded` marks a decision replaced by a
    later one for the same year (which states its `reason`); one current decision per year."""

    year = models.PositiveSmallIntegerField("år")
    decided_on = models.DateField("beslutsdatum")
    reference = models.CharField("beslut (paragraf eller diarienummer)", max_length=200, blank=True)
    reason = models.TextField("skäl till nytt beslut", blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="beslutat av",
    )
    superseded = models.BooleanField("ersatt", default=False)
    appropriation = _money("statens anslag")
    base_amount = _money("grundbelopp per förbund")
    need_weight = _fraction("vikt för försörjningsmåttet")
    population_weight = _fraction("vikt för befolkningen 16–64 år")
    max_reduction = _fraction("största minskning")
    equity_level_percent = models.DecimalField(
        "rekommenderat eget kapital (%)", max_digits=6, decimal_places=2
    )
    population_year = models.PositiveSmallIntegerField("befolkning per 31 december år")
    support_measure_year = models.PositiveSmallIntegerField("försörjningsmått för år")
    need_pool = _money("behovsdelen")
    population_pool = _money("befolkningsdelen")
    created = models.DateTimeField("registrerat", auto_now_add=True)

    class Meta:
        ordering = ["-year", "-created"]
        verbose_name = "beslut om statlig fördelning"
        verbose_name_plural = "beslut om statlig fördelning"
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=Q(superseded=False), name="allocation_decision_one_current"
            )
        ]

    def __str__(self) -> str:
        return f"Beslut om fördelning {self.year}"


class AllocationRow(models.Model):
    """One förbund's figures and amount in a decision (the columns of rules.StateAllocationResult)."""

    decision = models.ForeignKey(AllocationDecision, on_delete=models.CASCADE, related_name="rows")
    association = models.ForeignKey(
        "registry.Association", on_delete=models.PROTECT, related_name="+", verbose_name="förbund"
    )
    name = models.CharField("förbundets namn vid beslutet", max_length=200)
    population_16_64 = models.PositiveIntegerField("befolkning 16–64 år")
    support_measure = models.DecimalField("försörjningsmått", max_digits=14, decimal_places=2)
    equity_year = models.PositiveSmallIntegerField("eget kapital per år", null=True, blank=True)
    equity_closing = _money("utgående eget kapital", null=True, blank=True)
    equity_contributions = _money("årets bidrag", null=True, blank=True)
    floor_protected = models.BooleanField("omfattas av spärren")
    base = _money("grundbelopp")
    need_part = _money("behovsdel")
    population_part = _money("befolkningsdel")
    model_amount = _money("enligt modellen")
    floor = _money("golv", null=True, blank=True)
    floor_adjustment = models.DecimalField("justering för spärren", max_digits=14, decimal_places=2)
    amount = _money("tilldelning")
    previous = _money("fjolårets tilldelning", null=True, blank=True)
    at_floor = models.BooleanField("vid spärren")

    class Meta:
        ordering = ["decision_id", "name"]
        verbose_name = "förbundets tilldelning"
        verbose_name_plural = "förbundens tilldelning"
        constraints = [
            models.UniqueConstraint(fields=["decision", "association"], name="allocation_row_association")
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"

    @property
    def change(self) -> Any:
        return None if self.previous is None else self.amount - self.previous
