"""Form plumbing shared by every app: FKUI classes on widgets, RuleViolations shown on fields, and the
version an editor opened required back on every edit (optimistic locking, R-CONFLICT)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from finsam.core.errors import RuleViolation, Violation

VERSION = "version"
VERSION_MISSING = _(
    "Formuläret saknar versionen du utgick från, så ändringen kan skriva över någon annans. Ladda om "
    "sidan och gör om ändringen."
)

_WIDGET_CLASSES = {
    forms.Select: "select-field__select",
    forms.SelectMultiple: "select-field__select",
    forms.Textarea: "textarea-field__textarea",
    forms.CheckboxInput: "checkbox__input",
}


class FinsamFormMixin:
    """Adds the design system's classes and accessible error wiring to every widget.

    A field's label says "(frivilligt)" only when the field may be left empty whatever else is filled in.
    A field the rules require only in some cases is not required to the form (the rule decides, with its
    own message) but is not optional either: `required_when` names the case ({field: "krävs för …"}), and
    the label shows that instead.
    """

    fields: dict[str, forms.Field]
    required_when: ClassVar[dict[str, Any]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, when in self.required_when.items():
            if name in self.fields:
                self.fields[name].required_when = when  # type: ignore[attr-defined]
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
        # An edit form opened on a stored object carries that object's version in a hidden field: the
        # save must send it back, or it could overwrite someone else's save unseen.
        version = self.fields.get(VERSION)
        if (
            version is not None
            and isinstance(version.widget, forms.HiddenInput)
            and getattr(self, "initial", {}).get(VERSION) is not None
        ):
            version.required = True

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        errors = getattr(self, "_errors", None)
        if errors and VERSION in errors and isinstance(self.fields[VERSION].widget, forms.HiddenInput):
            # A hidden field's error would show nowhere: say it on the form.
            del errors[VERSION]
            self.add_error(None, violation_error(Violation("R-INPUT", str(VERSION_MISSING))))  # type: ignore[attr-defined]
        for name in getattr(self, "errors", {}):
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}_error"

    def add_violations(self, exc: RuleViolation) -> None:
        """Show each violation on its field (or on the form when the field is not on it)."""
        for violation in exc.violations:
            field = violation.field if violation.field in self.fields else None
            self.add_error(field, violation_error(violation))  # type: ignore[attr-defined]
            if field:
                self.fields[field].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{field}_error"}
                )


def violation_error(violation: Violation) -> ValidationError:
    """A violation as a form error: its message, with the rule's code as the error's code (not in the
    text: the page shows a small link to the rule instead, `rule_links`)."""
    return ValidationError(violation.message, code=violation.code)


class FinsamForm(FinsamFormMixin, forms.Form):
    pass


class FinsamModelForm(FinsamFormMixin, forms.ModelForm):
    pass
