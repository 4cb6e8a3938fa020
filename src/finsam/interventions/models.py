"""Interventions (insatser): individual-level ones with participants, structural ones with counts.

The financing link to a budget line belongs to the finance app, which adds it when it arrives.
Rules that span rows (providers of the same förbund, coordinators holding the role) are checked in
`services.py`; the constraints here are what the database itself can hold.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from finsam.interventions.schemas import InterventionKind, InterventionStatus


class Intervention(models.Model):
    """An insats financed by a förbund, provided by one or more of its members."""

    association = models.ForeignKey(
        "registry.Association", on_delete=models.PROTECT, related_name="interventions", verbose_name="förbund"
    )
    kind = models.CharField("typ", max_length=16, choices=InterventionKind.choices)
    name = models.CharField("namn", max_length=200)
    description = models.TextField("beskrivning", blank=True)
    target_group = models.CharField("målgrupp", max_length=500, blank=True)
    providers = models.ManyToManyField(
        "registry.Member", related_name="provided_interventions", verbose_name="utförande parter", blank=True
    )
    start = models.DateField("start")
    end = models.DateField("slut", null=True, blank=True)
    board_decision_reference = models.CharField("styrelsebeslut (paragraf)", max_length=100, blank=True)
    board_decision_date = models.DateField("styrelsebeslut (datum)", null=True, blank=True)
    followup_method = models.TextField("uppföljningsmetod", blank=True)
    esf_cofinanced = models.BooleanField("medfinansierad av ESF", default=False)
    status = models.CharField(
        "status", max_length=16, choices=InterventionStatus.choices, default=InterventionStatus.PLANNED
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="coordinated_interventions",
        verbose_name="deltagaransvariga",
        blank=True,
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["association_id", "name"]
        verbose_name = "insats"
        verbose_name_plural = "insatser"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="intervention_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["individual", "structural"]), name="intervention_kind_known"
            ),
            models.UniqueConstraint(fields=["association", "name"], name="intervention_name_unique"),
        ]
        indexes = [
            models.Index(fields=["association", "status"], name="intervention_assoc_status"),
            models.Index(fields=["association", "start"], name="intervention_assoc_start"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_individual(self) -> bool:
        return self.kind == InterventionKind.INDIVIDUAL


class PlannedParticipants(models.Model):
    """How many participants the förbund plans for the intervention in one year."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="planned")
    year = models.PositiveSmallIntegerField("år")
    count = models.PositiveIntegerField("planerade deltagare")

    class Meta:
        ordering = ["intervention_id", "year"]
        verbose_name = "planerade deltagare"
        verbose_name_plural = "planerade deltagare"
        constraints = [models.UniqueConstraint(fields=["intervention", "year"], name="planned_year_unique")]

    def __str__(self) -> str:
        return f"{self.year}: {self.count}"


class StructuralCount(models.Model):
    """What a structural intervention reached in one period: counts, never persons."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="structural_counts")
    period_start = models.DateField("period från")
    period_end = models.DateField("period till")
    people_trained = models.PositiveIntegerField("utbildade personer", default=0)
    staff_reached = models.PositiveIntegerField("nådd personal", default=0)
    note = models.CharField("anteckning", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["intervention_id", "period_start"]
        verbose_name = "antal i strukturövergripande insats"
        verbose_name_plural = "antal i strukturövergripande insatser"
        constraints = [
            models.UniqueConstraint(fields=["intervention", "period_start"], name="structural_count_period"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="structural_count_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start}–{self.period_end}"
