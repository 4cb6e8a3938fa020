"""The sign-in and password pages' forms, in the platform's look."""

from __future__ import annotations

from django.contrib.auth import forms as auth_forms

from finsam.core.forms import FinsamFormMixin


class PasswordResetForm(FinsamFormMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(FinsamFormMixin, auth_forms.SetPasswordForm):
    pass
