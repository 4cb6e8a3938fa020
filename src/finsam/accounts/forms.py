"""The sign-in and password pages' forms, in the platform's look."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import translation

from finsam.accounts import tasks
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
    pass
