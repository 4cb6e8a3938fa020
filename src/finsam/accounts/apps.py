from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default = True
    name = "finsam.accounts"
    label = "accounts"
    verbose_name = "Konton"
