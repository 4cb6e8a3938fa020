"""The national council (Nationella rådet) and the national working group (R-NATIONAL): the member
organisations, their representatives with periods, and the council's recommendations and positions."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from finsam.national.council.schemas import Body, CouncilRole, RecommendationKind, RecommendationStatus


class CouncilOrganisation(models.Model):
    """A member organisation of the council: Försäkringskassan, Arbetsförmedlingen, Socialstyrelsen, SKR."""

    name = models.CharField("namn", max_length=200, unique=True)
    short_name = models.CharField("förkortning", max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "organisation i rådet"
        verbose_name_plural = "organisationer i rådet"

    def __str__(self) -> str:
        return self.name


class CouncilRepresentative(models.Model):
    """A person representing an organisation in the council or the working group for a period; `end`
    empty while the assignment lasts."""

    name = models.CharField("namn", max_length=200)
    organisation = models.ForeignKey(
        CouncilOrganisation,
        on_delete=models.PROTECT,
        related_name="representatives",
        verbose_name="organisation",
    )
    body = models.CharField("organ", max_length=16, choices=Body.choices)
    role = models.CharField("roll", max_length=16, choices=CouncilRole.choices)
    start = models.DateField("från")
    end = models.DateField("till", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["body", "start", "name"]
        verbose_name = "representant i rådet eller arbetsgruppen"
        verbose_name_plural = "representanter i rådet och arbetsgruppen"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="council_representative_period"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Recommendation(models.Model):
    """A recommendation or position of the council. A draft is seen by the working group only; published
    and withdrawn ones by every signed-in user (withdrawn ones marked so). `rule_codes` are the rules of
    the register (core.rulebook) that it underlies."""

    kind = models.CharField("slag", max_length=16, choices=RecommendationKind.choices)
    title = models.CharField("rubrik", max_length=200)
    date = models.DateField("datum")
    status = models.CharField("status", max_length=16, choices=RecommendationStatus.choices)
    text = models.TextField("text (Markdown)", max_length=100_000)
    rule_codes = models.JSONField("regler", default=list, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField("senast ändrad", auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "rekommendation eller ställningstagande"
        verbose_name_plural = "rekommendationer och ställningstaganden"
        indexes = [models.Index(fields=["status", "date"], name="recommendation_status_date")]

    def __str__(self) -> str:
        return self.title
