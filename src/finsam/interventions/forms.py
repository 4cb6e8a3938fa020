"""Forms of the intervention pages. They parse input into types; the services decide the rules.
Choice lists (members, coordinators) come from the view, which takes them from the selectors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from finsam.core.forms import FinsamForm
from finsam.interventions.models import InterventionKind, InterventionStatus
from finsam.registry.schemas import PartyKind

if TYPE_CHECKING:
    from finsam.registry.models import Member


class ProviderField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.kind in (PartyKind.REGION, PartyKind.MUNICIPALITY):
            return f"{obj.name} ({PartyKind(obj.kind).label})"
        return str(obj.name)


class CoordinatorField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.get_username()})" if full else str(obj.get_username())


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput, help_text=help_text)


class InterventionForm(FinsamForm):
    name = forms.CharField(label=_("Namn"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Typ av insats"),
        choices=InterventionKind.choices,
        help_text=_("Individinriktade insatser har deltagare; strukturövergripande följs upp med antal."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=InterventionStatus.choices)
    start = _date(_("Start"))
    end = _date(_("Slut"), required=False)
    required_when = {"end": _("krävs för en avslutad insats")}
    target_group = forms.CharField(label=_("Målgrupp"), max_length=500, required=False)
    description = forms.CharField(
        label=_("Beskrivning"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    providers = ProviderField(
        label=_("Utförande parter"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    board_decision_reference = forms.CharField(
        label=_("Styrelsebeslut"),
        max_length=100,
        required=False,
        help_text=_("Protokoll och paragraf, till exempel 2025-02-14 § 7."),
    )
    board_decision_date = _date(_("Beslutsdatum"), required=False)
    followup_method = forms.CharField(
        label=_("Uppföljningsmetod"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    esf_cofinanced = forms.BooleanField(
        label=_("Medfinansierad av Europeiska socialfonden (ESF)"), required=False
    )
    coordinators = CoordinatorField(
        label=_("Deltagaransvariga"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bara de deltagaransvariga som anges här ser insatsens deltagare."),
    )

    def __init__(
        self, *args: Any, members: QuerySet[Member], coordinator_candidates: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["providers"].queryset = members  # type: ignore[attr-defined]
        self.fields["coordinators"].queryset = coordinator_candidates  # type: ignore[attr-defined]
        for name in ("providers", "coordinators"):
            self.fields[name].widget.attrs["class"] = "checkbox__input"

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "name": data["name"],
            "status": data["status"],
            "start": data["start"],
            "end": data["end"],
            "target_group": data["target_group"],
            "description": data["description"],
            "providers": list(data["providers"]),
            "board_decision_reference": data["board_decision_reference"],
            "board_decision_date": data["board_decision_date"],
            "followup_method": data["followup_method"],
            "esf_cofinanced": data["esf_cofinanced"],
            "coordinators": list(data["coordinators"]),
        }


class InterventionEditForm(InterventionForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PlannedRowForm(FinsamForm):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2199, required=False)
    count = forms.IntegerField(label=_("Planerade deltagare"), min_value=0, max_value=100_000, required=False)


PlannedFormSet = forms.formset_factory(PlannedRowForm, extra=0, max_num=20, absolute_max=20)


def planned_formset(data: Any, *, initial: list[dict[str, int]], blank_rows: int = 2) -> Any:
    rows = [*initial]
    next_year = (max((r["year"] for r in rows), default=timezone.localdate().year - 1)) + 1
    rows += [{"year": next_year + i} for i in range(blank_rows)]
    return PlannedFormSet(data, initial=rows, prefix="planned")


def planned_values(formset: Any) -> list[tuple[int, int]]:
    """The rows with both year and count; a row with only a year is left out."""
    values = []
    for row in formset.cleaned_data:
        if row.get("year") is not None and row.get("count") is not None:
            values.append((row["year"], row["count"]))
    return values


class StructuralCountForm(FinsamForm):
    period_start = _date(_("Period från"))
    period_end = _date(_("Period till"))
    people_trained = forms.IntegerField(label=_("Antal utbildade personer"), min_value=0, initial=0)
    staff_reached = forms.IntegerField(label=_("Antal nådd personal"), min_value=0, initial=0)
    note = forms.CharField(
        label=_("Anteckning"),
        required=False,
        max_length=300,
        help_text=_("Till exempel vilka verksamheter som nåddes. Inga namn på personer."),
    )


class CoordinatorGrantForm(FinsamForm):
    """The director gives an existing account the coordinator role in the förbund, by its user name."""

    username = forms.CharField(
        label=_("Användarnamn"),
        max_length=150,
        help_text=_("Kontot skapas av den nationella arbetsgruppen; här får det rollen deltagaransvarig."),
        error_messages={"required": _("Ange ett användarnamn.")},
    )


class CoordinatorRevokeForm(FinsamForm):
    assignment = forms.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Välj en deltagaransvarig."),
            "invalid": _("Välj en deltagaransvarig."),
            "min_value": _("Välj en deltagaransvarig."),
            "max_value": _("Välj en deltagaransvarig."),
        },
    )
