"""Shared types of the help desk: the choices its models store."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class QuestionCategory(models.TextChoices):
    LAW = "law", _("Juridik")
    ECONOMY = "economy", pgettext_lazy("frågekategori", "Ekonomi")
    ORGANISATION = "organisation", _("Organisation")
    FOLLOWUP = "followup", pgettext_lazy("frågekategori", "Uppföljning")
    OTHER = "other", pgettext_lazy("frågekategori", "Övrigt")


class QuestionStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("fråga", "Ny")
    ASSIGNED = "assigned", pgettext_lazy("fråga", "Tilldelad")
    WAITING = "waiting_for_asker", _("Väntar på frågeställaren")
    ANSWERED = "answered", pgettext_lazy("fråga", "Besvarad")
    CLOSED = "closed", pgettext_lazy("fråga", "Stängd")


class MessageKind(models.TextChoices):
    ANSWER = "answer", pgettext_lazy("meddelande", "Svar")
    ASK_BACK = "ask_back", _("Motfråga")
    REPLY = "reply", _("Komplettering från frågeställaren")
