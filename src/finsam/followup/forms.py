"""Forms of the follow-up pages, made for daily use: today's date and the coordinator's only intervention
filled in, one select per income source, validation as you type (htmx) on the fields where a mistake is
common. They parse input into types; the services decide the rules, and their refusals are put back on
the fields (`add_violations`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from finsam.core.errors import RuleViolation, Violation
from finsam.core.forms import FinsamForm
from finsam.followup.models import (
    EXTENTS,
    AnswerKind,
    AskedAt,
    EducationLevel,
    EmploymentStatus,
    ExitReason,
    FollowUpQuestion,
    IncomeSource,
    Registration,
    Sex,
)
from finsam.followup.schemas import ParticipantSort, ParticipantStatus

if TYPE_CHECKING:
    from finsam.interventions.models import Intervention

BLANK = [("", "---------")]
EXTENT_CHOICES = [("", _("Nej")), *[(str(e), f"{e} %") for e in EXTENTS]]


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput, help_text=help_text)


def _styled(field: forms.Field, name: str) -> forms.Field:
    """A field added after the form was built gets the design system's class like the others."""
    field.widget.attrs.update({"class": "select-field__select", "data-field": name})
    return field


def live(field: forms.Field, *, url: str, form_name: str, name: str) -> None:
    """Validation as you type: the field posts the form to the validation endpoint, which answers with
    the field's message, shown in a live region next to the label."""
    field.widget.attrs.update(
        {
            "hx-post": url,
            "hx-trigger": "input changed delay:500ms, change",
            "hx-target": f"#id_{name}_live",
            "hx-swap": "innerHTML",
            "hx-include": "closest form",
            "hx-vals": f'{{"_form": "{form_name}", "_field": "{name}"}}',
            "aria-describedby": f"id_{name}_live",
        }
    )


class IncomeFieldsMixin:
    """One select per income source (no, 25, 50, 75, 100 %), named `<phase>_<source>`."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_income_fields(self, phase: str) -> None:
        for source, label in IncomeSource.choices:
            self.fields[f"{phase}_{source}"] = _styled(
                forms.ChoiceField(label=label, choices=EXTENT_CHOICES, required=False), f"{phase}_{source}"
            )

    def income_fields(self, phase: str) -> list[Any]:
        return [self[f"{phase}_{source}"] for source in IncomeSource.values]  # type: ignore[index]

    @property
    def income_fields_before(self) -> list[Any]:
        return self.income_fields("income_before")

    @property
    def income_fields_after(self) -> list[Any]:
        return self.income_fields("income_after")

    def income(self, phase: str) -> list[tuple[str, int]]:
        entries = []
        for source in IncomeSource.values:
            value = self.cleaned_data.get(f"{phase}_{source}")
            if value:
                entries.append((source, int(value)))
        return entries


class FollowupForm(IncomeFieldsMixin, FinsamForm):
    """Refusals on a whole group (the income sources, the answers) are shown on the group's first field."""

    group_fields: dict[str, str] = {}

    def add_violations(self, exc: RuleViolation) -> None:
        moved = [
            Violation(v.code, v.message, self.group_fields.get(v.field or "", v.field))
            for v in exc.violations
        ]
        super().add_violations(RuleViolation(violations=moved))


def _income_group(phase: str) -> dict[str, str]:
    return {phase: f"{phase}_{IncomeSource.values[0]}"}


class ParticipantEnrolForm(FollowupForm):
    """Registration with consent (or anonymous) and the start with its before-variables, in one form."""

    required_when = {
        "identity_number": _("krävs vid registrering med personnummer"),
        "consent_given_on": _("krävs vid registrering med personnummer"),
        "consent_form_version": _("krävs vid registrering med personnummer"),
        "sex": _("krävs för anonyma deltagare"),
    }

    intervention: forms.ModelChoiceField[Intervention] = forms.ModelChoiceField(
        label=_("Insats"), queryset=None
    )
    registration = forms.ChoiceField(
        label=_("Registrering"),
        choices=Registration.choices,
        initial=Registration.IDENTIFIED,
        help_text=_(
            "Personnummer sparas bara med skriftligt samtycke för insatsen. Utan samtycke, eller vid skyddad "
            "identitet, registreras deltagaren anonymt med kön och startår."
        ),
    )
    identity_number = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        max_length=20,
        required=False,
        help_text=_("ÅÅÅÅMMDD-NNNN. Kön och födelseår hämtas ur numret."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )
    consent_given_on = _date(_("Samtycke lämnat"), required=False)
    consent_form_version = forms.CharField(
        label=_("Samtyckesblankettens version"), max_length=40, required=False, initial="FK 9443"
    )
    consent_form_file = forms.FileField(
        label=_("Inskannad samtyckesblankett"),
        required=False,
        help_text=_("PDF, PNG eller JPEG, högst 5 MB."),
    )
    sex = forms.ChoiceField(
        label=_("Kön"),
        choices=BLANK + list(Sex.choices),
        required=False,
        help_text=_("Bara för anonyma deltagare."),
    )
    start = _date(_("Startdatum"))
    employment_before = forms.ChoiceField(
        label=_("Sysselsättning före insatsen"), choices=BLANK + list(EmploymentStatus.choices)
    )
    education_level = forms.ChoiceField(
        label=_("Utbildningsnivå"), choices=BLANK + list(EducationLevel.choices)
    )

    group_fields = _income_group("income_before")

    def __init__(
        self, *args: Any, interventions: QuerySet[Intervention], validate_url: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["intervention"].queryset = interventions  # type: ignore[attr-defined]
        if len(interventions) == 1 and "intervention" not in self.initial:
            self.initial["intervention"] = interventions[0].pk
        self.initial.setdefault("consent_given_on", today)
        self.initial.setdefault("start", today)
        self.add_income_fields("income_before")
        for name in ("identity_number", "consent_given_on", "start"):
            live(self.fields[name], url=validate_url, form_name="enrol", name=name)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        identified = data["registration"] == Registration.IDENTIFIED
        return {
            "intervention": data["intervention"],
            "registration": data["registration"],
            "identity_number": data["identity_number"].strip() or None,
            "consent_given_on": data["consent_given_on"] if identified else None,
            "consent_form_version": data["consent_form_version"] if identified else "",
            "consent_form_file": data.get("consent_form_file") or None,
            "sex": data["sex"] or None,
            "start": data["start"],
            "employment_before": data["employment_before"],
            "education_level": data["education_level"],
            "income_before": self.income("income_before"),
        }


class ParticipationStartForm(FollowupForm):
    start = _date(_("Startdatum"))
    employment_before = forms.ChoiceField(
        label=_("Sysselsättning före insatsen"), choices=BLANK + list(EmploymentStatus.choices)
    )
    education_level = forms.ChoiceField(
        label=_("Utbildningsnivå"), choices=BLANK + list(EducationLevel.choices)
    )

    group_fields = _income_group("income_before")

    def __init__(self, *args: Any, validate_url: str, participant_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("start", timezone.localdate())
        self.add_income_fields("income_before")
        live(self.fields["start"], url=validate_url, form_name="start", name="start")
        self.fields["start"].widget.attrs["hx-vals"] = (
            f'{{"_form": "start", "_field": "start", "_participant": "{participant_id}"}}'
        )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "start": data["start"],
            "employment_before": data["employment_before"],
            "education_level": data["education_level"],
            "income_before": self.income("income_before"),
        }


class QuestionFieldsMixin:
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_question_fields(self, questions: list[FollowUpQuestion]) -> None:
        self.questions = questions
        for question in questions:
            choices: list[tuple[str, Any]] = [("", _("Inget svar"))]
            if question.answer_kind == AnswerKind.YES_NO:
                choices += [("1", _("Ja")), ("0", _("Nej"))]
            else:
                choices += [(str(i), str(i)) for i in range(1, 6)]
            name = f"question_{question.pk}"
            self.fields[name] = _styled(
                forms.ChoiceField(label=question.text, choices=choices, required=False), name
            )

    def question_fields(self) -> list[Any]:
        return [self[f"question_{q.pk}"] for q in self.questions]  # type: ignore[index]

    def answers(self) -> dict[int, int]:
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"question_{question.pk}")
            if value not in (None, ""):
                result[question.pk] = int(value)
        return result


class ParticipationExitForm(QuestionFieldsMixin, FollowupForm):
    required_when = {"employment_after": _("krävs utom vid felregistrering")}

    exit = _date(_("Avslutsdatum"))
    exit_reason = forms.ChoiceField(
        label=_("Avslutsorsak"),
        choices=BLANK + list(ExitReason.choices),
        help_text=_("Felregistrerad tar posten ur statistiken och kräver inga uppgifter om tiden efter."),
    )
    employment_after = forms.ChoiceField(
        label=_("Sysselsättning efter insatsen"),
        choices=BLANK + list(EmploymentStatus.choices),
        required=False,
    )

    group_fields = {**_income_group("income_after")}

    def __init__(
        self,
        *args: Any,
        validate_url: str,
        participation_id: int,
        questions: list[FollowUpQuestion],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("exit", timezone.localdate())
        self.add_income_fields("income_after")
        self.add_question_fields(questions)
        if questions:
            self.group_fields = {**self.group_fields, "answers": f"question_{questions[0].pk}"}
        live(self.fields["exit"], url=validate_url, form_name="exit", name="exit")
        self.fields["exit"].widget.attrs["hx-vals"] = (
            f'{{"_form": "exit", "_field": "exit", "_participation": "{participation_id}"}}'
        )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "exit": data["exit"],
            "exit_reason": data["exit_reason"],
            "employment_after": data["employment_after"],
            "income_after": self.income("income_after"),
            "answers": self.answers(),
        }


class LaterFollowupForm(QuestionFieldsMixin, FollowupForm):
    answered_on = _date(_("Uppföljningsdatum"))

    def __init__(self, *args: Any, questions: list[FollowUpQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("answered_on", timezone.localdate())
        self.add_question_fields(questions)
        if questions:
            self.group_fields = {"answers": f"question_{questions[0].pk}"}


class ConsentWithdrawForm(FinsamForm):
    withdrawn_on = _date(_("Samtycket återkallades"))
    confirm = forms.BooleanField(
        label=_(
            "Jag förstår att personnumret och den inskannade blanketten tas bort och inte kan återställas."
        )
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("withdrawn_on", timezone.localdate())


def _reason_field() -> forms.CharField:
    # Required with the service's own words (the service refuses a correction without a reason too, for
    # the API).
    return forms.CharField(
        label=_("Skäl till rättelsen"),
        max_length=500,
        error_messages={"required": _("Skriv varför uppgifterna rättas.")},
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Skrivs i granskningsloggen. Skriv inga personuppgifter."),
    )


class ParticipantCorrectForm(FinsamForm):
    """A participant's registration corrected: the number of an identified one, the sex of an anonymous
    one, with the reason."""

    identity_number = forms.CharField(
        label=_("Rätt personnummer eller samordningsnummer"),
        max_length=20,
        required=False,
        help_text=_("ÅÅÅÅMMDD-NNNN. Kön och födelseår hämtas ur numret."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )
    sex = forms.ChoiceField(label=_("Kön"), choices=BLANK + list(Sex.choices), required=False)
    reason = _reason_field()

    def __init__(self, *args: Any, identified: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["sex" if identified else "identity_number"]
        # The one detail left is what the correction is about: it cannot be left empty.
        self.fields["identity_number" if identified else "sex"].required = True

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "identity_number": (data.get("identity_number") or "").strip() or None,
            "sex": data.get("sex") or None,
            "reason": data.get("reason") or "",
        }


class ParticipationCorrectForm(FollowupForm):
    """A participation's details corrected: the start and the before-variables, and for an ended one the
    exit, its reason and the after-variables, with the reason for the correction."""

    required_when = {"employment_after": _("krävs utom vid felregistrering")}

    start = _date(_("Startdatum"))
    employment_before = forms.ChoiceField(
        label=_("Sysselsättning före insatsen"), choices=BLANK + list(EmploymentStatus.choices)
    )
    education_level = forms.ChoiceField(
        label=_("Utbildningsnivå"), choices=BLANK + list(EducationLevel.choices)
    )
    exit = _date(_("Avslutsdatum"), required=False)
    exit_reason = forms.ChoiceField(
        label=_("Avslutsorsak"),
        choices=BLANK + list(ExitReason.choices),
        required=False,
        help_text=_("Felregistrerad tar posten ur statistiken och kräver inga uppgifter om tiden efter."),
    )
    employment_after = forms.ChoiceField(
        label=_("Sysselsättning efter insatsen"),
        choices=BLANK + list(EmploymentStatus.choices),
        required=False,
    )
    reason = _reason_field()

    group_fields = {**_income_group("income_before"), **_income_group("income_after")}

    def __init__(self, *args: Any, exited: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exited = exited
        self.add_income_fields("income_before")
        if exited:
            self.add_income_fields("income_after")
            self.fields["exit"].required = True
            self.fields["exit_reason"].required = True
        else:
            for name in ("exit", "exit_reason", "employment_after"):
                del self.fields[name]

    @staticmethod
    def initial_of(participation: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "start": participation.start,
            "employment_before": participation.employment_before,
            "education_level": participation.education_level,
            "exit": participation.exit,
            "exit_reason": participation.exit_reason,
            "employment_after": participation.employment_after,
        }
        for entry in participation.income_sources.all():
            initial[f"income_{entry.phase}_{entry.source}"] = str(entry.extent)
        return initial

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        arguments: dict[str, Any] = {
            "start": data["start"],
            "employment_before": data["employment_before"],
            "education_level": data["education_level"],
            "income_before": self.income("income_before"),
            "reason": data.get("reason") or "",
        }
        if self.exited:
            arguments |= {
                "exit": data.get("exit"),
                "exit_reason": data.get("exit_reason") or "",
                "employment_after": data.get("employment_after") or "",
                "income_after": self.income("income_after"),
            }
        return arguments


class QuestionForm(FinsamForm):
    text = forms.CharField(label=_("Fråga"), max_length=300)
    answer_kind = forms.ChoiceField(label=_("Svarstyp"), choices=AnswerKind.choices)
    asked_at = forms.ChoiceField(label=_("Ställs"), choices=AskedAt.choices, initial=AskedAt.EXIT)
    position = forms.IntegerField(
        label=_("Ordning"), min_value=0, max_value=999, initial=0, help_text=_("Lägre tal visas först.")
    )


class QuestionEditForm(QuestionForm):
    active = forms.BooleanField(label=_("Används"), required=False)


def validate_url(association_id: int) -> str:
    return reverse("followup:validate", args=[association_id])


class ParticipantListFilterForm(FinsamForm):
    """The participant list's filters and order, in the query string (GET): no personal data in them.
    An invalid value is shown on its field with a Swedish message and the list is shown unfiltered by it."""

    insats = forms.TypedChoiceField(label=_("Insats"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    startar = forms.IntegerField(
        label=_("Startår"),
        required=False,
        min_value=2000,
        max_value=2199,
        error_messages={
            "invalid": _("Ange startåret med fyra siffror, till exempel 2024."),
            "min_value": _("Ange ett startår från 2000 och framåt."),
            "max_value": _("Ange ett startår före 2200."),
        },
    )
    sortering = forms.ChoiceField(label=_("Sortering"), required=False, choices=ParticipantSort.choices)

    def __init__(self, *args: Any, interventions: QuerySet[Intervention], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["insats"].choices = [  # type: ignore[attr-defined]
            ("", _("Alla mina insatser")),
            *[(i.pk, i.name) for i in interventions],
        ]
        self.fields["insats"].error_messages["invalid_choice"] = _("Välj en av dina insatser i listan.")
        self.fields["status"].choices = [("", _("Alla")), *ParticipantStatus.choices]  # type: ignore[attr-defined]
        self.fields["status"].error_messages["invalid_choice"] = _("Välj en status i listan.")
        self.fields["sortering"].error_messages["invalid_choice"] = _("Välj en sortering i listan.")

    def filters(self) -> dict[str, Any]:
        """The selector's arguments of the valid fields; an invalid field filters nothing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "intervention_id": data.get("insats"),
            "status": data.get("status") or None,
            "start_year": data.get("startar"),
            "sort": data.get("sortering") or ParticipantSort.NUMBER_DESC,
        }


class ParticipantSearchForm(FinsamForm):
    """Finding one participant: a personnummer or samordningsnummer (exact, through the keyed hash) or a
    participant number. Sent with POST so that the number never lands in an address or an access log."""

    sok = forms.CharField(
        label=_("Sök personnummer eller deltagarnummer"),
        max_length=20,
        help_text=_("Personnummer med tio eller tolv siffror (varje sökning loggas), eller deltagarnumret."),
        error_messages={"required": _("Skriv ett personnummer eller ett deltagarnummer.")},
    )

    def participant_number(self) -> int | None:
        """The participant number when the text is one (at most nine digits), else None."""
        text = "".join(self.cleaned_data["sok"].split())
        if text.isdigit() and len(text) <= 9:
            number = int(text)
            return number if number > 0 else None
        return None
