"""Users, their roles and their API tokens in the Django admin, for the national working group.

national_admin is not a Django superuser, so the user admin follows the role like every other
FinsamModelAdmin; a superuser account is left to superusers."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse

from finsam.accounts.models import ApiToken, RoleAssignment
from finsam.core import audit
from finsam.core.admin import AuditedInlines, FinsamModelAdmin, NationalInline

User = get_user_model()


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(FinsamModelAdmin):
    list_display = ["user", "role", "association"]
    list_filter = ["role", "association"]
    search_fields = ["user__username"]


@admin.register(ApiToken)
class ApiTokenAdmin(FinsamModelAdmin):
    list_display = ["user", "created", "expires", "last_used"]
    fields = ["user", "created", "expires", "last_used"]
    readonly_fields = ["user", "created", "last_used"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


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
