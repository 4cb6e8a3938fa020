"""Writes of the state allocation: the settings of a year, and the decision.

A decision is computed again from the registry at the moment of deciding (never from what a page showed),
refused while figures are missing, and saved with every figure it used. The decided amount becomes each
förbund's state contribution in finance (finance.services.state_contribution_set). A year that already
has a decision gets a new one only with a stated reason; the earlier is kept, marked as superseded.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from finsam.core import audit
from finsam.core.access import Actor, require
from finsam.core.errors import CONFLICT, RuleViolation, Violation, check_version, raise_if_any
from finsam.core.roles import Capability
from finsam.core.updates import model_update
from finsam.finance import rules as finance_rules
from finsam.finance import selectors as finance_selectors
from finsam.finance import services as finance_services
from finsam.national.allocation import rules, selectors
from finsam.national.allocation.models import AllocationDecision, AllocationRow, AllocationSettings
from finsam.national.audit_actions import AuditAction


def _decimal(value: object, field: str, label: str, violations: list[Violation]) -> Decimal | None:
    text = str(value).strip().replace(",", ".").replace(" ", "").replace("\u00a0", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        violations.append(Violation("R-INPUT", _("%(label)s är inget tal.") % {"label": label}, field))
        return None
    if not number.is_finite() or number.as_tuple().exponent < -4:  # type: ignore[operator]
        violations.append(
            Violation("R-INPUT", _("%(label)s får ha högst fyra decimaler.") % {"label": label}, field)
        )
        return None
    return number


def _year(value: object, field: str, label: str, violations: list[Violation]) -> int | None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not rules.FIRST_YEAR - 10 <= value <= rules.LAST_YEAR
    ):
        violations.append(Violation("R-INPUT", _("%(label)s: ange ett årtal.") % {"label": label}, field))
        return None
    return value


@transaction.atomic
def allocation_settings_save(
    *,
    actor: Actor,
    year: int,
    appropriation: object,
    base_amount: object,
    need_weight: object,
    population_weight: object,
    max_reduction: object,
    equity_level_percent: object,
    population_year: int,
    support_measure_year: int,
    version: int | None = None,
) -> AllocationSettings:
    """Creates or changes the settings of `year` (R-STATE-MODEL: every parameter is an input). Optimistic
    locking on `version` for a change."""
    require(actor, Capability.STATE_ALLOCATION_EDIT)
    violations: list[Violation] = []
    if not rules.FIRST_YEAR <= year <= rules.LAST_YEAR:
        raise RuleViolation(
            "R-INPUT",
            _("Ange ett år mellan %(first_year)s och %(last_year)s.")
            % {"first_year": rules.FIRST_YEAR, "last_year": rules.LAST_YEAR},
            "year",
        )
    amounts = {
        "appropriation": finance_rules.check_amount(
            appropriation, field="appropriation", label=_("Anslaget"), violations=violations
        ),
        "base_amount": finance_rules.check_amount(
            base_amount, field="base_amount", label=_("Grundbeloppet"), violations=violations
        ),
    }
    fractions = {
        "need_weight": _decimal(need_weight, "need_weight", _("Vikten för försörjningsmåttet"), violations),
        "population_weight": _decimal(
            population_weight, "population_weight", _("Vikten för befolkningen"), violations
        ),
        "max_reduction": _decimal(max_reduction, "max_reduction", _("Största minskning"), violations),
        "equity_level_percent": _decimal(
            equity_level_percent, "equity_level_percent", _("Nivån för eget kapital"), violations
        ),
    }
    years = {
        "population_year": _year(population_year, "population_year", _("Befolkningens år"), violations),
        "support_measure_year": _year(
            support_measure_year, "support_measure_year", _("Försörjningsmåttets år"), violations
        ),
    }
    raise_if_any(violations)
    violations = rules.check_settings(
        year=year,
        need_weight=fractions["need_weight"],  # type: ignore[arg-type]
        population_weight=fractions["population_weight"],  # type: ignore[arg-type]
        max_reduction=fractions["max_reduction"],  # type: ignore[arg-type]
        equity_level_percent=fractions["equity_level_percent"],  # type: ignore[arg-type]
        population_year=population_year,
        support_measure_year=support_measure_year,
    )
    raise_if_any(violations)
    values = {**amounts, **fractions, **years}
    existing = AllocationSettings.objects.select_for_update().filter(year=year).first()
    if existing is None:
        created = AllocationSettings.objects.create(year=year, **values)
        audit.record(
            actor=actor,
            action=AuditAction.ALLOCATION_SETTINGS_SAVE,
            target=created,
            details={"year": year, "fields": sorted(values)},
        )
        return created
    check_version(existing.version, version, _("inställningarna"), kept=True)
    model_update(
        actor=actor,
        instance=existing,
        values=values,
        action=AuditAction.ALLOCATION_SETTINGS_SAVE,
        association_id=None,
        details={"year": year},
    )
    return existing


def _create_decision(**values: object) -> AllocationDecision:
    with transaction.atomic():  # a savepoint: a clash on the one current decision leaves the rest intact
        return AllocationDecision.objects.create(**values)


@transaction.atomic
def allocation_decide(
    *, actor: Actor, year: int, decided_on: date, reference: str = "", reason: str = ""
) -> AllocationDecision:
    """Decides the allocation of `year` as computed now from the registry (selectors.draft).

    Refused (R-STATE-MODEL) while a förbund lacks figures, without settings, when the model refuses, and
    for a year already decided unless `reason` says why the decision is taken again; then the earlier one
    is kept as superseded. Each decided amount is recorded as the förbund's state contribution for the
    year in finance. Audited.
    """
    require(actor, Capability.STATE_ALLOCATION_EDIT)
    violations: list[Violation] = []
    if decided_on > finance_selectors.today():
        violations.append(Violation("R-DATES", _("Beslutsdatumet kan inte ligga i framtiden."), "decided_on"))
    if len(reference) > 200:
        violations.append(
            Violation("R-INPUT", _("Beslutet får beskrivas med högst 200 tecken."), "reference")
        )
    if len(reason) > 2000:
        violations.append(Violation("R-INPUT", _("Skälet får vara högst 2 000 tecken."), "reason"))
    raise_if_any(violations)
    # Lock the year's current decision, so that two deciders cannot both replace it.
    current = AllocationDecision.objects.select_for_update().filter(year=year, superseded=False).first()
    if current is not None and not reason.strip():
        raise RuleViolation(
            "R-STATE-MODEL",
            (
                _(
                    "Fördelningen för %(year)s beslutades %(decided_on)s. Ett nytt "
                    "beslut ersätter det bara om du skriver skälet till det nya "
                    "beslutet."
                )
                % {"year": year, "decided_on": format(current.decided_on, "%Y-%m-%d")}
            ),
            "reason",
        )
    data = selectors.draft(user=actor, year=year)
    if not data.can_decide or data.settings is None or data.calculation is None:
        messages = list(data.problems)
        for row in data.rows:
            messages.extend(f"{row.name}: {m}" for m in row.missing)
        raise RuleViolation(
            violations=[
                Violation(
                    "R-STATE-MODEL",
                    _("Fördelningen för %(year)s kan inte beslutas: %(m)s") % {"year": year, "m": m},
                    None,
                )
                for m in (messages or [_("underlaget är ofullständigt.")])
            ]
        )
    settings = data.settings
    calculation = data.calculation
    if current is not None:
        current.superseded = True
        current.save(update_fields=["superseded"])
    try:
        decision = _create_decision(
            year=year,
            decided_on=decided_on,
            reference=reference.strip(),
            reason=reason.strip(),
            decided_by_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
            appropriation=calculation.appropriation,
            base_amount=calculation.base_amount,
            need_weight=settings.need_weight,
            population_weight=settings.population_weight,
            max_reduction=settings.max_reduction,
            equity_level_percent=settings.equity_level_percent,
            population_year=settings.population_year,
            support_measure_year=settings.support_measure_year,
            need_pool=calculation.need_pool,
            population_pool=calculation.population_pool,
        )
    except IntegrityError as exc:  # someone decided the same year at the same moment
        raise RuleViolation(
            CONFLICT,
            (_("Fördelningen för %(year)s beslutades nyss av någon annan. Ladda om sidan.") % {"year": year}),
            None,
        ) from exc
    rows: list[AllocationRow] = []
    for draft_row in data.rows:
        result = draft_row.result
        assert result is not None
        row = draft_row
        population_16_64, support_measure = row.population_16_64, row.support_measure
        assert population_16_64 is not None and support_measure is not None
        rows.append(
            AllocationRow(
                decision=decision,
                association_id=row.association_id,
                name=row.name,
                population_16_64=population_16_64,
                support_measure=support_measure,
                equity_year=row.equity.year if row.equity else None,
                equity_closing=row.equity.closing if row.equity else None,
                equity_contributions=row.equity.contributions if row.equity else None,
                floor_protected=row.exemption.protected,
                base=result.base,
                need_part=result.need_part,
                population_part=result.population_part,
                model_amount=result.model_amount,
                floor=result.floor,
                floor_adjustment=result.floor_adjustment,
                amount=result.final,
                previous=result.previous,
                at_floor=result.at_floor,
            )
        )
    AllocationRow.objects.bulk_create(rows)
    text = f"Statlig fördelning {year}" + (f", {decision.reference}" if decision.reference else "")
    budgets: dict[str, int] = {}
    for saved in rows:
        outcome = finance_services.state_contribution_set(
            actor=actor,
            association_id=saved.association_id,
            year=year,
            amount=saved.amount,
            decided_on=decided_on,
            reference=text,
        )
        budgets[outcome.budget] = budgets.get(outcome.budget, 0) + 1
    audit.record(
        actor=actor,
        action=AuditAction.ALLOCATION_DECIDE,
        target=decision,
        details={
            "year": year,
            "associations": len(rows),
            "replaces": current.pk if current is not None else None,
            "budgets": budgets,
        },
    )
    return decision
