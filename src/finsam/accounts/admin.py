"""Users, their roles and their API tokens in the Django admin, for the national working group.

national_admin is not a Django superuser, so the user admin follows the role like every other
FinsamModelAdmin, and a superuser account is left to superusers. Roles are granted and revoked through
the accounts services, which audit them and hold the rules of who may grant which role; tokens can only be
revoked. Changing roles or accounts needs the password given in the last minutes (core.reauth)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from finsam.accounts import services
from finsam.accounts.audit_actions import AuditAction
from finsam.accounts.models import ApiToken, RoleAssignment, SignInLink
from finsam.core import audit, reauth
from finsam.core.admin import FinsamModelAdmin
from finsam.core.admin_kit import RuleViolationsAsFormErrors, ServiceAdminMixin, national_admin
from finsam.core.errors import RuleViolation

User = get_user_model()


class RecentAuthenticationAdmin:
    """The add, change and delete pages (where roles are changed) send a user whose password is older than
    the allowed minutes to confirm it first; nothing is saved meanwhile."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not reauth.is_recent(request):
            return reauth.ask(request)
        return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not reauth.is_recent(request):
            return reauth.ask(request)
        return super().delete_view(request, object_id, extra_context)  # type: ignore[misc]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(RecentAuthenticationAdmin, ServiceAdminMixin, FinsamModelAdmin):
    """Roles are given and ended through the services, which hold the rules (the pages "Användare och
    roller" obey the same) and audit them; a role is never edited in place nor deleted: its end date is
    set, and the row stays as the record of who held it when."""

    list_display = ["user", "role", "association", "starts", "ends"]
    list_filter = ["role", "association"]
    search_fields = ["user__username"]
    fields = ["user", "role", "association", "starts", "ends"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["user", "role", "association", "starts"] if obj is not None else []

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> RoleAssignment:
        return services.role_grant(
            actor=request.user,
            user=data["user"],
            role=data["role"],
            association=data["association"],
            starts=data.get("starts"),
            ends=data.get("ends"),
        )

    def service_update(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> RoleAssignment:
        """Only the end date changes: saving without one changes nothing and says so."""
        if data.get("ends") is None:
            raise RuleViolation("R-ROLE-DATES", _("Ange den första dagen utan rollen."), "ends")
        return services.role_end(actor=request.user, assignment=obj, ends=data["ends"])


@admin.register(ApiToken)
class ApiTokenAdmin(FinsamModelAdmin):
    """Tokens are issued at sign-in with the configured lifetime; here they can only be revoked
    (deleted, audited by FinsamModelAdmin)."""

    list_display = ["user", "created", "expires", "last_used", "revoked"]
    fields = ["user", "created", "expires", "last_used", "revoked"]
    readonly_fields = ["user", "created", "expires", "last_used", "revoked"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SignInLinkForm(forms.ModelForm):
    value = forms.CharField(
        label="värde som e-legitimationen intygar",
        max_length=256,
        help_text=(
            "Värdet i det anspråk som inloggningen matchar på (FINSAM_OIDC_USER_CLAIM, oftast sub), så som "
            "leverantören av e-legitimationen anger det. Bara en nyckelhashning av värdet sparas."
        ),
    )

    class Meta:
        model = SignInLink
        fields = ["user"]


@admin.register(SignInLink)
class SignInLinkAdmin(RecentAuthenticationAdmin, ServiceAdminMixin, FinsamModelAdmin):
    """Which e-legitimation may sign in which account (accounts.oidc): linked and unlinked through the
    services, which audit it; never edited in place. The linked value is not stored, so not shown."""

    list_display = ["user", "created"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = SignInLinkForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["user", "value"] if obj is None else ["user", "created"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else ["user", "created"]

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> SignInLink:
        return services.sign_in_link_create(actor=request.user, user=data["user"], value=data["value"])

    def service_delete(self, request: HttpRequest, obj: Any) -> None:
        services.sign_in_link_delete(actor=request.user, link=obj)


class RoleAssignmentInline(admin.TabularInline):
    """Roles are given and ended (UserAdmin.save_formset calls the services); a role is never edited in
    place. Deleting a row here ends the role today; the row stays, with its end date."""

    model = RoleAssignment
    extra = 0
    fields = ["role", "association", "starts", "ends"]
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
class UserAdmin(
    RecentAuthenticationAdmin, RuleViolationsAsFormErrors, FinsamModelAdmin, auth_admin.UserAdmin
):
    """Accounts and their roles. Access comes from the roles only: no Django groups, permissions or
    staff flags are offered, and a superuser account is left to superusers. The account itself is saved
    here (audited by FinsamModelAdmin); its roles only through the accounts services."""

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
            if a.starts <= timezone.localdate() and (a.ends is None or a.ends > timezone.localdate())
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
                services.role_end(actor=request.user, assignment=assignment)
                formset.deleted_objects.append(assignment)
        for role_form in formset.extra_forms:
            if role_form.has_changed() and role_form not in formset.deleted_forms:
                formset.new_objects.append(
                    services.role_grant(
                        actor=request.user,
                        user=form.instance,
                        role=role_form.cleaned_data["role"],
                        association=role_form.cleaned_data["association"],
                        starts=role_form.cleaned_data.get("starts"),
                        ends=role_form.cleaned_data.get("ends"),
                    )
                )

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """A user's roles go with the user (ended first by delete_model, audited), although a single role
        is never deleted in the admin: their missing delete permission does not hold the user back."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed = {name for name in perms_needed if name != RoleAssignment._meta.verbose_name}
        return deleted, counts, perms_needed, protected

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        # Its current and coming roles end first (audited), by the same rules as on the pages.
        for assignment in obj.role_assignments.filter(
            Q(ends__isnull=True) | Q(ends__gt=timezone.localdate())
        ):
            services.role_end(actor=request.user, assignment=assignment)
        super().delete_model(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # A deactivated account's API tokens end, and stay ended if it is activated again.
            services.tokens_end(actor=request.user, user=obj, reason=services.TokenEnd.DEACTIVATED)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        if not reauth.is_recent(request):
            return reauth.ask(request)
        response = super().user_change_password(request, id, form_url)
        saved = request.method == "POST" and response.status_code == 302
        if saved and response["Location"] != request.get_full_path():
            user = self.get_object(request, id)
            audit.record(actor=request.user, action=AuditAction.ADMIN_USER_PASSWORD, target=user, details={})
            services.tokens_end(actor=request.user, user=user, reason=services.TokenEnd.PASSWORD)
        return response


# The second factor's devices (accounts.two_factor_admin replaces django-otp's own admin pages).
from finsam.accounts import two_factor_admin  # noqa: E402, F401
