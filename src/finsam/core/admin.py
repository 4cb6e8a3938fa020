"""The Django admin, for national administrators only (the site is FinsamAdminSite in admin_kit). Writes
through it are audited, and domain records are written only through their services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from finsam.core import audit
from finsam.core.admin_kit import national_admin as _is_national_admin
from finsam.core.models import AuditEntry


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
