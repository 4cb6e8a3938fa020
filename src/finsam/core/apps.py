from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "finsam.core"
    label = "core"
    verbose_name = "Kärna"


class FinsamAdminConfig(admin_apps.AdminConfig):
    """The Django admin on our own site class: national administrators only."""

    default = False
    default_site = "finsam.core.admin_kit.FinsamAdminSite"
