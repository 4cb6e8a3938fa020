from django.apps import AppConfig


class FinsamConfig(AppConfig):
    """The shell: the package itself, above every app. It composes them (the home page, the audit log, the
    API, the demo) and holds the commands that need several apps; no app imports it."""

    default = True
    name = "finsam"
    label = "finsam"
    verbose_name = "Finsam"
