"""Shared types of the finance app: the choices its models store, which other apps may use too
(docs/architecture.md: other apps import an app's schemas, never its models)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    CONSULTED = "consulted", _("Samråd genomfört")
    ADOPTED = "adopted", _("Fastställd")


class LineKind(models.TextChoices):
    INTERVENTION = "intervention", _("Insats")
    ADMINISTRATION = "administration", _("Administration")


class CostType(models.TextChoices):
    """Cost types of the förbund's own administration."""

    PERSONNEL = "personnel", _("Personalkostnader")
    PREMISES = "premises", _("Lokaler")
    SERVICES = "services", _("Köpta tjänster (ekonomi, IT, revision)")
    BOARD = "board", _("Styrelsens arvoden")
    DEVELOPMENT = "development", _("Utbildning och kompetensutveckling")
    OTHER = "other", _("Övriga kostnader")
