"""Demo participants: a few thousand fictional participations over five years (2022 to this year) in the
individual-level interventions of the three Västerbotten förbund, with plausible distributions of sex,
age, income sources before and after, exit reasons and durations.

Everything goes through the interventions and follow-up services with the system actor, so every rule
holds and the audit log shows "system". Most participants are anonymous (as most are in practice without
written consent); about one in five is registered with a personnummer (or samordningsnummer) and consent,
encrypted and hashed by the services like any other. The numbers are made up: a random birth date that
gives an age of 18–63 at the start, a random serial and a correct Luhn check digit. Such a number can still
happen to be a real person's; only Skatteverket's published test numbers (testpersonnummer, open data) are
certain not to be. With FINSAM_DEMO_IDENTITY_NUMBERS naming a file of them, the demo takes its numbers from
that file only (and registers a participant as anonymous when no number of a fitting age is left). The
random generator is seeded per intervention, so the data are the same on every machine.

Idempotent: an intervention that already has participants is left alone, and each intervention's
participants are written in one transaction (all or none).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from finsam.core.demo import DemoContext
from finsam.followup import rules, services
from finsam.followup.models import (
    EducationLevel,
    EmploymentStatus,
    ExitReason,
    IncomeSource,
    Participant,
    Registration,
    Sex,
)
from finsam.interventions import selectors as intervention_selectors

if TYPE_CHECKING:
    from finsam.interventions.models import Intervention

FIRST_YEAR = 2022

# The median time in the intervention, in days, by the name of the demo's interventions (interventions'
# demo step creates them, with their planned participants per year).
MEDIAN_DAYS = {
    "Arbetslivsinriktad rehabilitering": 240,
    "Unga vuxna i arbete": 180,
    "Samverkansteam psykisk hälsa": 300,
    "Vägen till arbete": 210,
    "Koordinatorer i samverkan": 270,
    "Inlandets resursteam": 260,
    "Steg för steg – unga i inlandet": 200,
}


EXIT_REASONS = (
    (ExitReason.COMPLETED, 30),
    (ExitReason.WORK, 18),
    (ExitReason.STUDIES, 8),
    (ExitReason.OTHER_INTERVENTION, 12),
    (ExitReason.ILL_HEALTH, 10),
    (ExitReason.MOVED, 4),
    (ExitReason.OWN_REQUEST, 7),
    (ExitReason.NO_CONTACT, 7),
    (ExitReason.OTHER, 2),
    (ExitReason.REGISTERED_BY_MISTAKE, 2),
)
SOURCES_BEFORE = (
    (IncomeSource.SICKNESS_BENEFIT, 22),
    (IncomeSource.SOCIAL_ASSISTANCE, 22),
    (IncomeSource.ACTIVITY_COMPENSATION, 12),
    (IncomeSource.ACTIVITY_SUPPORT, 12),
    (IncomeSource.UNEMPLOYMENT_BENEFIT, 9),
    (IncomeSource.SICKNESS_COMPENSATION, 5),
    (IncomeSource.ESTABLISHMENT_BENEFIT, 5),
    (IncomeSource.STUDENT_AID, 2),
    (IncomeSource.NONE, 11),
)
EDUCATION = (
    (EducationLevel.PRIMARY_SHORT, 8),
    (EducationLevel.PRIMARY, 27),
    (EducationLevel.UPPER_SECONDARY, 42),
    (EducationLevel.POST_SECONDARY_SHORT, 9),
    (EducationLevel.POST_SECONDARY, 7),
    (EducationLevel.UNKNOWN, 7),
)
EMPLOYMENT_BEFORE = (
    (EmploymentStatus.NONE, 62),
    (EmploymentStatus.SEEKING_WORK, 30),
    (EmploymentStatus.WORK, 5),
    (EmploymentStatus.STUDIES, 3),
)


def _pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([value for value, _ in weighted], weights=[w for _, w in weighted])[0]


def fictional_identity_number(birth: date, serial: int, *, coordination: bool = False) -> str:
    """YYYYMMDD-NNNC with a valid Luhn check digit for a made-up birth date and serial (samordningsnummer:
    day + 60). The third serial digit is odd for a man and even for a woman."""
    day = birth.day + (60 if coordination else 0)
    body = f"{birth:%y%m}{day:02d}{serial % 1000:03d}"
    return f"{birth:%Y%m}{day:02d}-{serial % 1000:03d}{luhn.calc_check_digit(body)}"


@dataclass(frozen=True)
class KnownNumber:
    number: str
    birth: date
    sex: str


_TWELVE_DIGITS = re.compile(r"(?<!\d)(\d{8})-?(\d{4})(?!\d)")


def read_test_numbers(path: Path) -> list[KnownNumber]:
    """The valid identity numbers in a file of test numbers (Skatteverket's testpersonnummer as CSV or
    JSON, or one number a line): every twelve-digit number in it that passes the check, once each."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(
            f"FINSAM_DEMO_IDENTITY_NUMBERS: filen {path} kan inte läsas som UTF-8 ({exc.__class__.__name__})"
        ) from exc
    found: dict[str, KnownNumber] = {}
    today = timezone.localdate()
    for match in _TWELVE_DIGITS.finditer(text):
        try:
            parsed = rules.parse_identity_number(match.group(1) + match.group(2), today=today)
        except ValueError:
            continue
        found.setdefault(parsed.normalised, KnownNumber(parsed.normalised, parsed.birth_date, parsed.sex))
    if not found:
        raise ImproperlyConfigured(
            f"FINSAM_DEMO_IDENTITY_NUMBERS: filen {path} innehåller inga giltiga personnummer"
        )
    return sorted(found.values(), key=lambda known: known.number)


@cache
def _test_numbers(path: str) -> tuple[KnownNumber, ...]:
    return tuple(read_test_numbers(Path(path))) if path else ()


def _identity(rng: random.Random, start: date, taken: set[str]) -> tuple[str, str] | None:
    """(identity number, sex) of someone aged 18–63 at `start`, not yet used in the intervention: from the
    test numbers when they are configured (None when none fits), otherwise made up."""
    known = _test_numbers(settings.DEMO_IDENTITY_NUMBERS)
    if known:
        fitting = [k for k in known if 18 <= start.year - k.birth.year <= 63 and k.number not in taken]
        if not fitting:
            return None
        choice = rng.choice(fitting)
        taken.add(choice.number)
        return choice.number, choice.sex
    while True:
        age = rng.randint(18, 63)
        birth = date(start.year - age, 1, 1) + timedelta(days=rng.randrange(365))
        sex = Sex.WOMAN if rng.random() < 0.56 else Sex.MAN
        serial = rng.randrange(100) * 10 + rng.choice((1, 3, 5, 7, 9) if sex == Sex.MAN else (0, 2, 4, 6, 8))
        number = fictional_identity_number(birth, serial, coordination=rng.random() < 0.05)
        if number not in taken:
            taken.add(number)
            return number, sex


def _income_before(rng: random.Random) -> list[tuple[str, int]]:
    main = _pick(rng, SOURCES_BEFORE)
    if main == IncomeSource.NONE or rng.random() < 0.8:
        return [(main, 100)]
    second = _pick(rng, SOURCES_BEFORE)
    if second in (main, IncomeSource.NONE):
        return [(main, 100)]
    return [(main, 75), (second, 25)] if rng.random() < 0.5 else [(main, 50), (second, 50)]


def _after(
    rng: random.Random, reason: str, before: list[tuple[str, int]]
) -> tuple[str, list[tuple[str, int]]]:
    if reason == ExitReason.WORK:
        if rng.random() < 0.55:
            return EmploymentStatus.WORK, [(IncomeSource.SALARY, 100)]
        source = IncomeSource.SUBSIDISED_SALARY if rng.random() < 0.7 else IncomeSource.SALARY
        rest = before[0][0] if before[0][0] not in (IncomeSource.NONE, source) else IncomeSource.OTHER
        return EmploymentStatus.WORK, [(source, 50), (rest, 50)]
    if reason == ExitReason.STUDIES:
        return EmploymentStatus.STUDIES, [(IncomeSource.STUDENT_AID, 100)]
    employment = _pick(
        rng,
        (
            (EmploymentStatus.SEEKING_WORK, 40),
            (EmploymentStatus.NONE, 45),
            (EmploymentStatus.WORK, 10),
            (EmploymentStatus.STUDIES, 5),
        ),
    )
    if employment == EmploymentStatus.WORK:
        return employment, [(IncomeSource.SUBSIDISED_SALARY, 100)]
    if employment == EmploymentStatus.STUDIES:
        return employment, [(IncomeSource.STUDENT_AID, 100)]
    if employment == EmploymentStatus.SEEKING_WORK and rng.random() < 0.5:
        return employment, [(IncomeSource.ACTIVITY_SUPPORT, 100)]
    return employment, before


def _yearly(intervention: Intervention) -> int:
    """The participations started per year: what the förbund planned for the intervention."""
    planned = [p.count for p in intervention.planned.all()]
    return max(planned, default=0)


def _participants(ctx: DemoContext, intervention: Intervention, median_days: int, today: date) -> int:
    """The intervention's participants, in one transaction; none if it already has some."""
    if Participant.objects.filter(intervention=intervention).exists():
        return 0
    rng = random.Random(f"finsam-demo-{intervention.association.name}-{intervention.name}")
    taken: set[str] = set()
    first = max(date(FIRST_YEAR, 1, 1), intervention.start)
    days = (today - first).days
    total = round(_yearly(intervention) * days / 365.25)
    starts = sorted(first + timedelta(days=rng.randrange(days + 1)) for _ in range(total))
    for start in starts:
        before = _income_before(rng)
        picked = _identity(rng, start, taken) if rng.random() < 0.2 else None
        identified = picked is not None
        number, sex = picked if picked is not None else (None, None)
        registration = (
            Registration.IDENTIFIED
            if identified
            else (Registration.PROTECTED if rng.random() < 0.05 else Registration.ANONYMOUS)
        )
        if not identified:
            sex = Sex.WOMAN if rng.random() < 0.56 else Sex.MAN
        participation = services.participant_enrol(
            actor=ctx.actor,
            association=intervention.association,
            intervention=intervention,
            registration=registration,
            identity_number=number,
            consent_given_on=start if identified else None,
            consent_form_version="FK 9443 (demo)" if identified else "",
            sex=None if identified else sex,
            start=start,
            employment_before=_pick(rng, EMPLOYMENT_BEFORE),
            education_level=_pick(rng, EDUCATION),
            income_before=before,
            today=today,
        )
        duration = int(rng.lognormvariate(0, 0.65) * median_days)
        reason = _pick(rng, EXIT_REASONS)
        if reason == ExitReason.REGISTERED_BY_MISTAKE:
            duration = rng.randrange(14)
        exit = start + timedelta(days=max(duration, 1))
        if exit > today:
            continue
        employment, income_after = _after(rng, reason, before)
        mistake = reason == ExitReason.REGISTERED_BY_MISTAKE
        services.participation_exit(
            actor=ctx.actor,
            participation=participation,
            exit=exit,
            exit_reason=reason,
            employment_after="" if mistake else employment,
            income_after=[] if mistake else income_after,
            today=today,
        )
    return total


def participants_step(ctx: DemoContext) -> None:
    today = timezone.localdate()
    work = [
        intervention
        for association in ctx.associations.values()
        for intervention in intervention_selectors.intervention_list(
            user=ctx.actor, association_id=association.pk
        ).select_related("association")
        if intervention.name in MEDIAN_DAYS
    ]
    created = 0
    for intervention in ctx.progress(work, desc="Deltagare"):
        with transaction.atomic():
            created += _participants(ctx, intervention, MEDIAN_DAYS[intervention.name], today)
    if created:
        ctx.out.write(f"  {created} deltagare i {len(work)} insatser\n")
        if settings.DEMO_IDENTITY_NUMBERS:
            ctx.out.write("  personnummer ur Skatteverkets testpersonnummer (FINSAM_DEMO_IDENTITY_NUMBERS)\n")
        else:
            ctx.out.write(
                "  påhittade personnummer; ange FINSAM_DEMO_IDENTITY_NUMBERS för Skatteverkets "
                "testpersonnummer\n"
            )
