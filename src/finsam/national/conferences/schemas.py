"""Shared types of the conferences: the choices their models store."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Plats bekräftad")
    WAITING = "waiting", _("På väntelistan")
    CANCELLED = "cancelled", _("Avanmäld")
