from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "finsam.registry"
    label = "registry"
    verbose_name = "Register"
