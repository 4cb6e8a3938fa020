"""Shared types of the registry app: the choices its models store, which other apps may use too
(docs/architecture.md: other apps import an app's schemas, never its models)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    FK = "fk", _("Försäkringskassan")
    AF = "af", _("Arbetsförmedlingen")
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Kommun")


class SeatRole(models.TextChoices):
    MEMBER = "member", _("Ledamot")
    DEPUTY = "deputy", _("Ersättare")


class SplitKey(models.TextChoices):
    POPULATION = "population", _("Efter folkmängd")
    EQUAL = "equal", _("Lika delar")
    FIXED = "fixed", _("Fasta procentsatser")
