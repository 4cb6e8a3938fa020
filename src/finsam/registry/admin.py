"""The registry in the Django admin, for the national working group (national_admin).

The registry pages and the API, which go through the services and their rules (R-BOARD, R-MEMBERS, …),
are the way in; the admin never writes around them. Its registry is read-only, except the association,
which it changes through the service. Users and their roles are in the accounts app's admin.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from finsam.core.admin import FinsamModelAdmin
from finsam.core.admin_kit import (
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ServiceAdminMixin,
)
from finsam.registry import services
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

# --- reference data -----------------------------------------------------------------------------


class ReferenceDataAdmin(ReadOnlyAdminMixin, FinsamModelAdmin):
    """Regions and municipalities come from SCB with the migrations, and change only with them."""


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
    # The version the editor saw, so that a change saved since then is not overwritten (R-CONFLICT).
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Association
        fields = ["name", "org_number", "seat", "founded", "dissolved"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_version"].initial = self.instance.version


@admin.register(Association)
class AssociationAdmin(ServiceAdminMixin, FinsamModelAdmin):
    """Changed through association_update, like on the association's page; created on the registry
    pages and never deleted."""

    form = AssociationAdminForm
    list_display = ["name", "org_number", "seat", "founded", "dissolved"]
    list_filter = ["seat__region", ("dissolved", admin.EmptyFieldListFilter)]
    list_select_related = ["seat"]
    search_fields = ["name", "org_number"]
    autocomplete_fields = ["seat"]
    readonly_fields = ["version"]

    def service_update(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Association:
        return services.association_update(
            actor=request.user,
            association=obj,
            version=data["opened_version"] or obj.version,
            name=data["name"],
            org_number=data["org_number"],
            seat=data["seat"],
            founded=data["founded"],
            dissolved=data["dissolved"],
        )


@admin.register(Member)
class MemberAdmin(ReadOnlyAdminMixin, FinsamModelAdmin):
    list_display = ["__str__", "kind", "association", "joined", "left"]
    list_filter = ["kind", "association"]
    list_select_related = ["association", "region", "municipality"]
    search_fields = ["association__name", "region__name", "municipality__name", "municipality__code"]
    autocomplete_fields = ["association", "region", "municipality"]
    date_hierarchy = "joined"

    def get_queryset(self, request: HttpRequest) -> Any:
        # Autocomplete lists show the member's name, which comes from its region or municipality.
        return super().get_queryset(request).select_related("association", "region", "municipality")


class CharterShareInline(ReadOnlyInline, admin.TabularInline):
    model = CharterShare


@admin.register(Charter)
class CharterAdmin(ReadOnlyAdminMixin, FinsamModelAdmin):
    list_display = ["association", "version", "adopted", "valid_from", "municipal_key", "region_key"]
    list_filter = ["municipal_key", "region_key"]
    list_select_related = ["association"]
    search_fields = ["association__name"]
    autocomplete_fields = ["association"]
    inlines = [CharterShareInline]


# --- people, board, director, representatives ---------------------------------------------------


@admin.register(Person)
class PersonAdmin(ReadOnlyAdminMixin, FinsamModelAdmin):
    list_display = ["last_name", "first_name", "association", "email", "phone"]
    list_filter = ["association"]
    list_select_related = ["association"]
    search_fields = ["first_name", "last_name", "email"]
    autocomplete_fields = ["association", "user"]


@admin.register(BoardSeat)
class BoardSeatAdmin(ReadOnlyAdminMixin, FinsamModelAdmin):
    list_display = ["person", "association", "member", "role", "chair", "vice_chair", "start", "end"]
    list_filter = ["role", "chair", "vice_chair", "association"]
    list_select_related = ["person", "association", "member__region", "member__municipality"]
    search_fields = ["person__first_name", "person__last_name", "association__name"]
    autocomplete_fields = ["association", "person", "member"]
    date_hierarchy = "start"


@admin.register(Director)
class DirectorAdmin(ReadOnlyAdminMixin, FinsamModelAdmin):
    list_display = ["person", "association", "start", "end"]
    list_filter = ["association"]
    list_select_related = ["person", "association"]
    search_fields = ["person__first_name", "person__last_name", "association__name"]
    autocomplete_fields = ["association", "person"]


@admin.register(MemberRepresentative)
class MemberRepresentativeAdmin(ReadOnlyAdminMixin, FinsamModelAdmin):
    list_display = ["person", "member", "association", "start", "end"]
    list_filter = ["member__association"]
    list_select_related = ["person", "member__association", "member__region", "member__municipality"]
    search_fields = ["person__first_name", "person__last_name", "member__association__name"]
    autocomplete_fields = ["member", "person"]

    @admin.display(description="förbund", ordering="member__association__name")
    def association(self, obj: MemberRepresentative) -> str:
        return obj.member.association.name
