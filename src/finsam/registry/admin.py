"""The registry in the Django admin, for the national working group (national_admin).

The registry pages and the API, which go through the services and their rules (R-BOARD, R-MEMBERS, …),
are the way in; the admin never writes around them. Its registry is read-only, except the association,
which it changes through the service. Users are managed here too: national_admin is not a Django
superuser, so the user admin follows the role like every other FinsamModelAdmin, and roles are granted
and revoked through the core services, which audit them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse

from finsam.core import audit
from finsam.core import services as core_services
from finsam.core.admin import FinsamModelAdmin
from finsam.core.admin_kit import (
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    RuleViolationsAsFormErrors,
    ServiceAdminMixin,
    national_admin,
)
from finsam.core.models import RoleAssignment
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

User = get_user_model()


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


# --- users --------------------------------------------------------------------------------------


class RoleAssignmentInline(admin.TabularInline):
    """Roles are granted and revoked (UserAdmin.save_formset calls the services); a role is never edited
    in place."""

    model = RoleAssignment
    extra = 0
    fields = ["role", "association"]
    autocomplete_fields = ["association"]
    verbose_name = "roll"
    verbose_name_plural = "roller (nationella roller utan förbund, övriga för ett förbund)"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return national_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return national_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return national_admin(request)


if admin.site.is_registered(User):
    admin.site.unregister(User)
# Access comes from the roles only: Django's groups and permissions are not used, so not offered either.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(RuleViolationsAsFormErrors, FinsamModelAdmin, auth_admin.UserAdmin):
    """Accounts and their roles. Access comes from the roles only: no Django groups, permissions or
    staff flags are offered, and a superuser account is left to superusers. The account itself is saved
    here (audited by FinsamModelAdmin); its roles only through the core services."""

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

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not RoleAssignment:
            super().save_formset(request, form, formset, change)
            return
        # The attributes formset.save() would set; the admin's change message reads them.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for role_form in formset.deleted_forms:
            if role_form.instance.pk is not None:
                # The row as stored, not as posted: the form has copied the posted values onto it.
                assignment = RoleAssignment.objects.get(pk=role_form.instance.pk)
                core_services.role_revoke(actor=request.user, assignment=assignment)
                formset.deleted_objects.append(assignment)
        for role_form in formset.extra_forms:
            if role_form.has_changed() and role_form not in formset.deleted_forms:
                formset.new_objects.append(
                    core_services.role_grant(
                        actor=request.user,
                        user=form.instance,
                        role=role_form.cleaned_data["role"],
                        association=role_form.cleaned_data["association"],
                    )
                )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        for assignment in obj.role_assignments.all():
            core_services.role_revoke(actor=request.user, assignment=assignment)
        super().delete_model(request, obj)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        saved = request.method == "POST" and response.status_code == 302
        if saved and response["Location"] != request.get_full_path():
            user = self.get_object(request, id)
            audit.record(actor=request.user, action="admin.user.password", target=user, details={})
        return response
