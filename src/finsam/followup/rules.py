"""Pure functions of R-CONSENT and R-FOLLOWUP. No database access: plain values in, plain values out,
so that each can be tested on its own (and property-tested)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext
from stdnum import luhn

from finsam.core.errors import Violation
from finsam.followup.schemas import (
    EXTENTS,
    AnswerKind,
    EducationLevel,
    EmploymentStatus,
    ExitReason,
    ImportRow,
    IncomeSource,
    InterventionFacts,
    Registration,
    Sex,
)

# The codes of the choices, computed once: `TextChoices.values` builds a new list at every call, and the
# rules run for every row of an import.
SEX_CODES = frozenset(Sex.values)
INCOME_CODES = frozenset(IncomeSource.values)
EMPLOYMENT_CODES = frozenset(EmploymentStatus.values)
EDUCATION_CODES = frozenset(EducationLevel.values)
EXIT_REASON_CODES = frozenset(ExitReason.values)

# --- identity numbers ---------------------------------------------------------------------------

_NUMBER = re.compile(r"^(\d{6}|\d{8})([-+]?)(\d{4})$")
COORDINATION_OFFSET = 60


@dataclass(frozen=True)
class IdentityNumber:
    """A validated personnummer or samordningsnummer, normalised to twelve digits (YYYYMMDDNNNN)."""

    normalised: str
    coordination: bool
    birth_date: date
    sex: str

    @property
    def display(self) -> str:
        return f"{self.normalised[:8]}-{self.normalised[8:]}"


def parse_identity_number(value: str, *, today: date) -> IdentityNumber:
    """Validates a personnummer or samordningsnummer (day of birth + 60), ten or twelve digits, with or
    without separator (`+` marks a ten-digit number of someone aged 100 or more). ValueError with a
    Swedish message when invalid.

    The date of birth is checked here (for a samordningsnummer with the day minus 60, which python-stdnum's
    `se.personnummer` does not know) and the check digit with stdnum's Luhn.
    """
    text = "".join(value.split())
    match = _NUMBER.match(text)
    if match is None:
        raise ValueError(
            gettext(
                "Ange ett personnummer eller samordningsnummer med tio eller "
                "tolv siffror, till exempel 19811228-9874."
            )
        )
    head, separator, tail = match.groups()
    if len(head) == 8:
        year, rest = int(head[:4]), head[4:]
    else:
        century = today.year // 100
        if int(head[:2]) > today.year % 100:
            century -= 1
        if separator == "+":
            century -= 1
        year, rest = century * 100 + int(head[:2]), head[2:]
    month, day = int(rest[:2]), int(rest[2:])
    coordination = day > COORDINATION_OFFSET
    try:
        birth_date = date(year, month, day - COORDINATION_OFFSET if coordination else day)
    except ValueError as exc:
        raise ValueError(gettext("Numret innehåller inget giltigt födelsedatum.")) from exc
    if birth_date > today:
        raise ValueError(gettext("Födelsedatumet i numret ligger i framtiden."))
    normalised = f"{year:04d}{month:02d}{day:02d}{tail}"
    # The check digit with stdnum's Luhn. For an ordinary personnummer this is all of what stdnum's
    # `se.personnummer.validate` checks beyond the format and the date, both checked above; calling it
    # as well would do the same work twice (it was a third of an import's validation time).
    if not luhn.is_valid(normalised[2:]):
        raise ValueError(gettext("Kontrollsiffran stämmer inte. Kontrollera numret."))
    sex = Sex.MAN if int(tail[2]) % 2 else Sex.WOMAN
    return IdentityNumber(normalised=normalised, coordination=coordination, birth_date=birth_date, sex=sex)


def registration_violations(
    *,
    registration: str,
    identity_number: str | None,
    consent_given_on: date | None,
    consent_form_version: str,
    sex: str | None,
    start_year: int | None,
    today: date,
) -> tuple[IdentityNumber | None, list[Violation]]:
    """R-CONSENT: an identity only with written consent; otherwise anonymous with sex and start year."""
    violations: list[Violation] = []
    parsed: IdentityNumber | None = None
    if registration == "identified":
        if not identity_number:
            violations.append(
                Violation(
                    "R-CONSENT", gettext("Ange personnummer eller samordningsnummer."), "identity_number"
                )
            )
        else:
            try:
                parsed = parse_identity_number(identity_number, today=today)
            except ValueError as exc:
                violations.append(Violation("R-IDENTITY", str(exc), "identity_number"))
        if consent_given_on is None:
            violations.append(
                Violation(
                    "R-CONSENT",
                    gettext(
                        "Ange när det skriftliga samtycket lämnades. Utan samtycke "
                        "registreras deltagaren anonymt."
                    ),
                    "consent_given_on",
                )
            )
        elif consent_given_on > today:
            violations.append(
                Violation(
                    "R-CONSENT", gettext("Samtyckets datum kan inte ligga i framtiden."), "consent_given_on"
                )
            )
        if not consent_form_version.strip():
            violations.append(
                Violation(
                    "R-CONSENT",
                    gettext("Ange vilken version av samtyckesblanketten som användes."),
                    "consent_form_version",
                )
            )
    elif registration in ("anonymous", "protected"):
        if identity_number:
            violations.append(
                Violation(
                    "R-CONSENT",
                    gettext(
                        "En anonym deltagare registreras utan personnummer (det sparas "
                        "bara med skriftligt samtycke)."
                    ),
                    "identity_number",
                )
            )
        if sex not in SEX_CODES:
            violations.append(Violation("R-REQUIRED", gettext("Ange kön."), "sex"))
    else:
        violations.append(
            Violation(
                "R-CONSENT",
                gettext("Välj om deltagaren registreras med personnummer och samtycke eller anonymt."),
                "registration",
            )
        )
    if start_year is not None and not 2000 <= start_year <= today.year + 1:
        violations.append(Violation("R-INPUT", gettext("Startåret är orimligt."), "start_year"))
    return parsed, violations


# --- participations (R-FOLLOWUP) ----------------------------------------------------------------


def income_violations(entries: Sequence[tuple[str, int]], *, field: str) -> list[Violation]:
    """Income sources of one phase: at least one, each once, extent 25/50/75/100 %; "none" stands alone."""
    if not entries:
        return [
            Violation(
                "R-FOLLOWUP",
                gettext(
                    "Ange minst en försörjningskälla (välj Ingen egen försörjning om "
                    "personen saknar försörjning)."
                ),
                field,
            )
        ]
    sources = [source for source, _ in entries]
    if any(source not in INCOME_CODES for source in sources):
        return [Violation("R-FOLLOWUP", gettext("Okänd försörjningskälla."), field)]
    if any(extent not in EXTENTS for _, extent in entries):
        return [Violation("R-FOLLOWUP", gettext("Omfattningen ska vara 25, 50, 75 eller 100 %."), field)]
    if len(set(sources)) != len(sources):
        return [Violation("R-FOLLOWUP", gettext("Varje försörjningskälla anges en gång."), field)]
    if IncomeSource.NONE in sources and len(sources) > 1:
        return [
            Violation(
                "R-FOLLOWUP",
                gettext("Ingen egen försörjning kan inte kombineras med andra försörjningskällor."),
                field,
            )
        ]
    return []


@dataclass(frozen=True)
class Span:
    start: date
    exit: date | None


def start_violations(
    *,
    start: date,
    today: date,
    intervention_kind: str,
    intervention_start: date,
    intervention_end: date | None,
    previous: Sequence[Span],
    employment_before: str,
    education_level: str,
    income_before: Sequence[tuple[str, int]],
    birth_date: date | None = None,
    field_of_age: str = "start",
) -> list[Violation]:
    """A start (R-FOLLOWUP) and, when the birth date is known (a participant with personnummer), the age on
    the start date (R-AGE). The import checks each row with the same function."""
    if intervention_kind != "individual":
        return [
            Violation(
                "R-KIND",
                gettext("En strukturövergripande insats har inga deltagare; registrera antal i stället."),
                "intervention",
            )
        ]
    violations: list[Violation] = []
    if start > today:
        violations.append(Violation("R-FOLLOWUP", gettext("Startdatum kan inte ligga i framtiden."), "start"))
    if start < intervention_start or (intervention_end is not None and start > intervention_end):
        violations.append(
            Violation("R-DATES", gettext("Startdatum ligger utanför insatsens period."), "start")
        )
    violations += age_violations(birth_date, start, field=field_of_age)
    if any(span.exit is None for span in previous):
        violations.append(
            Violation(
                "R-FOLLOWUP",
                gettext("Deltagaren har redan ett pågående deltagande. Avsluta det först."),
                "start",
            )
        )
    elif any(span.exit is not None and start <= span.exit for span in previous):
        last = max(span.exit for span in previous if span.exit is not None)
        violations.append(
            Violation(
                "R-FOLLOWUP",
                gettext("Startdatum måste ligga efter förra avslutet (%(last)s).")
                % {"last": format(last, "%Y-%m-%d")},
                "start",
            )
        )
    if employment_before not in EMPLOYMENT_CODES:
        violations.append(
            Violation("R-FOLLOWUP", gettext("Ange sysselsättning före insatsen."), "employment_before")
        )
    if education_level not in EDUCATION_CODES:
        violations.append(Violation("R-FOLLOWUP", gettext("Ange utbildningsnivå."), "education_level"))
    violations += income_violations(income_before, field="income_before")
    return violations


def exit_violations(
    *,
    start: date,
    current_exit: date | None,
    exit: date,
    today: date,
    exit_reason: str,
    employment_after: str,
    income_after: Sequence[tuple[str, int]],
) -> list[Violation]:
    """An exit: once, not before the start, not in the future, with a reason; unless the record was
    registered by mistake, with employment and income sources after."""
    if current_exit is not None:
        return [
            Violation(
                "R-FOLLOWUP",
                gettext("Deltagandet är redan avslutat (%(current_exit)s).")
                % {"current_exit": format(current_exit, "%Y-%m-%d")},
                "exit",
            )
        ]
    violations: list[Violation] = []
    if exit < start:
        violations.append(
            Violation(
                "R-FOLLOWUP",
                gettext("Avslutsdatum kan inte ligga före startdatum (%(start)s).")
                % {"start": format(start, "%Y-%m-%d")},
                "exit",
            )
        )
    if exit > today:
        violations.append(
            Violation("R-FOLLOWUP", gettext("Avslutsdatum kan inte ligga i framtiden."), "exit")
        )
    if exit_reason not in EXIT_REASON_CODES:
        violations.append(Violation("R-FOLLOWUP", gettext("Ange avslutsorsak."), "exit_reason"))
    elif exit_reason != ExitReason.REGISTERED_BY_MISTAKE:
        if employment_after not in EMPLOYMENT_CODES:
            violations.append(
                Violation("R-FOLLOWUP", gettext("Ange sysselsättning efter insatsen."), "employment_after")
            )
        violations += income_violations(income_after, field="income_after")
    return violations


# --- corrections afterwards ------------------------------------------------------------------------

MAX_REASON = 500


def reason_violations(reason: str) -> list[Violation]:
    """A correction says why: required, at most 500 characters."""
    if not reason.strip():
        return [Violation("R-CORRECTION", gettext("Skriv varför uppgifterna rättas."), "reason")]
    if len(reason.strip()) > MAX_REASON:
        return [
            Violation(
                "R-CORRECTION",
                gettext("Skälet får vara högst %(max_reason)s tecken.") % {"max_reason": MAX_REASON},
                "reason",
            )
        ]
    return []


def correction_violations(
    *,
    start: date,
    exit: date | None,
    was_exited: bool,
    today: date,
    intervention_kind: str,
    intervention_start: date,
    intervention_end: date | None,
    others: Sequence[Span],
    employment_before: str,
    education_level: str,
    income_before: Sequence[tuple[str, int]],
    exit_reason: str,
    employment_after: str,
    income_after: Sequence[tuple[str, int]],
    birth_date: date | None,
) -> list[Violation]:
    """A participation's details corrected afterwards: the rules of its start and (when it has ended) of
    its exit, as when they were first registered, and no overlap with the participant's other periods.
    An open participation stays open (its exit is registered as an exit, not as a correction), and an
    ended one keeps an exit."""
    violations = start_violations(
        start=start,
        today=today,
        intervention_kind=intervention_kind,
        intervention_start=intervention_start,
        intervention_end=intervention_end,
        previous=[],
        employment_before=employment_before,
        education_level=education_level,
        income_before=income_before,
        birth_date=birth_date,
    )
    end = exit or date.max
    if any(start <= (other.exit or date.max) and other.start <= end for other in others):
        violations.append(
            Violation(
                "R-FOLLOWUP",
                gettext("Perioden överlappar ett annat deltagande för samma deltagare."),
                "start",
            )
        )
    if not was_exited:
        if exit is not None or exit_reason or employment_after or income_after:
            violations.append(
                Violation(
                    "R-FOLLOWUP",
                    gettext("Deltagandet pågår; registrera avslutet med Avsluta i stället för att rätta."),
                    "exit",
                )
            )
        return violations
    if exit is None:
        return [*violations, Violation("R-FOLLOWUP", gettext("Ange avslutsdatum."), "exit")]
    return violations + exit_violations(
        start=start,
        current_exit=None,
        exit=exit,
        today=today,
        exit_reason=exit_reason,
        employment_after=employment_after,
        income_after=income_after,
    )


def birth_date_of(normalised: str) -> date:
    """The birth date in a normalised (twelve-digit, already validated) personnummer or samordningsnummer."""
    day = int(normalised[6:8])
    return date(int(normalised[:4]), int(normalised[4:6]), day - COORDINATION_OFFSET if day > 60 else day)


def answer_violations(
    answers: Mapping[int, int], *, questions: Mapping[int, str], field: str = "answers"
) -> list[Violation]:
    """Answers by question id; `questions` maps the ids that may be answered to their answer kind."""
    for question_id, value in answers.items():
        kind = questions.get(question_id)
        if kind is None:
            return [
                Violation(
                    "R-FOLLOWUP", gettext("Frågan hör inte till förbundets uppföljningsfrågor här."), field
                )
            ]
        if kind == AnswerKind.YES_NO and value not in (0, 1):
            return [Violation("R-FOLLOWUP", gettext("Svara ja (1) eller nej (0)."), field)]
        if kind == AnswerKind.SCALE and not 1 <= value <= 5:
            return [Violation("R-FOLLOWUP", gettext("Svara med en siffra från 1 till 5."), field)]
    return []


# --- age at start (R-AGE) -------------------------------------------------------------------------

# Finsam's interventions are for people of working age: from 16 to 69 years on the day of the start.
MIN_AGE, MAX_AGE = 16, 69


def age_on(birth_date: date, day: date) -> int:
    """Whole years of age on `day` (someone born on 29 February has a birthday on 1 March in other years)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_violations(birth_date: date | None, start: date, *, field: str = "start") -> list[Violation]:
    """R-AGE: the participant is 16–69 years old on the start date (unknown for an anonymous one)."""
    if birth_date is None or birth_date > start:
        return []
    age = age_on(birth_date, start)
    if MIN_AGE <= age <= MAX_AGE:
        return []
    return [
        Violation(
            "R-AGE",
            (
                gettext(
                    "Personen är %(age)s år på startdagen. Insatserna är för "
                    "personer från %(min_age)s till %(max_age)s år; kontrollera "
                    "personnumret och startdatumet."
                )
                % {"age": age, "min_age": MIN_AGE, "max_age": MAX_AGE}
            ),
            field,
        )
    ]


# --- anonymous facts and retention --------------------------------------------------------------

AGE_BANDS = ((0, 19), (20, 24), (25, 29), (30, 39), (40, 49), (50, 59), (60, 64), (65, 150))


def age_band(birth_year: int | None, year: int) -> str | None:
    """The age band of someone born `birth_year`, in `year` ("20–24", "–19", "65–"); None if unknown."""
    if birth_year is None:
        return None
    age = year - birth_year
    for low, high in AGE_BANDS:
        if low <= age <= high:
            if low == 0:
                return f"–{high}"
            if high == 150:
                return f"{low}–"
            return f"{low}–{high}"
    return None


def retention_cutoff(today: date, years: int) -> date:
    """Identities whose last exit is on or before this day have been kept `years` years and go."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return date(today.year - years, 2, 28)


# --- the scanned consent form -------------------------------------------------------------------

MAX_FORM_BYTES = 5 * 1024 * 1024
_SIGNATURES = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def scanned_form_violations(*, size: int, head: bytes) -> list[Violation]:
    """A scanned consent form is a PDF, PNG or JPEG of at most 5 MB (judged by its content, not its name)."""
    if size > MAX_FORM_BYTES:
        return [Violation("R-FILE", gettext("Blanketten får vara högst 5 MB."), "consent_form_file")]
    if not any(head.startswith(signature) for signature in _SIGNATURES):
        return [
            Violation(
                "R-FILE", gettext("Blanketten ska vara en PDF-, PNG- eller JPEG-fil."), "consent_form_file"
            )
        ]
    return []


# --- socio-economic estimate (R-FOLLOWUP, national follow-up) -----------------------------------

# The income sources paid by the public as support to the person: benefits from Försäkringskassan and
# Arbetsförmedlingen and the municipality's ekonomiskt bistånd. Wages (subsidised ones too, where the
# employer carries part), student aid and other income are not counted (docs/socioeconomics.md).
PUBLIC_SUPPORT: tuple[str, ...] = (
    IncomeSource.SICKNESS_BENEFIT,
    IncomeSource.ACTIVITY_COMPENSATION,
    IncomeSource.SICKNESS_COMPENSATION,
    IncomeSource.ACTIVITY_SUPPORT,
    IncomeSource.UNEMPLOYMENT_BENEFIT,
    IncomeSource.ESTABLISHMENT_BENEFIT,
    IncomeSource.SOCIAL_ASSISTANCE,
)


def public_support_percent(entries: Sequence[tuple[str, int]]) -> int:
    """One person's public support in one phase, in percent of full time: the extents of the public support
    sources summed, at most 100 (two benefits cannot make more than one full-year equivalent)."""
    return min(100, sum(extent for source, extent in entries if source in PUBLIC_SUPPORT))


@dataclass(frozen=True)
class Estimate:
    """Public support before and after, in full-year equivalents (helårsekvivalenter), valued at
    `yearly_cost` kronor each, against the intervention's `cost` in the year (None when unknown).

    `before_percent` and `after_percent` are the sums over the participations of `public_support_percent`;
    a full-year equivalent is 100 of them."""

    participations: int
    before_percent: int
    after_percent: int
    yearly_cost: Decimal
    cost: Decimal | None

    @property
    def before(self) -> Decimal:
        return Decimal(self.before_percent) / 100

    @property
    def after(self) -> Decimal:
        return Decimal(self.after_percent) / 100

    @property
    def change(self) -> Decimal:
        """The fall in public support (positive: less support after than before)."""
        return self.before - self.after

    @property
    def value(self) -> Decimal:
        """The fall in public support for one year, in kronor."""
        return (self.change * self.yearly_cost).quantize(Decimal("0.01"))

    @property
    def ratio(self) -> Decimal | None:
        """Kronor of less public support per krona the intervention cost (None without a cost)."""
        if not self.cost:
            return None
        return (self.value / self.cost).quantize(Decimal("0.01"))

    @property
    def payback_years(self) -> Decimal | None:
        """Years of the lower support it takes to equal the cost (None when support did not fall)."""
        if not self.cost or self.value <= 0:
            return None
        return (self.cost / self.value).quantize(Decimal("0.1"))


def combine_estimates(estimates: Sequence[Estimate], *, yearly_cost: Decimal) -> Estimate:
    """The förbund's estimate from its interventions'; the cost is unknown when any of them is."""
    costs = [e.cost for e in estimates]
    return Estimate(
        participations=sum(e.participations for e in estimates),
        before_percent=sum(e.before_percent for e in estimates),
        after_percent=sum(e.after_percent for e in estimates),
        yearly_cost=yearly_cost,
        cost=None if not costs or any(c is None for c in costs) else sum((c for c in costs if c), Decimal(0)),
    )


def cost_per_participant(cost: Decimal | None, participants: int) -> Decimal | None:
    """Kronor per participant, to the krona; None without a cost or participants."""
    if cost is None or participants <= 0:
        return None
    return (cost / participants).quantize(Decimal("1"))


# --- one imported row: used by the validation pass of an import and again by the bulk write -------


def row_violations(
    row: ImportRow, *, intervention: InterventionFacts, today: date
) -> tuple[IdentityNumber | None, list[Violation]]:
    """Every broken rule of the row (with the field it concerns), and the parsed identity number."""
    if not intervention.coordinated:
        return None, [
            Violation(
                "R-COORDINATOR", gettext("Du är inte deltagaransvarig för den insatsen."), "intervention"
            )
        ]
    parsed, violations = registration_violations(
        registration=row.registration,
        identity_number=row.identity_number or None,
        consent_given_on=row.consent_given_on if row.registration == Registration.IDENTIFIED else None,
        consent_form_version=row.consent_form_version,
        sex=row.sex or None,
        start_year=None,  # the start year is the start date's, which start_violations checks
        today=today,
    )
    if row.registration != Registration.IDENTIFIED and (row.consent_given_on or row.consent_form_version):
        violations.append(
            Violation(
                "R-CONSENT",
                gettext(
                    "Samtycke anges bara för en deltagare med personnummer; en "
                    "anonym deltagare registreras utan samtycke."
                ),
                "consent_given_on",
            )
        )
    if parsed is not None and row.sex and row.sex != parsed.sex:
        violations.append(
            Violation(
                "R-IDENTITY",
                gettext(
                    "Könet stämmer inte med personnumret; lämna kolumnen tom för en "
                    "deltagare med personnummer."
                ),
                "sex",
            )
        )
    violations += start_violations(
        start=row.start,
        today=today,
        intervention_kind=intervention.kind,
        intervention_start=intervention.start,
        intervention_end=intervention.end,
        previous=[],
        employment_before=row.employment_before,
        education_level=row.education_level,
        income_before=row.income_before,
        birth_date=parsed.birth_date if parsed is not None else None,
    )
    if row.exit is not None:
        violations += exit_violations(
            start=row.start,
            current_exit=None,
            exit=row.exit,
            today=today,
            exit_reason=row.exit_reason,
            employment_after=row.employment_after,
            income_after=row.income_after,
        )
    elif row.exit_reason or row.employment_after or row.income_after:
        violations.append(
            Violation(
                "R-FOLLOWUP",
                gettext(
                    "Avslutsorsak, sysselsättning efter och försörjning efter anges "
                    "bara med ett avslutsdatum."
                ),
                "exit",
            )
        )
    return parsed, violations
