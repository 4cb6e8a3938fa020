"""Pure rules of one imported row (docs/import.md): R-CONSENT and R-FOLLOWUP for a participant with one
participation. No database access. Used twice: by the validation pass over the file (`importing`) and
by the bulk write (`services.participants_import`), which checks every row again before it writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from finsam.core.errors import Violation
from finsam.followup import rules
from finsam.followup.models import Registration

Income = tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One row of an import file, parsed into types. `row` is its number in the file (header = 1)."""

    row: int
    intervention_id: int
    registration: str
    identity_number: str
    consent_given_on: date | None
    consent_form_version: str
    sex: str
    start: date
    education_level: str
    employment_before: str
    income_before: Income
    exit: date | None
    exit_reason: str
    employment_after: str
    income_after: Income


@dataclass(frozen=True, slots=True)
class InterventionFacts:
    """What the rules need to know of the row's intervention."""

    id: int
    kind: str
    start: date
    end: date | None
    coordinated: bool


def row_violations(
    row: ImportRow, *, intervention: InterventionFacts, today: date
) -> tuple[rules.IdentityNumber | None, list[Violation]]:
    """Every broken rule of the row (with the field it concerns), and the parsed identity number."""
    if not intervention.coordinated:
        return None, [
            Violation("R-COORDINATOR", "Du är inte deltagaransvarig för den insatsen.", "intervention")
        ]
    parsed, violations = rules.registration_violations(
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
                "Samtycke anges bara för en deltagare med personnummer; "
                "en anonym deltagare registreras utan samtycke.",
                "consent_given_on",
            )
        )
    if parsed is not None and row.sex and row.sex != parsed.sex:
        violations.append(
            Violation(
                "R-IDENTITY",
                "Könet stämmer inte med personnumret; lämna kolumnen tom för en deltagare med personnummer.",
                "sex",
            )
        )
    violations += rules.start_violations(
        start=row.start,
        today=today,
        intervention_kind=intervention.kind,
        intervention_start=intervention.start,
        intervention_end=intervention.end,
        previous=[],
        employment_before=row.employment_before,
        education_level=row.education_level,
        income_before=row.income_before,
    )
    if row.exit is not None:
        violations += rules.exit_violations(
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
                "Avslutsorsak, sysselsättning efter och försörjning efter anges bara med ett avslutsdatum.",
                "exit",
            )
        )
    return parsed, violations
