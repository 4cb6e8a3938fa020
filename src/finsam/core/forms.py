"""Form plumbing shared by every app: FKUI classes on widgets, and RuleViolations shown on fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import translation

from finsam.core import tasks
from finsam.core.errors import RuleViolation

_WIDGET_CLASSES = {
    forms.Select: "select-field__select",
    forms.SelectMultiple: "select-field__select",
    forms.Textarea: "textarea-field__textarea",
    forms.CheckboxInput: "checkbox__input",
}


class FinsamFormMixin:
    """Adds the design system's classes and accessible error wiring to every widget."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = next((c for t, c in _WIDGET_CLASSES.items() if isinstance(widget, t)), "text-field__input")
            widget.attrs.setdefault("class", css)
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"
            if field.required and not isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("aria-required", "true")
            widget.attrs.setdefault("data-field", name)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in getattr(self, "errors", {}):
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}_error"

    def add_violations(self, exc: RuleViolation) -> None:
        """Show each violation on its field (or on the form when the field is not on it)."""
        for violation in exc.violations:
            field = violation.field if violation.field in self.fields else None
            message = f"{violation.message} [{violation.code}]"
            self.add_error(field, message)  # type: ignore[attr-defined]
            if field:
                self.fields[field].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{field}_error"}
                )


class FinsamForm(FinsamFormMixin, forms.Form):
    pass


class FinsamModelForm(FinsamFormMixin, forms.ModelForm):
    pass


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
