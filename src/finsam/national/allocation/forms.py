from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from finsam.core.forms import FinsamForm


def _text(label: Any, help_text: Any = "", **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kwargs,
    )


def _plain(value: str) -> str:
    """ "339 000 000 kr" → "339000000"; "0,75" → "0.75"."""
    text = value.strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    text = text.removesuffix("kr")
    return text.replace(",", ".") if "." not in text else text


class AllocationSettingsForm(FinsamForm):
    appropriation = _text(_("Statens anslag, kr"), _("Till exempel 339 000 000."))
    base_amount = _text(_("Grundbelopp per förbund, kr"), _("Sedan 2016: 400 000."))
    need_weight = _text(_("Vikt för försörjningsmåttet"), _("Som andel: 0,75."))
    population_weight = _text(_("Vikt för befolkningen 16–64 år"), _("Som andel: 0,25."))
    max_reduction = _text(_("Största minskning från föregående år"), _("Som andel: 0,10 betyder 10 %."))
    equity_level_percent = _text(
        _("Rekommenderad nivå för eget kapital, %"),
        _(
            "Utgående eget kapital som andel av årets bidrag, för det senaste bokslutet. Ett förbund över "
            "nivån omfattas inte av spärren."
        ),
    )
    population_year = forms.IntegerField(
        label=_("Befolkning 16–64 år per 31 december år"), min_value=1990, max_value=2199
    )
    support_measure_year = forms.IntegerField(
        label=_("Försörjningsmått för år"), min_value=1990, max_value=2199
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in (
            "appropriation",
            "base_amount",
            "need_weight",
            "population_weight",
            "max_reduction",
            "equity_level_percent",
        ):
            if isinstance(data.get(name), str):
                data[name] = _plain(data[name])
        return data


class DecisionForm(FinsamForm):
    decided_on = forms.DateField(label=_("Beslutsdatum"))
    reference = forms.CharField(
        label=_("Beslut (paragraf eller diarienummer)"), max_length=200, required=False
    )
    reason = forms.CharField(
        label=_("Skäl till nytt beslut"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bara när året redan har ett beslut: det nya beslutet ersätter det tidigare."),
    )
