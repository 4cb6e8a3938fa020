"""Finance in the Django admin, for the national working group.

Populations are reference data and may be corrected here (audited like every admin save). Budgets are
shown read-only: their contributions are computed by R-SHARES and their status follows consultations and
adoption, so a change belongs on the budget pages, which go through the services and their rules.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from finsam.core.admin import FinsamModelAdmin
from finsam.finance.models import Budget, BudgetConsultation, BudgetLine, Contribution, Population


@admin.register(Population)
class PopulationAdmin(FinsamModelAdmin):
    list_display = ("municipality", "year", "population", "updated")
    list_filter = ("year",)
    search_fields = ("municipality__name", "municipality__code")
    list_select_related = ("municipality",)
    raw_id_fields = ("municipality",)
    ordering = ("-year", "municipality__code")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return FinsamModelAdmin.has_view_permission(self, request, obj)  # type: ignore[arg-type]


class ContributionInline(ReadOnlyInline):
    model = Contribution
    fields = ("member", "amount", "population", "percent", "received")
    readonly_fields = fields


class BudgetLineInline(ReadOnlyInline):
    model = BudgetLine
    fields = ("kind", "intervention", "cost_type", "label", "amount", "actual")
    readonly_fields = fields


class BudgetConsultationInline(ReadOnlyInline):
    model = BudgetConsultation
    fields = ("member", "held_on", "representative", "comments")
    readonly_fields = fields


@admin.register(Budget)
class BudgetAdmin(FinsamModelAdmin):
    list_display = ("association", "year", "status", "frame", "adopted_on", "adopted_late")
    list_filter = ("status", "adopted_late", "year")
    search_fields = ("association__name",)
    list_select_related = ("association",)
    inlines = (ContributionInline, BudgetLineInline, BudgetConsultationInline)
    readonly_fields = (
        "association",
        "year",
        "status",
        "frame",
        "charter",
        "population_year",
        "opening_equity",
        "adopted_on",
        "adoption_reference",
        "adopted_late",
        "version",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
