from typing import Any

from django.apps import AppConfig


def _password_just_given(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Every sign-in (the page, or a test's force_login) counts as the password given now (core.reauth)."""
    from finsam.core import reauth

    if request is not None and hasattr(request, "session"):
        reauth.mark(request)


def _locked_out(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    """axes locked an account (from an address): one audit entry (accounts.services)."""
    from finsam.accounts import services

    services.sign_in_lockout_record(username=username)


class AccountsConfig(AppConfig):
    default = True
    name = "finsam.accounts"
    label = "accounts"
    verbose_name = "Konton"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_password_just_given, dispatch_uid="finsam.accounts.password_just_given")
        user_locked_out.connect(_locked_out, dispatch_uid="finsam.accounts.locked_out")
