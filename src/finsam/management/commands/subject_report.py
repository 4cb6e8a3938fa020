"""`finsam subject-report PERSONNUMMER [--format text|json]`: everything stored about one person, for a
request under the GDPR's right of access (followup.services.subject_report; docs/security.md). The read is
audited (never the number). Printed to standard output only: nothing of it is logged."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models

from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.followup import services
from finsam.followup.schemas import (
    EducationLevel,
    EmploymentStatus,
    ExitReason,
    IncomeSource,
    MeasurementPoint,
    Phase,
    Registration,
    Sex,
)


def _label(choices: type[models.TextChoices], code: str | None) -> str:
    if not code:
        return "–"
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def render_text(report: dict[str, Any]) -> str:
    lines = [
        f"Registerutdrag för {report['identity_number']} ({report['made_at']})",
        "",
    ]
    participants = report["participants"]
    if not participants:
        lines += [
            "Personnumret finns inte hos någon deltagare i något förbund. Uppgifter om deltagare vars "
            "identitet har tagits bort (återkallat samtycke, gallring) är anonyma och kan inte kopplas "
            "till personen.",
        ]
    for participant in participants:
        consent = participant["consent"]
        lines += [
            f"Deltagare {participant['id']} i {participant['association']['name']}, "
            f"insatsen {participant['intervention']['name']}",
            f"  registrering: {_label(Registration, participant['registration'])}; "
            f"kön: {_label(Sex, participant['sex'])}; födelseår: {participant['birth_year'] or '–'}; "
            f"startår: {participant['start_year']}; registrerad: {participant['registered_on']}",
        ]
        if consent is not None:
            withdrawn = f"; återkallat {consent['withdrawn_on']}" if consent["withdrawn_on"] else ""
            scanned = "; inskannad blankett finns" if consent["scanned_form"] else ""
            lines.append(
                f"  samtycke: lämnat {consent['given_on']}, "
                f"blankett {consent['form_version']}{scanned}{withdrawn}"
            )
        for participation in participant["participations"]:
            lines += [
                f"  deltagande {participation['id']}: "
                f"{participation['start']} – {participation['exit'] or 'pågår'}",
                f"    utbildningsnivå: {_label(EducationLevel, participation['education_level'])}; "
                f"sysselsättning före: {_label(EmploymentStatus, participation['employment_before'])}",
            ]
            if participation["exit"]:
                lines.append(
                    f"    avslutsorsak: {_label(ExitReason, participation['exit_reason'])}; "
                    f"sysselsättning efter: {_label(EmploymentStatus, participation['employment_after'])}"
                )
            for entry in participation["income_sources"]:
                lines.append(
                    f"    försörjning {_label(Phase, entry['phase']).lower()}: "
                    f"{_label(IncomeSource, entry['source'])} {entry['extent']} %"
                )
            for answer in participation["answers"]:
                lines.append(
                    f"    svar ({_label(MeasurementPoint, answer['point'])}, {answer['answered_on']}): "
                    f"{answer['question']}: {answer['value']}"
                )
        lines.append("")
    lines.append(f"Granskningsloggen om personen: {len(report['audit'])} poster")
    for entry in report["audit"]:
        lines.append(
            f"  {entry['at']} {entry['actor']} {entry['action']} {entry['object_type']} {entry['object_id']}"
        )
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Registerutdrag: allt som lagras om en person (dataskyddsförordningen, artikel 15)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("identity_number", help="personnummer eller samordningsnummer")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = services.subject_report(actor=SYSTEM, identity_number=options["identity_number"])
        except RuleViolation as exc:
            raise CommandError(exc.message) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_text(report))
