from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from finsam.core.forms import FinsamForm

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _moment_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ConferenceForm(FinsamForm):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    place = forms.CharField(label=_("Plats"), max_length=200, help_text=_("Lokal och ort, eller digitalt."))
    starts_at = _moment_field(_("Börjar"))
    ends_at = _moment_field(_("Slutar"))
    capacity = forms.IntegerField(label=_("Antal platser"), min_value=1, max_value=10_000)
    registration_closes = forms.DateField(label=_("Sista anmälningsdag"), widget=forms.DateInput())
    reminder_days = forms.IntegerField(
        label=_("Påminnelse, antal dagar före"),
        min_value=0,
        max_value=60,
        initial=7,
        help_text=_("De som har plats får en påminnelse per e-post så många dagar före konferensen."),
    )
    programme = forms.CharField(
        label=_("Program"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: rubriker med ##, punktlistor med -, tabeller."),
    )
    published = forms.BooleanField(label=_("Publicerad (synlig och öppen för anmälan)"), required=False)
    cancelled = forms.BooleanField(label=_("Inställd"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["cancelled"]
            del self.fields["version"]


class RegistrationForm(FinsamForm):
    association = forms.TypedChoiceField(label=_("Jag kommer från"), coerce=int)

    def __init__(self, *args: Any, associations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["association"]
        field.choices = associations  # type: ignore[attr-defined]
        if len(associations) == 1:
            field.widget = forms.HiddenInput()
            field.initial = associations[0][0]


class CancelForm(FinsamForm):
    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True)
