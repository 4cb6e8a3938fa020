"""The registry in the Django admin, for the national working group (national_admin).

The admin is the escape hatch for corrections the pages do not offer; the pages and the API, which go
through the services and their rules, are the ordinary way in. Every save, delete and inline change here
is audited. Users are managed here too: national_admin is not a Django superuser, so the user admin
follows the role like every other FinsamModelAdmin.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest

from finsam.core.admin import AuditedInlines, FinsamModelAdmin, NationalInline
from finsam.registry import rules
from finsam.registry.models import (
    Association,
    BoardSeat,
    Charter,
    CharterShare,
    Director,
    Member,
    MemberRepresentative,
    Municipality,
    Person,
    Region,
)

User = get_user_model()


# --- reference data -----------------------------------------------------------------------------


class ReferenceDataAdmin(FinsamModelAdmin):
    """Regions and municipalities come from SCB with the migrations; they can be corrected, not removed."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "county_name"]
    search_fields = ["code", "name", "county_name"]
    ordering = ["code"]


@admin.register(Municipality)
class MunicipalityAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "short_name", "region"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["code", "name", "short_name"]
    ordering = ["code"]


# --- associations and members -------------------------------------------------------------------


class AssociationAdminForm(forms.ModelForm):
    class Meta:
        model = Association
        fields = ["name", "org_number", "seat", "founded", "dissolved"]

    def clean_org_number(self) -> str:
        try:
            return rules.normalise_org_number(self.cleaned_data["org_number"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


@admin.register(Association)
class AssociationAdmin(FinsamModelAdmin):
    form = AssociationAdminForm
    list_display = ["name", "org_number", "seat", "founded", "dissolved"]
    list_filter = ["seat__region", ("dissolved", admin.EmptyFieldListFilter)]
    list_select_related = ["seat"]
    search_fields = ["name", "org_number"]
    autocomplete_fields = ["seat"]
    readonly_fields = ["version"]

    def _association_id(self, obj: Any) -> int | None:
        return int(obj.pk)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # A change here is a new version too, so that a page form opened before it cannot overwrite it.
        if change and form.changed_data:
            obj.version = models.F("version") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version"])


@admin.register(Member)
class MemberAdmin(FinsamModelAdmin):
    list_display = ["__str__", "kind", "association", "joined", "left"]
    list_filter = ["kind", "association"]
    list_select_related = ["association", "region", "municipality"]
    search_fields = ["association__name", "region__name", "municipality__name", "municipality__code"]
    autocomplete_fields = ["association", "region", "municipality"]
    date_hierarchy = "joined"

    def get_queryset(self, request: HttpRequest) -> Any:
        # Autocomplete lists show the member's name, which comes from its region or municipality.
        return super().get_queryset(request).select_related("association", "region", "municipality")


class CharterShareInline(NationalInline, admin.TabularInline):
    model = CharterShare
    extra = 0
    autocomplete_fields = ["member"]


@admin.register(Charter)
class CharterAdmin(AuditedInlines, FinsamModelAdmin):
    list_display = ["association", "version", "adopted", "valid_from", "municipal_key", "region_key"]
    list_filter = ["municipal_key", "region_key"]
    list_select_related = ["association"]
    search_fields = ["association__name"]
    autocomplete_fields = ["association"]
    inlines = [CharterShareInline]


# --- people, board, director, representatives ---------------------------------------------------


@admin.register(Person)
class PersonAdmin(FinsamModelAdmin):
    list_display = ["last_name", "first_name", "association", "email", "phone"]
    list_filter = ["association"]
    list_select_related = ["association"]
    search_fields = ["first_name", "last_name", "email"]
    autocomplete_fields = ["association", "user"]


@admin.register(BoardSeat)
class BoardSeatAdmin(FinsamModelAdmin):
    list_display = ["person", "association", "member", "role", "chair", "vice_chair", "start", "end"]
    list_filter = ["role", "chair", "vice_chair", "association"]
    list_select_related = ["person", "association", "member__region", "member__municipality"]
    search_fields = ["person__first_name", "person__last_name", "association__name"]
    autocomplete_fields = ["association", "person", "member"]
    date_hierarchy = "start"


@admin.register(Director)
class DirectorAdmin(FinsamModelAdmin):
    list_display = ["person", "association", "start", "end"]
    list_filter = ["association"]
    list_select_related = ["person", "association"]
    search_fields = ["person__first_name", "person__last_name", "association__name"]
    autocomplete_fields = ["association", "person"]


@admin.register(MemberRepresentative)
class MemberRepresentativeAdmin(FinsamModelAdmin):
    list_display = ["person", "member", "association", "start", "end"]
    list_filter = ["member__association"]
    list_select_related = ["person", "member__association", "member__region", "member__municipality"]
    search_fields = ["person__first_name", "person__last_name", "member__association__name"]
    autocomplete_fields = ["member", "person"]

    @admin.display(description="förbund", ordering="member__association__name")
    def association(self, obj: MemberRepresentative) -> str:
        return obj.member.association.name

    def _association_id(self, obj: Any) -> int | None:
        return int(obj.member.association_id)
