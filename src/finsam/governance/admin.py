"""Governance in the Django admin: read-only. Meetings, minutes and the annual cycle's records change only
through the services, which check R-SAMRAD and keep locked minutes locked; the admin lets the national
working group look, including at which reminders went out."""

from __future__ import annotations

from django.contrib import admin

from finsam.core.admin import FinsamModelAdmin
from finsam.core.admin_kit import ReadOnlyAdminMixin
from finsam.governance.models import Discharge, Document, Meeting, NationalReportFiling, ReminderSent


class ReadOnlyAdmin(ReadOnlyAdminMixin, FinsamModelAdmin):
    pass


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("date", "title", "kind", "consultation_kind")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("title",)


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("association", "year", "kind", "title", "delivered_on")
    list_filter = ("kind", "year")
    exclude = ("file",)


@admin.register(Discharge)
class DischargeAdmin(ReadOnlyAdmin):
    list_display = ("association", "year", "member", "decided_on", "granted")
    list_filter = ("year", "granted")


@admin.register(NationalReportFiling)
class NationalReportFilingAdmin(ReadOnlyAdmin):
    list_display = ("association", "year", "submitted_on", "reference")


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ("association", "obligation", "year", "offset", "claimed", "sent")
    list_filter = ("obligation", "year")
    exclude = ("recipient",)
