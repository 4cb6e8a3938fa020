"""Forms of the finance pages. They only parse input into types; the services and rules decide.

Amounts are typed the Swedish way ("1 234 567,50", "12 000 kr") and passed on as decimal strings, so that
the rules refuse a bad amount with the same message on a page as in the API. Choice lists come from the
view, which takes them from the selectors.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from finsam.core.errors import RuleViolation, Violation
from finsam.core.forms import FinsamForm, violation_error
from finsam.finance import rules
from finsam.finance.models import CostType, LineKind
from finsam.finance.services import LineInput

YEAR_MIN, YEAR_MAX = 2004, 2199


def normalise_amount(value: str) -> str:
    """ "1 234 567,50 kr" → "1234567.50"; "−5" → "-5". Anything else is passed on for the rules to refuse."""
    text = value.strip().replace("\u00a0", " ").replace("\u2212", "-")
    text = re.sub(r"\s*(kr|kronor|sek)\.?$", "", text, flags=re.IGNORECASE)
    text = text.replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return text


def amount_text(value: Decimal) -> str:
    """An amount as a person types it: 1 234 567 (whole kronor) or 1 234 567,50."""
    whole, _, ore = f"{value.quantize(Decimal('0.01')):f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('-')):,}".replace(",", " ")
    return f"{sign}{grouped}" + ("" if ore in ("", "00") else f",{ore}")


def normalise_count(value: str) -> str:
    return value.strip().replace("\u00a0", "").replace(" ", "")


class AmountField(forms.CharField):
    """An amount in kronor as text; the rules check it (R-INPUT) so the message is the same everywhere."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return normalise_amount(super().to_python(value) or "")


def _year(label: Any, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={
            "invalid": _("Ange ett årtal, till exempel 2027."),
            "min_value": _("Ange ett år från 2004."),
            "max_value": _("Ange ett år senast 2199."),
        },
        **kwargs,
    )


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput, **kwargs)


# --- budgets ------------------------------------------------------------------------------------


class BudgetCreateForm(FinsamForm):
    year = _year(_("Budgetår"))
    frame = AmountField(
        label=_("Budgetram (medlemmarnas bidrag), kr"),
        help_text=_(
            "Hela beloppet som medlemmarna tillsammans bidrar med under året, till exempel 12 000 000."
        ),
    )
    population_year = _year(
        _("Folkmängd per 31 december år"),
        required=False,
        help_text=_(
            "Lämna tomt för två år före budgetåret: den senaste siffran från SCB när budgeten görs på hösten."
        ),
    )
    opening_equity = AmountField(
        label=_("Ingående eget kapital, kr"),
        required=False,
        help_text=_(
            "Behövs bara för förbundets första budget här; annars förs föregående års utgående eget "
            "kapital över."
        ),
    )


class BudgetEditForm(FinsamForm):
    frame = AmountField(label=_("Budgetram (medlemmarnas bidrag), kr"))
    population_year = _year(_("Folkmängd per 31 december år"))
    opening_equity = AmountField(label=_("Ingående eget kapital, kr"), required=False)
    # The version the editor opened; the service refuses the save if someone else has saved since.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, equity_carried: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if equity_carried:
            field = self.fields["opening_equity"]
            field.disabled = True
            field.help_text = _("Föregående års utgående eget kapital (från bokslutet).")


class BudgetLineForm(FinsamForm):
    line_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Typ"), choices=LineKind.choices, required=False)
    intervention = forms.TypedChoiceField(label=_("Insats"), required=False, coerce=int, empty_value=None)
    cost_type = forms.ChoiceField(
        label=_("Kostnadsslag"), choices=[("", "–"), *CostType.choices], required=False
    )
    label = forms.CharField(label=_("Benämning"), max_length=200, required=False)
    amount = AmountField(label=_("Budget, kr"), required=False)
    delete = forms.BooleanField(label=_("Ta bort"), required=False)

    def __init__(self, *args: Any, interventions: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["intervention"].choices = [("", "–"), *(interventions or [])]  # type: ignore[attr-defined]

    def full_clean(self) -> None:
        super().full_clean()
        self._describe_errors()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self._describe_errors()

    def _describe_errors(self) -> None:
        """In a formset row the error's id carries the row's prefix (id_lines-2-amount_error)."""
        for name in getattr(self, "_errors", None) or {}:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{self.add_prefix(name)}_error"}
                )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("line_id") and not any(
            data.get(name) for name in ("intervention", "cost_type", "label", "amount")
        )


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, extra=0, max_num=200, absolute_max=200)


def line_formset(
    data: Any, *, initial: list[dict[str, Any]], interventions: list[tuple[int, str]], blank_rows: int = 3
) -> Any:
    rows = [*initial, *({"kind": LineKind.INTERVENTION} for _ in range(blank_rows))]
    return BudgetLineFormSet(data, initial=rows, prefix="lines", form_kwargs={"interventions": interventions})


def line_inputs(formset: Any) -> tuple[list[LineInput], list[int]]:
    """The service's input from the filled rows, and the row index of each (to put errors back)."""
    inputs: list[LineInput] = []
    rows: list[int] = []
    for index, form in enumerate(formset.forms):
        if form.is_blank():
            continue
        data = form.cleaned_data
        inputs.append(
            LineInput(
                id=data.get("line_id"),
                kind=data.get("kind") or LineKind.INTERVENTION,
                intervention_id=data.get("intervention"),
                cost_type=data.get("cost_type") or "",
                label=data.get("label") or "",
                amount=data.get("amount") or "",
                delete=bool(data.get("delete")),
            )
        )
        rows.append(index)
    return inputs, rows


_LINE_FIELD = re.compile(r"^lines\[(\d+)\]\.(\w+)$")


def add_line_violations(form: Any, formset: Any, rows: list[int], exc: RuleViolation) -> None:
    """Each violation on its field: budget fields on the form, line fields on their row of the formset."""
    rest: list[Violation] = []
    for violation in exc.violations:
        match = _LINE_FIELD.match(violation.field or "")
        if match and int(match.group(1)) < len(rows):
            row = formset.forms[rows[int(match.group(1))]]
            name = match.group(2)
            name = name if name in row.fields else "amount"
            row.add_error(name, violation_error(violation))
        else:
            rest.append(violation)
    if rest:
        form.add_violations(RuleViolation(violations=rest))


class ConsultationForm(FinsamForm):
    member = forms.TypedChoiceField(label=_("Medlem"), coerce=int)
    held_on = _date(_("Datum för samrådet"))
    representative = forms.TypedChoiceField(
        label=_("Medlemsrepresentant"),
        coerce=int,
        help_text=_("Den som företrädde medlemmen vid samrådet."),
    )
    comments = forms.CharField(
        label=_("Medlemmens synpunkter"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self,
        *args: Any,
        members: list[tuple[int, str]],
        representatives: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "---------"), *members]  # type: ignore[attr-defined]
        self.fields["representative"].choices = [("", "---------"), *representatives]  # type: ignore[attr-defined]


class AdoptForm(FinsamForm):
    adopted_on = _date(_("Styrelsens beslut, datum"))
    reference = forms.CharField(
        label=_("Paragraf i protokollet"), max_length=100, required=False, help_text=_("Till exempel § 34.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class OutcomeForm(FinsamForm):
    """Actual cost per line and contribution received per member; a field per row of the budget."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, lines: list[Any], contributions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for line in lines:
            self.fields[f"actual-{line.pk}"] = AmountField(label=line.title, required=False)
            self.fields[f"actual-{line.pk}"].widget.attrs.update(
                {"class": "text-field__input", "data-field": f"actual-{line.pk}"}
            )
        for contribution in contributions:
            name = f"received-{contribution.pk}"
            self.fields[name] = AmountField(label=contribution.member.name, required=False)
            self.fields[name].widget.attrs.update({"class": "text-field__input", "data-field": name})
        self.line_fields = [(line, self[f"actual-{line.pk}"]) for line in lines]
        self.contribution_fields = [(c, self[f"received-{c.pk}"]) for c in contributions]

    def actuals(self) -> dict[int, str]:
        return {
            int(name.split("-", 1)[1]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("actual-")
        }

    def received(self) -> dict[int, str]:
        return {
            int(name.split("-", 1)[1]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("received-")
        }


class CloseForm(FinsamForm):
    closed_on = _date(_("Bokslutsdatum"))
    confirm = forms.BooleanField(
        label=_("Jag bekräftar att utfallet är komplett och att årets resultat ska föras till eget kapital.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PopulationForm(FinsamForm):
    """A population field per municipality the user may edit; `year` says which year the form was for."""

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=YEAR_MIN, max_value=YEAR_MAX)

    def __init__(self, *args: Any, rows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in rows:
            name = f"population-{row.municipality.code}"
            self.fields[name] = forms.CharField(
                label=f"{row.municipality.name} ({row.municipality.code})", required=False, max_length=20
            )
            self.fields[name].widget.attrs.update(
                {
                    "class": "text-field__input",
                    "inputmode": "numeric",
                    "autocomplete": "off",
                    "data-field": name,
                }
            )
        self.rows = [(row, self[f"population-{row.municipality.code}"]) for row in rows]

    def figures(self) -> dict[str, str]:
        return {
            name.split("-", 1)[1]: normalise_count(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("population-")
        }


# --- calculators ----------------------------------------------------------------------------------

KEY_CHOICES = [
    (rules.POPULATION, _("Efter folkmängd")),
    (rules.EQUAL, _("Lika delar")),
    (rules.FIXED, _("Fasta procentsatser")),
]


def _split_line(line: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\t]", line)]


class ContributionCalculatorForm(FinsamForm):
    total = AmountField(label=_("Totalbelopp, kr"), help_text=_("Förbundets samlade medel för året."))
    municipal_key = forms.ChoiceField(label=_("Fördelning mellan kommunerna"), choices=KEY_CHOICES)
    municipalities = forms.CharField(
        label=_("Kommuner"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_(
            "En kommun per rad: kommunkod; folkmängd; andel i procent (fasta procentsatser). "
            "Till exempel: 2480; 130 000"
        ),
    )
    region_key = forms.ChoiceField(label=_("Fördelning mellan regionerna"), choices=KEY_CHOICES)
    regions = forms.CharField(
        label=_("Regioner"),
        max_length=5000,
        initial="24",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("En region per rad: länskod; folkmängd; andel i procent. Oftast bara en: 24"),
    )

    def _parties(self, name: str) -> list[rules.PartyInput]:
        parties = []
        lines = [line for line in self.cleaned_data.get(name, "").splitlines() if line.strip()]
        if len(lines) > 400:
            raise ValidationError(_("Högst 400 rader."))
        for number, line in enumerate(lines, start=1):
            parts = [*_split_line(line), "", ""]
            code, population, share = parts[0], normalise_count(parts[1]), normalise_amount(parts[2])
            if not code:
                raise ValidationError(_("Rad %(n)s saknar kod.") % {"n": number})
            parties.append(
                rules.PartyInput(code=code, population=population or None, share=share or None)  # type: ignore[arg-type]
            )
        return parties

    def clean_municipalities(self) -> list[rules.PartyInput]:
        return self._parties("municipalities")

    def clean_regions(self) -> list[rules.PartyInput]:
        return self._parties("regions")


class Cap2004Form(FinsamForm):
    sickness_benefit_costs = AmountField(
        label=_("Sjukpenningkostnader i området, kr"),
        help_text=_("Hallstahammar 2001: 109 569 000 kr."),
    )


class StateAllocationForm(FinsamForm):
    appropriation = AmountField(label=_("Statens anslag, kr"), help_text=_("Till exempel 339 000 000."))
    base_amount = AmountField(label=_("Grundbelopp per förbund, kr"), initial="400000")
    need_weight = forms.CharField(
        label=_("Vikt för försörjningsmåttet"), initial="0,75", max_length=20, help_text=_("Som andel: 0,75.")
    )
    population_weight = forms.CharField(
        label=_("Vikt för befolkningen 16–64 år"),
        initial="0,25",
        max_length=20,
        help_text=_("Som andel: 0,25."),
    )
    max_reduction = forms.CharField(
        label=_("Största minskning från föregående år"),
        initial="0,10",
        max_length=20,
        help_text=_("Som andel: 0,10 betyder 10 %."),
    )
    associations = forms.CharField(
        label=_("Förbund"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Ett förbund per rad, fem fält: kod; namn; försörjningsmått; befolkning 16–64 år; fjolårets "
            "tilldelning (tomt för ett nytt förbund: A; Ask; 3000; 40000;). Till exempel: "
            "A; Samordningsförbundet Ask; 3000; 40000; 3800000"
        ),
    )

    def clean_need_weight(self) -> str:
        return normalise_amount(self.cleaned_data["need_weight"])

    def clean_population_weight(self) -> str:
        return normalise_amount(self.cleaned_data["population_weight"])

    def clean_max_reduction(self) -> str:
        return normalise_amount(self.cleaned_data["max_reduction"])

    def clean_associations(self) -> list[rules.AssociationFigures]:
        """Every row strictly: exactly five fields, each checked, so that a missing or extra field is
        refused with its row and field instead of shifting the others (a name read as "3000")."""
        figures = []
        errors: list[Any] = []
        lines = [line for line in self.cleaned_data["associations"].splitlines() if line.strip()]
        if len(lines) > 400:
            raise ValidationError(_("Högst 400 rader."))
        for number, line in enumerate(lines, start=1):
            parts = _split_line(line)
            if len(parts) != len(STATE_FIELDS):
                errors.append(
                    _(
                        "Rad %(n)s: %(count)s fält, ska vara 5: kod; namn; försörjningsmått; befolkning "
                        "16–64 år; fjolårets tilldelning. Ett fält saknas eller är för mycket; lämna "
                        "fjolårets tilldelning tom för ett nytt förbund men behåll semikolonet."
                    )
                    % {"n": number, "count": len(parts)}
                )
                continue
            code, name, support, population, previous = parts
            problems: list[Any] = []
            if not code:
                problems.append(_("fältet kod saknas"))
            if not name:
                problems.append(_("fältet namn saknas"))
            elif _NUMBER.fullmatch(normalise_amount(name)):
                problems.append(
                    _("fältet namn är ett tal (%(value)s); står fälten i rätt ordning?") % {"value": name}
                )
            support_value = normalise_amount(support)
            if not support_value:
                problems.append(_("fältet försörjningsmått saknas"))
            elif not _NUMBER.fullmatch(support_value):
                problems.append(_("fältet försörjningsmått är inget tal (%(value)s)") % {"value": support})
            population_value = normalise_count(population)
            if not population_value:
                problems.append(_("fältet befolkning 16–64 år saknas"))
            elif not _WHOLE.fullmatch(population_value):
                problems.append(
                    _("fältet befolkning 16–64 år är inget heltal (%(value)s)") % {"value": population}
                )
            previous_value = normalise_amount(previous) if previous else None
            if previous_value is not None and not _NUMBER.fullmatch(previous_value):
                problems.append(
                    _("fältet fjolårets tilldelning är inget tal (%(value)s)") % {"value": previous}
                )
            if problems:
                errors.append(
                    _("Rad %(n)s: %(problems)s.")
                    % {"n": number, "problems": "; ".join(str(p) for p in problems)}
                )
                continue
            figures.append(
                rules.AssociationFigures(
                    code=code,
                    name=name,
                    support_measure=support_value,  # type: ignore[arg-type]
                    population=population_value,  # type: ignore[arg-type]
                    previous=previous_value,  # type: ignore[arg-type]
                )
            )
        if errors:
            raise ValidationError(errors)
        return figures


STATE_FIELDS = ("code", "name", "support_measure", "population", "previous")
# A number as typed (sign allowed: the rules refuse a negative one with their own message).
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_WHOLE = re.compile(r"-?\d+")


_LIST_FIELD = re.compile(r"^(\w+)(?:\[\d+\].*)?$")


def add_calculator_violations(form: Any, exc: RuleViolation) -> None:
    """Violations of the rules name fields by their API path (municipalities[2].population); the page shows
    them on the textarea of the list ("municipalities") or on the field of the same name."""
    mapped = []
    for violation in exc.violations:
        match = _LIST_FIELD.match(violation.field or "")
        field = match.group(1) if match else None
        mapped.append(Violation(violation.code, violation.message, field if field in form.fields else None))
    form.add_violations(RuleViolation(violations=mapped))


class SupportMeasureImportForm(FinsamForm):
    file = forms.FileField(
        label=_("Fil med försörjningsmått (CSV)"),
        help_text=_(
            "Rubrikraden kommunkod;år;försörjningsmått och sedan en rad per kommun och år, till exempel "
            "2480;2025;6120,5. Allt eller inget: vid minsta fel läses ingenting in."
        ),
    )
