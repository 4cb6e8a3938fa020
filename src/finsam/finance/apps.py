from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "finsam.finance"
    label = "finance"
    verbose_name = "Ekonomi"
