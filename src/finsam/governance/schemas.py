"""Shared types of the governance app: the choices its models store, which other apps may use too
(docs/architecture.md: other apps import an app's schemas, never its models)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingKind(models.TextChoices):
    BOARD = "board_meeting", _("Styrelsemöte")
    MEMBER_CONSULTATION = "member_consultation", _("Medlemssamråd")
    NATIONAL_COUNCIL = "national_council", _("Nationella rådet")
    WORKING_GROUP = "working_group", _("Nationella arbetsgruppen")


class ConsultationKind(models.TextChoices):
    ANNUAL = "annual", _("Årligt medlemssamråd")
    BUDGET = "budget", pgettext_lazy("slag av samråd", "Budgetsamråd")


class Capacity(models.TextChoices):
    MEMBER_REPRESENTATIVE = "member_representative", _("Medlemsrepresentant")
    CHAIR = "chair", _("Ordförande")
    BOARD_MEMBER = "board_member", _("Styrelseledamot")
    DIRECTOR = "director", _("Förbundschef")
    OTHER = "other", pgettext_lazy("i egenskap av", "Övrig")


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    CHECKED = "checked", pgettext_lazy("protokoll", "Justerat")
    LOCKED = "locked", _("Låst")


class DocumentKind(models.TextChoices):
    ANNUAL_REPORT = "annual_report", _("Årsredovisning (bokslut)")
    ACTIVITY_REPORT = "activity_report", _("Verksamhetsberättelse")
    AUDIT_REPORT = "audit_report", _("Revisionsberättelse")
    OTHER = "other", _("Övrigt underlag")
