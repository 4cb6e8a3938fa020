"""The sign-in and password pages' forms, in the platform's look."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from finsam.accounts import services, tasks
from finsam.core.forms import FinsamFormMixin


class PasswordResetForm(FinsamFormMixin, auth_forms.PasswordResetForm):
    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Queued for the worker rather than sent here: the page then answers as fast for an address with an
        account as for one without, and a slow mail server does not hold it up."""
        tasks.password_reset_mail.enqueue(
            user_id=context["user"].pk,
            domain=context["domain"],
            site_name=context["site_name"],
            protocol=context["protocol"],
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )


class SetPasswordForm(FinsamFormMixin, auth_forms.SetPasswordForm):
    """The new password of a reset, saved through the service: audited, and every API token of the user
    ended."""

    def save(self, commit: bool = True) -> Any:
        password = self.cleaned_data["new_password1"]
        if commit:
            services.password_set(actor=self.user, user=self.user, password=password)
        else:
            self.user.set_password(password)
        return self.user


class ReauthenticateForm(FinsamFormMixin, forms.Form):
    password = forms.CharField(
        label=_("Lösenord"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Ange ditt lösenord.")},
    )


class TokenRevokeForm(FinsamFormMixin, forms.Form):
    token = forms.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Välj en API-nyckel."),
            "invalid": _("Välj en API-nyckel."),
            "min_value": _("Välj en API-nyckel."),
            "max_value": _("Välj en API-nyckel."),
        },
    )


class InvitationPasswordForm(FinsamFormMixin, auth_forms.SetPasswordForm):
    """The invited user's first password, checked by the password validators; saved by the view through
    the invitation service (never by the form)."""

    def save(self, commit: bool = True) -> Any:
        raise NotImplementedError("the invitation service saves the password")
