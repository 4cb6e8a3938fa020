from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "finsam.interventions"
    label = "interventions"
    verbose_name = "Insatser"
