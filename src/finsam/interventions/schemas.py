"""Shared types of the interventions app: the choices its models store, which other apps may use too
(docs/architecture.md: other apps import an app's schemas, never its models)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InterventionKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individinriktad")
    STRUCTURAL = "structural", _("Strukturövergripande")


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("insatsens status", "Planerad")
    ACTIVE = "active", pgettext_lazy("insatsens status", "Pågående")
    ENDED = "ended", pgettext_lazy("insatsens status", "Avslutad")
