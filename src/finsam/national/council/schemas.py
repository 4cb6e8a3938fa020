"""Shared types of the national council and working group: the choices their models store."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Body(models.TextChoices):
    COUNCIL = "council", _("Nationella rådet")
    WORKING_GROUP = "working_group", _("Nationella arbetsgruppen")


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("Ordförande")
    VICE_CHAIR = "vice_chair", _("Vice ordförande")
    MEMBER = "member", pgettext_lazy("i rådet", "Ledamot")
    DEPUTY = "deputy", pgettext_lazy("i rådet", "Ersättare")
    SECRETARY = "secretary", _("Sekreterare")


class RecommendationKind(models.TextChoices):
    RECOMMENDATION = "recommendation", _("Rekommendation")
    POSITION = "position", _("Ställningstagande")


class RecommendationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("rekommendation", "Utkast")
    PUBLISHED = "published", pgettext_lazy("rekommendation", "Publicerad")
    WITHDRAWN = "withdrawn", pgettext_lazy("rekommendation", "Återkallad")
