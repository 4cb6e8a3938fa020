from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    default = True
    name = "finsam.statistics"
    label = "statistics"
    verbose_name = "Statistik och nationell rapport"
