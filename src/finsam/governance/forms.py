"""The governance forms. They parse and shape input; the rules live in services and rules.

Choice lists (people, members, förbund, documents) are built once per page and given to the forms as
plain (id, label) pairs, so that a formset of twenty rows does not run twenty queries.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from finsam.core.errors import RuleViolation, Violation
from finsam.core.forms import FinsamForm, violation_error
from finsam.governance.models import Capacity, ConsultationKind, DocumentKind, MeetingKind

Choices = list[tuple[Any, str]]
ATTENDANCE = [("", "–"), ("yes", _("Närvarande")), ("no", _("Frånvarande"))]


class MeetingFilterForm(FinsamForm):
    forbund = forms.TypedChoiceField(label=_("Förbund"), required=False, coerce=int, empty_value=None)
    typ = forms.ChoiceField(
        label=_("Mötestyp"), required=False, choices=[("", _("Alla")), *MeetingKind.choices]
    )
    ar = forms.IntegerField(label=_("År"), required=False, min_value=2000, max_value=2199)

    def __init__(self, *args: Any, associations: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["forbund"].choices = [("", _("Alla")), *associations]  # type: ignore[attr-defined]


class YearForm(FinsamForm):
    ar = forms.IntegerField(label=_("År"), min_value=2000, max_value=2199)


class MeetingForm(FinsamForm):
    required_when = {
        "consultation_kind": _("krävs för medlemssamråd"),
        "associations": _("krävs för styrelsemöten och medlemssamråd"),
        "convener": _("krävs för medlemssamråd"),
    }

    kind = forms.ChoiceField(label=_("Mötestyp"), choices=MeetingKind.choices)
    consultation_kind = forms.ChoiceField(
        label=_("Typ av medlemssamråd"),
        required=False,
        choices=[("", "–"), *ConsultationKind.choices],
        help_text=_("Bara för medlemssamråd."),
    )
    title = forms.CharField(
        label=_("Rubrik"), max_length=200, required=False, help_text=_("Lämnas tom: mötestyp och datum.")
    )
    date = forms.DateField(label=_("Datum"))
    start_time = forms.TimeField(
        label=_("Klockan"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("Plats"), max_length=200, required=False)
    online_link = forms.URLField(
        label=_("Länk till digitalt möte"), max_length=500, required=False, assume_scheme="https"
    )
    associations = forms.TypedMultipleChoiceField(
        label=_("Förbund"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ett medlemssamråd kan omfatta flera förbund; ett styrelsemöte hör till ett."),
    )
    convener = forms.TypedChoiceField(
        label=_("Sammankallande"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Vid medlemssamråd en person som en förbundsmedlem har utsett."),
    )
    invite = forms.BooleanField(
        label=_("Bjud in medlemsrepresentanterna, ordföranden och förbundschefen i de valda förbunden"),
        required=False,
    )
    agenda = forms.CharField(
        label=_("Dagordning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("En punkt per rad. Ett medlemssamråd utgår från rekommendationens fem punkter."),
    )
    documents = forms.TypedMultipleChoiceField(
        label=_("Underlag"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        associations: Choices,
        people: Choices,
        documents: Choices,
        with_invite: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["associations"].choices = associations  # type: ignore[attr-defined]
        self.fields["convener"].choices = [("", "–"), *people]  # type: ignore[attr-defined]
        self.fields["documents"].choices = documents  # type: ignore[attr-defined]
        for name in ("associations", "documents"):
            self.fields[name].widget.attrs["class"] = "checkbox__input"
        if not with_invite:
            del self.fields["invite"]

    def agenda_titles(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("agenda") or "").splitlines() if line.strip()]


class RowForm(FinsamForm):
    """A formset row: the error's id carries the row's prefix (id_participants-2-person_error)."""

    def full_clean(self) -> None:
        super().full_clean()
        self._describe_errors()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self._describe_errors()

    def _describe_errors(self) -> None:
        for name in getattr(self, "_errors", None) or {}:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{self.add_prefix(name)}_error"}
                )


class ParticipantForm(RowForm):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int, empty_value=None, required=False)
    capacity = forms.ChoiceField(label=_("I egenskap av"), choices=Capacity.choices, required=False)
    member = forms.TypedChoiceField(
        label=_("Företräder medlemmen"), coerce=int, empty_value=None, required=False
    )
    association = forms.TypedChoiceField(
        label=_("Från förbundet"), coerce=int, empty_value=None, required=False
    )
    attended = forms.ChoiceField(label=_("Närvaro"), choices=ATTENDANCE, required=False)
    adjuster = forms.BooleanField(label=_("Justerare"), required=False)
    remove = forms.BooleanField(label=_("Ta bort"), required=False)

    def __init__(
        self, *args: Any, people: Choices, members: Choices, associations: Choices, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "–"), *people]  # type: ignore[attr-defined]
        self.fields["member"].choices = [("", "–"), *members]  # type: ignore[attr-defined]
        self.fields["association"].choices = [("", "–"), *associations]  # type: ignore[attr-defined]

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("person")


ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=0, max_num=300, absolute_max=300)


def participant_formset(
    data: Any, *, initial: list[dict[str, Any]], choices: dict[str, Choices], blank_rows: int = 3
) -> Any:
    rows = [*initial, *({"capacity": Capacity.OTHER} for _ in range(blank_rows))]
    return ParticipantFormSet(data, initial=rows, prefix="participants", form_kwargs=choices)


_ROW_FIELD = re.compile(r"^(participants|decisions)\[(\d+)\]\.(\w+)$")


def add_row_violations(form: Any, formset: Any, rows: list[int], exc: RuleViolation, *, default: str) -> None:
    """Each violation on its field: the form's on the form, a row's (participants[2].person) on its row."""
    rest: list[Violation] = []
    for violation in exc.violations:
        match = _ROW_FIELD.match(violation.field or "")
        if match and int(match.group(2)) < len(rows):
            row = formset.forms[rows[int(match.group(2))]]
            name = match.group(3) if match.group(3) in row.fields else default
            row.add_error(name, violation_error(violation))
        else:
            rest.append(violation)
    if rest:
        form.add_violations(RuleViolation(violations=rest))


class MinutesForm(FinsamForm):
    """A note per agenda point; the decisions come in a formset of their own."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"notes_{item.position}"] = forms.CharField(
                label=f"§ {item.position} {item.title}",
                required=False,
                widget=forms.Textarea(
                    attrs={"rows": 3, "class": "textarea-field__textarea", "data-field": "notes"}
                ),
                initial=item.notes,
            )

    def notes(self) -> dict[int, str]:
        return {
            int(name.removeprefix("notes_")): value or ""
            for name, value in self.cleaned_data.items()
            if name.startswith("notes_")
        }


class DecisionForm(RowForm):
    text = forms.CharField(label=_("Beslut"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agenda_position = forms.TypedChoiceField(
        label=_("Under punkt"), coerce=int, empty_value=None, required=False
    )
    r_info = forms.BooleanField(
        label=_("Information till medlemmarna (18 §)"),
        required=False,
        help_text=_("Allmän planläggning eller frågor av större ekonomisk eller organisatorisk betydelse."),
    )

    def __init__(self, *args: Any, items: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agenda_position"].choices = [("", "–"), *items]  # type: ignore[attr-defined]

    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("text") or "").strip()


MAX_DECISION_ROWS = 200  # as services.MAX_DECISIONS
DecisionFormSet = forms.formset_factory(
    DecisionForm, extra=0, max_num=MAX_DECISION_ROWS, absolute_max=MAX_DECISION_ROWS
)


def decision_formset(data: Any, *, initial: list[dict[str, Any]], items: Choices, blank_rows: int = 3) -> Any:
    rows = [*initial, *({} for _ in range(blank_rows))]
    return DecisionFormSet(data, initial=rows, prefix="decisions", form_kwargs={"items": items})


class ConfirmForm(FinsamForm):
    participant = forms.TypedChoiceField(label=_("Justerare"), coerce=int)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, adjusters: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = adjusters  # type: ignore[attr-defined]


class LockForm(FinsamForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DocumentForm(FinsamForm):
    kind = forms.ChoiceField(label=_("Slag"), choices=DocumentKind.choices)
    year = forms.IntegerField(label=_("Räkenskapsår"), min_value=2000, max_value=2199)
    member = forms.TypedChoiceField(
        label=_("Medlemmens revisor"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("För en revisionsberättelse från en medlems revisor; tom för en gemensam."),
    )
    title = forms.CharField(label=_("Titel"), max_length=200, required=False)
    file = forms.FileField(label=_("Fil"), help_text=_("PDF (eller docx, xlsx, odt), högst 20 MB."))
    delivered_on = forms.DateField(label=_("Lämnad till medlemmarna"), required=False)

    def __init__(self, *args: Any, members: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "–"), *members]  # type: ignore[attr-defined]
        self.fields["file"].widget.attrs["accept"] = ".pdf,.docx,.xlsx,.odt"


class DocumentEditForm(FinsamForm):
    title = forms.CharField(label=_("Titel"), max_length=200)
    delivered_on = forms.DateField(label=_("Lämnad till medlemmarna"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class DischargeForm(FinsamForm):
    member = forms.TypedChoiceField(label=_("Medlem"), coerce=int)
    year = forms.IntegerField(label=_("Räkenskapsår"), min_value=2000, max_value=2199)
    decided_on = forms.DateField(label=_("Beslutsdatum"))
    granted = forms.TypedChoiceField(
        label=_("Beslut"),
        choices=[("yes", _("Ansvarsfrihet beviljad")), ("no", _("Ansvarsfrihet ej beviljad"))],
        coerce=lambda value: value == "yes",
    )
    note = forms.CharField(label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, members: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "–"), *members]  # type: ignore[attr-defined]


class NationalReportForm(FinsamForm):
    year = forms.IntegerField(label=_("Rapportår"), min_value=2000, max_value=2199)
    submitted_on = forms.DateField(label=_("Inlämnad"))
    reference = forms.CharField(label=_("Diarienummer eller referens"), max_length=100, required=False)


class CalendarRenewForm(FinsamForm):
    confirm = forms.BooleanField(
        label=_("Jag förstår att adressen är personlig och att en tidigare adress slutar fungera"),
        error_messages={"required": _("Kryssa i rutan för att skapa en ny adress.")},
    )
