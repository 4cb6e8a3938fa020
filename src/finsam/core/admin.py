"""The Django admin, for national administrators only. Writes through it are audited."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from finsam.core import audit
from finsam.core.access import has_capability
from finsam.core.models import AuditEntry
from finsam.core.roles import Capability


def _is_national_admin(request: HttpRequest) -> bool:
    return request.user.is_active and has_capability(request.user, Capability.ADMIN_SITE)


class FinsamAdminSite(admin.AdminSite):
    """Admin for the national_admin role. Signing in happens on the platform's own login page; a
    signed-in user without the role gets 403 rather than a login loop."""

    site_header = "Finsam – administration"
    site_title = "Finsam"
    index_title = "Administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return _is_national_admin(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded


class FinsamModelAdmin(admin.ModelAdmin):
    """Permissions follow the national_admin role, and every save or delete is audited."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_national_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_national_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_national_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_national_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_national_admin(request)

    def _association_id(self, obj: Any) -> int | None:
        return getattr(obj, "association_id", None)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        action = f"admin.{obj._meta.model_name}.{'update' if change else 'create'}"
        audit.record(
            actor=request.user,
            action=action,
            target=obj,
            association_id=self._association_id(obj),
            details={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(
            actor=request.user,
            action=f"admin.{obj._meta.model_name}.delete",
            target=obj,
            association_id=self._association_id(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


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
        return _is_national_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_national_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_national_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_national_admin(request)


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


@admin.register(AuditEntry)
class AuditEntryAdmin(FinsamModelAdmin):
    list_display = ["at", "actor_username", "action", "object_type", "object_id", "association_id"]
    list_filter = ["action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
