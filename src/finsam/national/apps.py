from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "finsam.national"
    label = "national"
    verbose_name = "Nationell nivå"
