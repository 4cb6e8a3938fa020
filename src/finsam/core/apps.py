from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "finsam.core"
    label = "core"
    verbose_name = "Kärna"

    def ready(self) -> None:
        from finsam.core import checks  # noqa: F401 - registers the start-up check of the audit key


class FinsamAdminConfig(admin_apps.AdminConfig):
    """The Django admin on our own site class: national administrators only."""

    default = False
    default_site = "finsam.core.admin_kit.FinsamAdminSite"
