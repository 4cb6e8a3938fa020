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
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest, HttpResponse

from finsam.core import audit
from finsam.core.access import has_capability
from finsam.core.admin import FinsamModelAdmin
from finsam.core.models import RoleAssignment
from finsam.core.roles import Capability
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


def _national_admin(request: HttpRequest) -> bool:
    return request.user.is_active and has_capability(request.user, Capability.ADMIN_SITE)


def _association_of(obj: Any) -> int | None:
    for path in ("association_id", "member.association_id", "charter.association_id"):
        value: Any = obj
        for part in path.split("."):
            value = getattr(value, part, None)
        if value is not None:
            return int(value)
    return None


class NationalInline:
    """Inline permissions follow the national_admin role, like FinsamModelAdmin."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _national_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _national_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _national_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _national_admin(request)


class AuditedInlines:
    """Audits each object an inline adds, changes or deletes (FinsamModelAdmin audits the parent)."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for deleted in formset.deleted_forms:
            if deleted.instance.pk is not None:
                self._record(request, deleted.instance, "delete")
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for obj in formset.new_objects:
            self._record(request, obj, "create")
        for obj, fields in formset.changed_objects:
            self._record(request, obj, "update", {"fields": sorted(fields)})

    def _record(
        self, request: HttpRequest, obj: Any, verb: str, details: dict[str, Any] | None = None
    ) -> None:
        audit.record(
            actor=request.user,
            action=f"admin.{obj._meta.model_name}.{verb}",
            target=obj,
            association_id=_association_of(obj),
            details=details,
        )


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


# --- users --------------------------------------------------------------------------------------


class RoleAssignmentInline(NationalInline, admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "association"]
    autocomplete_fields = ["association"]
    verbose_name = "roll"
    verbose_name_plural = "roller (nationella roller utan förbund, övriga för ett förbund)"


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(AuditedInlines, FinsamModelAdmin, auth_admin.UserAdmin):
    """Accounts and their roles. Access comes from the roles only: no Django groups, permissions or
    staff flags are offered, and a superuser account is left to superusers."""

    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personuppgifter", {"fields": ("first_name", "last_name", "email")}),
        ("Status", {"fields": ("is_active",)}),
        ("Datum", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    list_display = ["username", "email", "first_name", "last_name", "is_active", "roles"]
    list_filter = ["is_active", "role_assignments__role", "role_assignments__association"]
    filter_horizontal = ()

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("role_assignments__association")

    @admin.display(description="roller")
    def roles(self, obj: Any) -> str:
        return ", ".join(
            f"{a.get_role_display()}{f' ({a.association.name})' if a.association_id else ''}"
            for a in obj.role_assignments.all()
        )

    def _guards_superuser(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not self._guards_superuser(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not self._guards_superuser(request, obj)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        saved = request.method == "POST" and response.status_code == 302
        if saved and response["Location"] != request.get_full_path():
            user = self.get_object(request, id)
            audit.record(actor=request.user, action="admin.user.password", target=user, details={})
        return response
