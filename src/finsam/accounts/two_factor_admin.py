"""The second factor's devices in the admin: listed, and removed (audited) when a user has lost the phone,
so that they can set up a new app. Never their secrets, never added or edited here: django-otp's own
admin pages, which show the key and its QR code, are taken down."""

from __future__ import annotations

from typing import Any

# django-otp's admin modules register themselves on import; imported here first, so that what they
# register can be replaced before the admin's autodiscovery reaches them (it then finds them imported).
import django_otp.plugins.otp_static.admin
import django_otp.plugins.otp_totp.admin  # noqa: F401
from django.contrib import admin
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from finsam.core.admin import FinsamModelAdmin


class DeviceAdmin(FinsamModelAdmin):
    """Read-only but for removal (audited by FinsamModelAdmin)."""

    list_display = ["user", "name", "confirmed", "last_used_at"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]
    readonly_fields = ["user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]
    search_fields = ["user__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, DeviceAdmin)
