from django.apps import AppConfig


class ImportsConfig(AppConfig):
    default = True
    name = "finsam.imports"
    label = "imports"
    verbose_name = "Inläsning av deltagare"
