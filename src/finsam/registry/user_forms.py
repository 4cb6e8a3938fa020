"""The forms of the pages "Användare och roller": give a role, invite a new user, end a role. The role
choices come from the view (the roles the user may give in the förbund, accounts.rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from finsam.core.forms import FinsamForm
from finsam.core.roles import Role

STARTS_HELP = _("Tomt: i dag.")
ENDS_HELP = _("Den första dagen utan rollen. Tomt: tills vidare.")
ENDS_AFTER_START = _("Slutdatumet måste vara efter startdatumet.")


def _date(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput,
        help_text=help_text,
        error_messages={"invalid": _("Ange ett datum som ÅÅÅÅ-MM-DD."), "required": _("Ange ett datum.")},
    )


class _RoleFields(FinsamForm):
    role = forms.ChoiceField(label=_("Roll"), error_messages={"required": _("Välj en roll.")})
    starts = _date(_("Gäller från"), help_text=STARTS_HELP)
    ends = _date(_("Upphör från och med"), help_text=ENDS_HELP)

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Välj roll")), *((r, Role(r).label) for r in roles)]  # type: ignore[attr-defined]
        self.fields["role"].error_messages["invalid_choice"] = _("Du kan inte ge den rollen här.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts"), data.get("ends")
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("ends", ENDS_AFTER_START)
        return data


class RoleGrantForm(_RoleFields):
    account = forms.CharField(
        label=_("Användarnamn eller e-postadress"),
        max_length=254,
        error_messages={"required": _("Ange användarnamnet eller e-postadressen.")},
    )
    field_order = ["account", "role", "starts", "ends"]


class InviteForm(_RoleFields):
    email = forms.EmailField(
        label=_("E-postadress"),
        max_length=150,
        error_messages={"required": _("Ange en e-postadress."), "invalid": _("Ange en giltig e-postadress.")},
    )
    first_name = forms.CharField(
        label=_("Förnamn"), max_length=150, error_messages={"required": _("Ange förnamnet.")}
    )
    last_name = forms.CharField(
        label=_("Efternamn"), max_length=150, error_messages={"required": _("Ange efternamnet.")}
    )
    field_order = ["email", "first_name", "last_name", "role", "starts", "ends"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class RoleEndForm(FinsamForm):
    ends = _date(_("Upphör från och med"), required=True, help_text=_("Den första dagen utan rollen."))


class UserSearchForm(FinsamForm):
    q = forms.CharField(label=_("Sök namn, användarnamn eller e-post"), required=False, max_length=100)
    avslutade = forms.BooleanField(label=_("Visa även avslutade roller"), required=False)
