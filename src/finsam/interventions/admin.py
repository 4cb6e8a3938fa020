"""Interventions in the admin site, read-only: they are the förbund's own records, written through the
services (with their rules and audit entries) on the intervention pages and in the API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from finsam.core.admin import FinsamModelAdmin
from finsam.interventions.models import Intervention


@admin.register(Intervention)
class InterventionAdmin(FinsamModelAdmin):
    list_display = ["name", "association", "kind", "status", "start", "end", "esf_cofinanced"]
    list_filter = ["kind", "status", "esf_cofinanced", "association"]
    search_fields = ["name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
