from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "finsam.core"
    label = "core"
    verbose_name = "Kärna"
