"""Interventions in the admin site, read-only: they are the förbund's own records, written through the
services (with their rules and audit entries) on the intervention pages and in the API."""

from __future__ import annotations

from django.contrib import admin

from finsam.core.admin import FinsamModelAdmin
from finsam.core.admin_kit import ReadOnlyAdminMixin
from finsam.interventions.models import Intervention


@admin.register(Intervention)
class InterventionAdmin(ReadOnlyAdminMixin, FinsamModelAdmin):
    list_display = ["name", "association", "kind", "status", "start", "end", "esf_cofinanced"]
    list_filter = ["kind", "status", "esf_cofinanced", "association"]
    search_fields = ["name"]
