from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from finsam.core.forms import FinsamForm
from finsam.national.council.models import CouncilOrganisation
from finsam.national.council.schemas import Body, CouncilRole, RecommendationKind, RecommendationStatus


class RecommendationForm(FinsamForm):
    kind = forms.ChoiceField(label=_("Slag"), choices=RecommendationKind.choices)
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    date = forms.DateField(label=_("Datum"), widget=forms.DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=RecommendationStatus.choices)
    rule_codes = forms.CharField(
        label=_("Regler"),
        required=False,
        max_length=500,
        help_text=_("Reglernas koder, åtskilda med komma, till exempel R-SAMRAD, R-BUDGET."),
    )
    text = forms.CharField(
        label=_("Text"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Markdown: rubriker med ##, punktlistor med -."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_rule_codes(self) -> list[str]:
        value: str = self.cleaned_data.get("rule_codes") or ""
        return [code.strip() for code in value.replace(";", ",").split(",") if code.strip()]


class RepresentativeForm(FinsamForm):
    name = forms.CharField(label=_("Namn"), max_length=200)
    organisation: forms.ModelChoiceField[CouncilOrganisation] = forms.ModelChoiceField(
        label=_("Organisation"), queryset=CouncilOrganisation.objects.none()
    )
    body = forms.ChoiceField(label=_("Organ"), choices=Body.choices)
    role = forms.ChoiceField(label=_("Roll"), choices=CouncilRole.choices)
    start = forms.DateField(label=_("Från"), widget=forms.DateInput())
    end = forms.DateField(
        label=_("Till"), widget=forms.DateInput(), required=False, help_text=_("Tomt medan uppdraget pågår.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
