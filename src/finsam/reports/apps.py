from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "finsam.reports"
    label = "reports"
    verbose_name = "Rapporter"
