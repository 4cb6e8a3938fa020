"""Finance in the Django admin, for the national working group.

Populations are reference data and may be corrected here, through the same service as the population
page (its checks, its scope, its audit entry); the municipality and year of a figure stay. Budgets are
shown read-only: their contributions are computed by R-SHARES and their status follows consultations and
adoption, so a change belongs on the budget pages, which go through the services and their rules.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from finsam.core.admin import FinsamModelAdmin
from finsam.core.admin_kit import ReadOnlyAdminMixin, ReadOnlyInline, ServiceAdminMixin
from finsam.finance import services
from finsam.finance.models import Budget, BudgetConsultation, BudgetLine, Contribution, Population


@admin.register(Population)
class PopulationAdmin(ServiceAdminMixin, FinsamModelAdmin):
    list_display = ("municipality", "year", "population", "updated")
    list_filter = ("year",)
    search_fields = ("municipality__name", "municipality__code")
    list_select_related = ("municipality",)
    raw_id_fields = ("municipality",)
    ordering = ("-year", "municipality__code")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("municipality", "year") if obj is not None else ()

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Population:
        return self._set(request, data["municipality"], data["year"], data["population"])

    def service_update(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Population:
        return self._set(request, obj.municipality, obj.year, data["population"])

    def _set(self, request: HttpRequest, municipality: Any, year: int, population: int) -> Population:
        services.population_set(actor=request.user, year=year, figures={municipality.code: population})
        return Population.objects.get(municipality=municipality, year=year)


class ContributionInline(ReadOnlyInline, admin.TabularInline):
    model = Contribution
    fields = ("member", "amount", "population", "percent", "received")
    readonly_fields = fields


class BudgetLineInline(ReadOnlyInline, admin.TabularInline):
    model = BudgetLine
    fields = ("kind", "intervention", "cost_type", "label", "amount", "actual")
    readonly_fields = fields


class BudgetConsultationInline(ReadOnlyInline, admin.TabularInline):
    model = BudgetConsultation
    fields = ("member", "held_on", "representative", "comments")
    readonly_fields = fields


@admin.register(Budget)
class BudgetAdmin(ReadOnlyAdminMixin, FinsamModelAdmin):
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
