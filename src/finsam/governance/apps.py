from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "finsam.governance"
    label = "governance"
    verbose_name = "Styrning"
