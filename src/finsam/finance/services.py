"""Every write of finance. Keyword-only, atomic, authorised against the actor's scope, audited.

A broken rule raises RuleViolation before anything is written; the transaction makes sure that a later
failure leaves nothing half-written either. Amounts come in as typed (strings from a form or the API,
Decimals from code) and are checked by `rules.check_amount`, so a page, the API and the command line
refuse the same input with the same message.

Status of a budget: draft → consulted (set when every member has a recorded budget consultation) →
adopted. Frame and lines may change until adoption; an adopted budget is fixed, and only its outcome
(actual costs, contributions received) is entered, until the year is closed and its result carried to
equity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from finsam.core import audit
from finsam.core.access import Actor, require, scope_for
from finsam.core.errors import RuleViolation, Violation, check_version, raise_if_any
from finsam.core.money import format_kr
from finsam.core.roles import Capability
from finsam.core.updates import model_update
from finsam.finance import rules, selectors
from finsam.finance.audit_actions import AuditAction
from finsam.finance.models import (
    Budget,
    BudgetConsultation,
    BudgetLine,
    BudgetStatus,
    Contribution,
    CostType,
    LineKind,
    Outcome,
    Population,
    StateContribution,
    SupportMeasure,
)
from finsam.registry import selectors as registry_selectors
from finsam.registry.schemas import PartyKind

if TYPE_CHECKING:
    from finsam.registry.models import Association, Member, Person

FIRST_YEAR = 2004  # finansiell samordning began in 2004
LAST_YEAR = 2199
FIRST_POPULATION_YEAR = 1968  # SCB's series of population per municipality begins in 1968
MAX_LINES = 200
# A budget is made in the autumn before its year; SCB's latest population then is 31 December two years
# before the budget year (published in February). The charter may say otherwise: the year can be changed.
POPULATION_LAG = 2
IMPORT_BATCH = 100


def _require_edit(actor: Actor, association_id: int) -> None:
    require(actor, Capability.FINANCE_EDIT, association_id)


def _lock(budget: Budget, version: int | None, what: str | None = None) -> Budget:
    """The budget, locked for the write; R-CONFLICT when it changed since the editor opened `version`
    (the pages keep what the editor typed)."""
    locked = Budget.objects.select_for_update().select_related("association", "charter").get(pk=budget.pk)
    check_version(locked.version, version, what or gettext("budgeten"), kept=True)
    return locked


def _check_year(
    year: object, field: str, violations: list[Violation], *, first: int = FIRST_YEAR
) -> int | None:
    if isinstance(year, bool) or not isinstance(year, int) or not first <= year <= LAST_YEAR:
        violations.append(
            Violation(
                "R-INPUT",
                gettext("Ange ett år mellan %(first)s och %(last_year)s.")
                % {"first": first, "last_year": LAST_YEAR},
                field,
            )
        )
        return None
    return year


# --- contributions (R-SHARES) -------------------------------------------------------------------


@dataclass(frozen=True)
class _ComputedShare:
    member: Member
    amount: Decimal
    population: int | None
    percent: Decimal | None


def _compute_contributions(
    *, association: Association, year: int, frame: Decimal, population_year: int
) -> tuple[Any, list[_ComputedShare]]:
    """The charter in force on 1 January and each member's share of `frame` under its key (R-SHARES)."""
    charter = selectors.charter_for_year(association_id=association.pk, year=year)
    if charter is None:
        raise RuleViolation(
            "R-SHARES",
            (
                gettext(
                    "Förbundet har ingen förbundsordning som gäller den 1 januari "
                    "%(year)s; utan den går bidragen inte att fördela. Registrera "
                    "förbundsordningen först."
                )
                % {"year": year}
            ),
            "year",
        )
    members = selectors.members_on(association_id=association.pk, day=date(year, 1, 1))
    regions = [m for m in members if m.kind == PartyKind.REGION]
    municipalities = [m for m in members if m.kind == PartyKind.MUNICIPALITY]
    fixed = {share.member_id: share.percent for share in charter.shares.all()}
    violations: list[Violation] = []
    if not any(m.kind == PartyKind.FK for m in members):
        violations.append(
            Violation(
                "R-MEMBERS",
                gettext("Försäkringskassan är inte medlem den 1 januari %(year)s.") % {"year": year},
                "year",
            )
        )

    municipal_population = selectors.populations(
        municipality_ids=[m.municipality_id for m in municipalities if m.municipality_id],
        year=population_year,
    )
    region_population = selectors.region_populations(
        region_ids=[m.region_id for m in regions if m.region_id], year=population_year
    )
    needs_population = charter.municipal_key == rules.POPULATION and len(municipalities) > 1
    missing = [m.name for m in municipalities if m.municipality_id not in municipal_population]
    if needs_population and missing:
        violations.append(
            Violation(
                "R-SHARES",
                (
                    gettext(
                        "Folkmängden %(population_year)s saknas för %(list)s. Importera "
                        "SCB:s befolkningstabell eller fyll i folkmängden för året."
                    )
                    % {"population_year": population_year, "list": ", ".join(missing)}
                ),
                "population_year",
            )
        )
    if charter.region_key == rules.POPULATION and len(regions) > 1:
        without = [m.name for m in regions if m.region_id not in region_population]
        if without:
            violations.append(
                Violation(
                    "R-SHARES",
                    (
                        gettext("Folkmängden %(population_year)s saknas för kommunerna i %(list)s.")
                        % {"population_year": population_year, "list": ", ".join(without)}
                    ),
                    "population_year",
                )
            )
    raise_if_any(violations)

    def party(member: Member, population: int | None, key: str, group_size: int) -> rules.PartyInput:
        """Only the key data the key uses: a single party takes its whole group part without any."""
        return rules.PartyInput(
            code=member.code,
            name=member.name,
            population=population if key == rules.POPULATION and group_size > 1 else None,
            share=fixed.get(member.pk) if key == rules.FIXED else None,
        )

    result = rules.calculate_contributions(
        rules.ContributionInput(
            total=frame,
            municipalities=[
                party(
                    m,
                    municipal_population.get(m.municipality_id or 0),
                    charter.municipal_key,
                    len(municipalities),
                )
                for m in municipalities
            ],
            regions=[
                party(m, region_population.get(m.region_id or 0), charter.region_key, len(regions))
                for m in regions
            ],
            municipal_key=charter.municipal_key,
            region_key=charter.region_key,
        )
    )
    by_kind_code = {(share.kind, share.code): share.amount for share in result.shares}
    computed: list[_ComputedShare] = []
    # The population is kept with the contribution only where the key used it: a region's figure is the
    # sum of its municipalities in the table, which is complete only when the key needed it.
    for member in members:
        amount = by_kind_code.get((str(member.kind), member.code), rules.ZERO)
        population = None
        if member.kind == PartyKind.MUNICIPALITY and charter.municipal_key == rules.POPULATION:
            population = municipal_population.get(member.municipality_id or 0)
        elif member.kind == PartyKind.REGION and charter.region_key == rules.POPULATION and len(regions) > 1:
            population = region_population.get(member.region_id or 0)
        computed.append(_ComputedShare(member, amount, population, fixed.get(member.pk)))
    return charter, computed


def _store_contributions(budget: Budget, shares: list[_ComputedShare]) -> None:
    Contribution.objects.filter(budget=budget).delete()
    Contribution.objects.bulk_create(
        Contribution(
            budget=budget,
            member=share.member,
            position=position,
            amount=share.amount,
            population=share.population,
            percent=share.percent,
        )
        for position, share in enumerate(shares)
    )


# --- budgets ------------------------------------------------------------------------------------


@transaction.atomic
def budget_create(
    *,
    actor: Actor,
    association: Association,
    year: int,
    frame: object,
    population_year: int | None = None,
    opening_equity: object | None = None,
) -> Budget:
    """A draft budget for `year`, its contributions computed from the charter's key (R-SHARES).

    Opening equity is the previous year's closing equity when that year is closed; otherwise the value
    given, or else the previous year's forecast closing equity (`selectors.equity_forecast`), or zero
    for the first budget in the platform.
    """
    _require_edit(actor, association.pk)
    violations: list[Violation] = []
    year_value = _check_year(year, "year", violations)
    frame_value = rules.check_amount(
        frame, field="frame", label=gettext("Budgetramen"), violations=violations
    )
    if population_year is None and year_value is not None:
        population_year = year_value - POPULATION_LAG
    checked = (
        None
        if year_value is None
        else _check_year(population_year, "population_year", violations, first=FIRST_POPULATION_YEAR)
    )
    if year_value is not None and checked is not None and checked >= year_value:
        violations.append(
            Violation(
                "R-SHARES",
                gettext("Folkmängden ska vara från ett tidigare år än budgetåret (oftast två år före)."),
                "population_year",
            )
        )
    opening = None
    if opening_equity not in (None, ""):
        opening = _signed_amount(
            opening_equity, "opening_equity", gettext("Ingående eget kapital"), violations
        )
    raise_if_any(violations)
    assert year_value is not None and frame_value is not None and population_year is not None
    if Budget.objects.filter(association=association, year=year_value).exists():
        raise RuleViolation(
            "R-BUDGET",
            gettext("Förbundet har redan en budget för %(year_value)s.") % {"year_value": year_value},
            "year",
        )

    charter, shares = _compute_contributions(
        association=association, year=year_value, frame=frame_value, population_year=population_year
    )
    previous = Budget.objects.filter(association=association, year=year_value - 1).select_related("outcome")
    previous_budget = previous.first()
    if previous_budget is not None and selectors.has_outcome(budget=previous_budget):
        opening = previous_budget.outcome.closing_equity
    elif previous_budget is not None and opening is None:
        # Until last year is closed, this year opens with last year's forecast closing equity; a budget
        # of last year without lines forecasts nothing, so its opening equity carries over unchanged.
        forecast = selectors.equity_forecast(budget=previous_budget)
        opening = forecast.closing if forecast is not None else previous_budget.opening_equity
    budget = Budget.objects.create(
        association=association,
        year=year_value,
        frame=frame_value,
        charter=charter,
        population_year=population_year,
        opening_equity=opening if opening is not None else rules.ZERO,
    )
    _store_contributions(budget, shares)
    audit.record(
        actor=actor,
        action=AuditAction.BUDGET_CREATE,
        target=budget,
        association_id=association.pk,
        details={"year": year_value},
    )
    return budget


def _signed_amount(value: object, field: str, label: str, violations: list[Violation]) -> Decimal | None:
    """An amount that may be negative (equity): the same checks as an amount, on its absolute value."""
    text = value.strip() if isinstance(value, str) else value
    negative = False
    if isinstance(text, str) and text[:1] in ("-", "−"):
        negative, text = True, text[1:]
    elif isinstance(text, Decimal | int) and not isinstance(text, bool) and text < 0:
        negative, text = True, -text
    amount = rules.check_amount(text, field=field, label=label, violations=violations)
    if amount is None:
        return None
    return -amount if negative else amount


@dataclass(frozen=True)
class LineInput:
    """One line of a budget edit. `id` None for a new line; `delete` removes an existing one."""

    kind: str
    amount: object
    id: int | None = None
    intervention_id: int | None = None
    cost_type: str = ""
    label: str = ""
    delete: bool = False


def _line_violations(
    budget: Budget, lines: Sequence[LineInput], intervention_ids: set[int], existing: dict[int, BudgetLine]
) -> tuple[list[Violation], list[Decimal | None]]:
    violations: list[Violation] = []
    amounts: list[Decimal | None] = []
    kept = [line for line in lines if not line.delete]
    if len(kept) > MAX_LINES:
        violations.append(
            Violation(
                "R-INPUT",
                gettext("En budget kan ha högst %(max_lines)s poster.") % {"max_lines": MAX_LINES},
                "lines",
            )
        )
    seen_interventions: set[int] = set()
    for index, line in enumerate(lines):
        field = f"lines[{index}]"
        if line.id is not None and line.id not in existing:
            violations.append(
                Violation("R-INPUT", gettext("Budgetposten finns inte i budgeten."), f"{field}.id")
            )
        if line.delete:
            amounts.append(None)
            continue
        if line.kind not in LineKind.values:
            violations.append(
                Violation("R-INPUT", gettext("Välj om posten är en insats eller administration."), field)
            )
        elif line.kind == LineKind.INTERVENTION:
            if line.intervention_id is None and not line.label.strip():
                violations.append(
                    Violation(
                        "R-REQUIRED",
                        gettext("Välj insatsen eller skriv en benämning för posten."),
                        f"{field}.label",
                    )
                )
            if line.intervention_id is not None:
                if line.intervention_id not in intervention_ids:
                    violations.append(
                        Violation(
                            "R-INPUT", gettext("Insatsen hör inte till förbundet."), f"{field}.intervention"
                        )
                    )
                elif line.intervention_id in seen_interventions:
                    violations.append(
                        Violation(
                            "R-BUDGET",
                            gettext("Samma insats finns på mer än en budgetpost."),
                            f"{field}.intervention",
                        )
                    )
                seen_interventions.add(line.intervention_id)
        elif line.cost_type not in CostType.values:
            violations.append(
                Violation(
                    "R-REQUIRED",
                    gettext("Välj kostnadsslag för administrationsposten."),
                    f"{field}.cost_type",
                )
            )
        if len(line.label) > 200:
            violations.append(
                Violation("R-INPUT", gettext("Benämningen får vara högst 200 tecken."), f"{field}.label")
            )
        amounts.append(
            rules.check_amount(
                line.amount,
                field=f"{field}.amount",
                label=gettext("Beloppet"),
                violations=violations,
            )
        )
    costs = sum((a for a in amounts if a is not None), rules.ZERO)
    if costs > rules.MAX_AMOUNT:
        violations.append(
            Violation(
                "R-INPUT",
                gettext("Posterna summerar till mer än %(format_kr)s.")
                % {"format_kr": format_kr(rules.MAX_AMOUNT)},
                "lines",
            )
        )
    return violations, amounts


@transaction.atomic
def budget_update(
    *,
    actor: Actor,
    budget: Budget,
    version: int,
    frame: object,
    population_year: int,
    opening_equity: object | None = None,
    lines: Sequence[LineInput] = (),
) -> Budget:
    """Saves the frame, the population year and the lines in one go; recomputes the contributions.

    Optimistic locking: `version` is the one the editor opened. If someone saved since, nothing is saved
    and R-CONFLICT is raised (the page keeps what this editor typed). An adopted budget cannot change.
    Opening equity can be set only while the previous year has no closed outcome (it is carried from it).
    """
    _require_edit(actor, budget.association_id)
    locked = _lock(budget, version)
    if locked.status == BudgetStatus.ADOPTED:
        raise RuleViolation(
            "R-BUDGET",
            gettext("Budgeten för %(year)s är fastställd och kan inte ändras.") % {"year": locked.year},
            "frame",
        )
    violations: list[Violation] = []
    frame_value = rules.check_amount(
        frame, field="frame", label=gettext("Budgetramen"), violations=violations
    )
    if (
        _check_year(population_year, "population_year", violations, first=FIRST_POPULATION_YEAR) is not None
        and population_year >= locked.year
    ):
        violations.append(
            Violation(
                "R-SHARES",
                gettext("Folkmängden ska vara från ett tidigare år än budgetåret (oftast två år före)."),
                "population_year",
            )
        )
    previous = selectors.previous_budget(budget=locked)
    carried = previous is not None and selectors.has_outcome(budget=previous)
    opening: Decimal | None = locked.opening_equity
    if opening_equity not in (None, "") and not carried:
        opening = _signed_amount(
            opening_equity, "opening_equity", gettext("Ingående eget kapital"), violations
        )
    existing = {line.pk: line for line in BudgetLine.objects.filter(budget=locked)}
    from finsam.interventions import selectors as intervention_selectors

    intervention_ids = (
        set(
            intervention_selectors.intervention_list(
                user=actor, association_id=locked.association_id, capability=Capability.INTERVENTION_VIEW
            ).values_list("pk", flat=True)
        )
        if any(line.intervention_id for line in lines)
        else set()
    )
    line_violations, amounts = _line_violations(locked, lines, intervention_ids, existing)
    violations += line_violations
    raise_if_any(violations)
    assert frame_value is not None and opening is not None

    charter, shares = _compute_contributions(
        association=locked.association, year=locked.year, frame=frame_value, population_year=population_year
    )
    line_changes = _apply_lines(locked, lines, amounts, existing)
    changed = model_update(
        actor=actor,
        instance=locked,
        values={
            "frame": frame_value,
            "population_year": population_year,
            "opening_equity": opening,
            "charter_id": charter.pk,
        },
        action=AuditAction.BUDGET_UPDATE,
        association_id=locked.association_id,
        changed_elsewhere=bool(line_changes),
        details={"lines": line_changes},
    )
    if changed or line_changes:
        _store_contributions(locked, shares)
    return locked


def _apply_lines(
    budget: Budget, lines: Sequence[LineInput], amounts: list[Decimal | None], existing: dict[int, BudgetLine]
) -> dict[str, int]:
    counts = {"added": 0, "changed": 0, "deleted": 0}
    position = 0
    for line, amount in zip(lines, amounts, strict=True):
        if line.delete:
            if line.id is not None:
                existing[line.id].delete()
                counts["deleted"] += 1
            continue
        position += 1
        values = {
            "kind": line.kind,
            "intervention_id": line.intervention_id if line.kind == LineKind.INTERVENTION else None,
            "cost_type": line.cost_type if line.kind == LineKind.ADMINISTRATION else "",
            "label": line.label.strip(),
            "amount": amount,
            "position": position,
        }
        if line.id is None:
            BudgetLine.objects.create(budget=budget, **values)
            counts["added"] += 1
            continue
        current = existing[line.id]
        differs = [name for name, value in values.items() if getattr(current, name) != value]
        if differs:
            for name, value in values.items():
                setattr(current, name, value)
            current.save()
            if differs != ["position"]:
                counts["changed"] += 1
    return {name: count for name, count in counts.items() if count}


# --- consultation and adoption (R-BUDGET) -------------------------------------------------------


@transaction.atomic
def consultation_record(
    *,
    actor: Actor,
    budget: Budget,
    member: Member,
    held_on: date,
    representative: Person,
    comments: str = "",
) -> BudgetConsultation:
    """Records the budget consultation with one member (law 23 §). The person must be the member's
    representative on that day. When every member has been consulted the budget's status becomes
    "consulted"."""
    _require_edit(actor, budget.association_id)
    locked = _lock(budget, None)
    violations: list[Violation] = []
    if locked.status == BudgetStatus.ADOPTED:
        violations.append(
            Violation(
                "R-BUDGET",
                gettext("Budgeten är redan fastställd; samrådet skulle inte påverka den."),
                "held_on",
            )
        )
    members = {m.pk: m for m in selectors.budget_members(budget=locked)}
    if member.pk not in members:
        violations.append(
            Violation(
                "R-BUDGET",
                gettext("%(name)s är inte medlem i förbundet under %(year)s.")
                % {"name": member.name, "year": locked.year},
                "member",
            )
        )
    if held_on > selectors.today():
        violations.append(
            Violation("R-DATES", gettext("Ett samråd kan registreras först när det har hållits."), "held_on")
        )
    elif held_on.year < locked.year - 2:
        violations.append(
            Violation(
                "R-DATES",
                gettext("Samrådet om budgeten för %(year)s kan inte ha hållits så tidigt.")
                % {"year": locked.year},
                "held_on",
            )
        )
    represents = registry_selectors.representatives().filter(
        Q(end__isnull=True) | Q(end__gte=held_on), member=member, person=representative, start__lte=held_on
    )
    if not represents.exists():
        violations.append(
            Violation(
                "R-BUDGET",
                (
                    gettext("%(name)s var inte medlemsrepresentant för %(name2)s den %(held_on)s.")
                    % {
                        "name": representative.name,
                        "name2": member.name,
                        "held_on": format(held_on, "%Y-%m-%d"),
                    }
                ),
                "representative",
            )
        )
    if len(comments) > 5000:
        violations.append(
            Violation("R-INPUT", gettext("Synpunkterna får vara högst 5 000 tecken."), "comments")
        )
    raise_if_any(violations)
    consultation = BudgetConsultation.objects.create(
        budget=locked,
        member=member,
        held_on=held_on,
        representative=representative,
        comments=comments.strip(),
    )
    details: dict[str, Any] = {"member": member.pk}
    if locked.status == BudgetStatus.DRAFT and not selectors.unconsulted_members(budget=locked):
        locked.status = BudgetStatus.CONSULTED
        locked.version += 1
        locked.save()
        details["status"] = BudgetStatus.CONSULTED
    audit.record(
        actor=actor,
        action=AuditAction.BUDGET_CONSULTATION,
        target=consultation,
        association_id=locked.association_id,
        details=details,
    )
    return consultation


@transaction.atomic
def budget_adopt(
    *, actor: Actor, budget: Budget, adopted_on: date, reference: str = "", version: int | None = None
) -> Budget:
    """The board's adoption (R-BUDGET). Refused without a budget consultation with every member and for
    an association that is not valid on the day (R-MEMBERS). Adoption after 30 November of the year
    before is allowed and flagged (`adopted_late`)."""
    _require_edit(actor, budget.association_id)
    locked = _lock(budget, version)
    violations: list[Violation] = []
    if locked.status == BudgetStatus.ADOPTED:
        raise RuleViolation(
            "R-BUDGET",
            gettext("Budgeten för %(year)s är redan fastställd.") % {"year": locked.year},
            "adopted_on",
        )
    if adopted_on.year < locked.year - 2 or adopted_on.year > locked.year:
        violations.append(
            Violation(
                "R-DATES",
                (
                    gettext("Budgeten för %(year)s fastställs hösten före budgetåret, senast under året.")
                    % {"year": locked.year}
                ),
                "adopted_on",
            )
        )
    if not registry_selectors.association_is_valid(association_id=locked.association_id, day=adopted_on):
        violations.append(
            Violation(
                "R-MEMBERS",
                gettext(
                    "Förbundet är inte giltigt (Försäkringskassan, "
                    "Arbetsförmedlingen, minst en region och minst en kommun ska "
                    "vara medlemmar) och kan inte fastställa en budget."
                ),
                "adopted_on",
            )
        )
    missing = selectors.unconsulted_members(budget=locked)
    if missing:
        violations.append(
            Violation(
                "R-BUDGET",
                gettext(
                    "Styrelsen ska samråda med varje medlem innan budgeten "
                    "fastställs (23 §). Samråd saknas med %(members)s."
                )
                % {"members": ", ".join(m.name for m in missing)},
                "adopted_on",
            )
        )
    if len(reference) > 100:
        violations.append(Violation("R-INPUT", gettext("Paragrafen får vara högst 100 tecken."), "reference"))
    raise_if_any(violations)
    locked.status = BudgetStatus.ADOPTED
    locked.adopted_on = adopted_on
    locked.adoption_reference = reference.strip()
    locked.adopted_late = rules.adopted_late(locked.year, adopted_on)
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        action=AuditAction.BUDGET_ADOPT,
        target=locked,
        association_id=locked.association_id,
        details={"late": locked.adopted_late},
    )
    return locked


# --- outcome and equity ---------------------------------------------------------------------------


@transaction.atomic
def outcome_update(
    *,
    actor: Actor,
    budget: Budget,
    version: int,
    actuals: Mapping[int, object],
    received: Mapping[int, object],
) -> Budget:
    """Actual costs per line (line id → amount or None) and contributions received (contribution id →
    amount or None) of an adopted budget whose year is not closed. Optimistic locking as for the budget."""
    _require_edit(actor, budget.association_id)
    locked = _lock(budget, version, gettext("utfallet"))
    if locked.status != BudgetStatus.ADOPTED:
        raise RuleViolation("R-OUTCOME", gettext("Utfall registreras för en fastställd budget."), None)
    if selectors.has_outcome(budget=locked):
        raise RuleViolation(
            "R-OUTCOME",
            gettext("Bokslutet för %(year)s är klart; utfallet kan inte ändras.") % {"year": locked.year},
            None,
        )
    lines = {line.pk: line for line in BudgetLine.objects.filter(budget=locked)}
    contributions = {c.pk: c for c in Contribution.objects.filter(budget=locked)}
    violations: list[Violation] = []
    new_actuals: dict[int, Decimal | None] = {}
    for line_id, value in actuals.items():
        if line_id not in lines:
            violations.append(
                Violation("R-INPUT", gettext("Budgetposten finns inte i budgeten."), f"actual-{line_id}")
            )
            continue
        new_actuals[line_id] = (
            None
            if value in (None, "")
            else rules.check_amount(
                value,
                field=f"actual-{line_id}",
                label=gettext("Utfallet"),
                violations=violations,
            )
        )
    new_received: dict[int, Decimal | None] = {}
    for contribution_id, value in received.items():
        if contribution_id not in contributions:
            violations.append(
                Violation(
                    "R-INPUT", gettext("Bidraget finns inte i budgeten."), f"received-{contribution_id}"
                )
            )
            continue
        new_received[contribution_id] = (
            None
            if value in (None, "")
            else rules.check_amount(
                value,
                field=f"received-{contribution_id}",
                label=gettext("Inbetalt bidrag"),
                violations=violations,
            )
        )
    raise_if_any(violations)
    changed = 0
    for line_id, amount in new_actuals.items():
        if lines[line_id].actual != amount:
            lines[line_id].actual = amount
            lines[line_id].save(update_fields=["actual"])
            changed += 1
    for contribution_id, amount in new_received.items():
        if contributions[contribution_id].received != amount:
            contributions[contribution_id].received = amount
            contributions[contribution_id].save(update_fields=["received"])
            changed += 1
    if changed:
        locked.version += 1
        locked.save()
        audit.record(
            actor=actor,
            action=AuditAction.BUDGET_OUTCOME,
            target=locked,
            association_id=locked.association_id,
            details={"changed": changed},
        )
    return locked


@transaction.atomic
def outcome_close(*, actor: Actor, budget: Budget, closed_on: date, version: int | None = None) -> Outcome:
    """Closes the year: its result (contributions received less actual costs) is carried to equity.
    opening + result = closing, and the next year's budget opens with the closing equity (R-EQUITY).

    Refused (R-OUTCOME) before the year has ended, with a line or a contribution without outcome, and
    while the previous year's budget in the platform is not closed (its closing is this year's opening).
    """
    _require_edit(actor, budget.association_id)
    locked = _lock(budget, version, gettext("utfallet"))
    violations: list[Violation] = []
    if locked.status != BudgetStatus.ADOPTED:
        violations.append(
            Violation("R-OUTCOME", gettext("Bara en fastställd budget kan bokslutas."), "closed_on")
        )
    if selectors.has_outcome(budget=locked):
        raise RuleViolation(
            "R-OUTCOME",
            gettext("Bokslutet för %(year)s är redan gjort.") % {"year": locked.year},
            "closed_on",
        )
    if closed_on <= date(locked.year, 12, 31):
        violations.append(
            Violation(
                "R-OUTCOME",
                gettext("Bokslutet för %(year)s görs efter årets slut.") % {"year": locked.year},
                "closed_on",
            )
        )
    elif closed_on > selectors.today():
        violations.append(
            Violation("R-DATES", gettext("Bokslutsdatumet kan inte ligga i framtiden."), "closed_on")
        )
    totals = selectors.budget_totals(budget=locked)
    if not totals.actuals_complete:
        violations.append(
            Violation(
                "R-OUTCOME",
                gettext("Fyll i utfallet för varje budgetpost (0 om inget har använts)."),
                "closed_on",
            )
        )
    if not totals.contributions_complete:
        violations.append(
            Violation(
                "R-OUTCOME",
                gettext("Fyll i inbetalt bidrag för varje medlem (0 om inget har betalats)."),
                "closed_on",
            )
        )
    previous = selectors.previous_budget(budget=locked)
    if previous is not None and not selectors.has_outcome(budget=previous):
        violations.append(
            Violation(
                "R-OUTCOME",
                (
                    gettext(
                        "Gör bokslutet för %(year)s först: dess utgående eget kapital är "
                        "ingående för %(year2)s."
                    )
                    % {"year": previous.year, "year2": locked.year}
                ),
                "closed_on",
            )
        )
    raise_if_any(violations)
    position = rules.equity_position(
        opening=locked.opening_equity,
        result=totals.outcome_result,
        contributions=totals.received,
        reference_percent=selectors.reference_percent(),
    )
    outcome = Outcome.objects.create(
        budget=locked,
        closed_on=closed_on,
        income=totals.received,
        costs=totals.actual,
        result=position.result,
        opening_equity=position.opening,
        closing_equity=position.closing,
    )
    following = (
        Budget.objects.select_for_update()
        .filter(association_id=locked.association_id, year=locked.year + 1)
        .first()
    )
    if following is not None and following.opening_equity != position.closing:
        following.opening_equity = position.closing
        following.version += 1
        following.save()
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        action=AuditAction.BUDGET_CLOSE,
        target=outcome,
        association_id=locked.association_id,
        details={"year": locked.year, "equity_status": position.status},
    )
    return outcome


# --- populations ----------------------------------------------------------------------------------


def _require_population_edit(actor: Actor, municipality_ids: set[int]) -> None:
    scope = scope_for(actor, Capability.POPULATION_EDIT)
    if scope.empty:
        raise PermissionDenied
    if scope.all:
        return
    allowed = set(selectors.population_editable_municipalities(user=actor).values_list("pk", flat=True))
    if not municipality_ids <= allowed:
        raise PermissionDenied


@transaction.atomic
def population_set(*, actor: Actor, year: int, figures: Mapping[str, object]) -> int:
    """Sets the populations of one year: municipality code → population (None or "" leaves it as is).
    Returns the number of figures changed."""
    violations: list[Violation] = []
    _check_year(year, "year", violations, first=FIRST_POPULATION_YEAR)
    municipalities = {m.code: m for m in registry_selectors.municipalities().filter(code__in=list(figures))}
    values: dict[int, int] = {}
    for code, value in figures.items():
        if code not in municipalities:
            violations.append(
                Violation(
                    "R-INPUT",
                    gettext("Det finns ingen kommun med koden %(code)s.") % {"code": code},
                    f"population-{code}",
                )
            )
            continue
        if value in (None, ""):
            continue
        text = value.replace(" ", "").replace("\u00a0", "") if isinstance(value, str) else value
        number = rules.check_population(
            text,
            field=f"population-{code}",
            label=gettext("Folkmängden för %(name)s") % {"name": municipalities[code].name},
            violations=violations,
        )
        if number is not None:
            values[municipalities[code].pk] = number
    raise_if_any(violations)
    _require_population_edit(actor, {m.pk for m in municipalities.values()})
    changed = _store_populations(year_rows={(pk, year): number for pk, number in values.items()})
    if changed:
        audit.record(
            actor=actor, action=AuditAction.POPULATION_SET, details={"year": year, "changed": changed}
        )
    return changed


def _store_populations(
    *, year_rows: dict[tuple[int, int], int], working_age: Mapping[tuple[int, int], int] | None = None
) -> int:
    """Upserts (municipality id, year) → population, and the population aged 16-64 where `working_age`
    has it (a figure without one leaves a stored 16-64 figure as it is); returns how many rows were created
    or changed."""
    working_age = working_age or {}
    years = {year for _, year in year_rows}
    existing = {
        (row.municipality_id, row.year): row
        for row in Population.objects.filter(year__in=years, municipality_id__in={pk for pk, _ in year_rows})
    }
    create, update = [], []
    for (municipality_id, year), population in year_rows.items():
        row = existing.get((municipality_id, year))
        aged = working_age.get((municipality_id, year))
        if row is None:
            create.append(
                Population(
                    municipality_id=municipality_id, year=year, population=population, population_16_64=aged
                )
            )
        elif row.population != population or (aged is not None and row.population_16_64 != aged):
            row.population = population
            if aged is not None:
                row.population_16_64 = aged
            update.append(row)
    Population.objects.bulk_create(create, batch_size=500)
    Population.objects.bulk_update(update, ["population", "population_16_64"], batch_size=500)
    return len(create) + len(update)


@dataclass(frozen=True)
class PopulationFigure:
    code: str
    year: int
    population: int
    population_16_64: int | None = None


@transaction.atomic
def population_import(
    *,
    actor: Actor,
    figures: Sequence[PopulationFigure],
    progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
) -> dict[str, int]:
    """Stores imported populations (all or nothing), in batches that `progress` may wrap (a progress
    bar). Unknown municipality codes are refused before anything is written."""
    codes = {figure.code for figure in figures}
    municipalities = dict(
        registry_selectors.municipalities().filter(code__in=codes).values_list("code", "pk")
    )
    unknown = sorted(codes - set(municipalities))
    if unknown:
        more = " …" if len(unknown) > 10 else ""
        raise RuleViolation(
            "R-INPUT",
            gettext("Okända kommunkoder: %(list)s%(more)s.")
            % {"list": ", ".join(unknown[:10]), "more": more},
            "code",
        )
    _require_population_edit(actor, set(municipalities.values()))
    rows = {(municipalities[f.code], f.year): f.population for f in figures}
    working_age = {
        (municipalities[f.code], f.year): f.population_16_64
        for f in figures
        if f.population_16_64 is not None
    }
    items = list(rows.items())
    batches = [dict(items[start : start + IMPORT_BATCH]) for start in range(0, len(items), IMPORT_BATCH)]
    changed = 0
    for batch in progress(batches) if progress is not None else batches:
        changed += _store_populations(year_rows=batch, working_age=working_age)
    years = sorted({f.year for f in figures})
    audit.record(
        actor=actor,
        action=AuditAction.POPULATION_IMPORT,
        details={"years": years, "rows": len(rows), "changed": changed, "aged_16_64": len(working_age)},
    )
    return {"rows": len(rows), "changed": changed, "years": len(years)}


# --- the state model's data (R-STATE-MODEL) ----------------------------------------------------------


@transaction.atomic
def support_measure_import(*, actor: Actor, data: bytes) -> dict[str, int]:
    """Stores the försörjningsmått per municipality and year of a CSV file (support_measure_csv), all or
    nothing: a wrong header refuses with one violation, bad rows with one violation each (line and field
    named); then nothing is written. The working group's data: national roles that edit the state
    allocation (and the system) only. Returns the number of rows and of created or changed values."""
    from finsam.finance import support_measure_csv

    require(actor, Capability.STATE_ALLOCATION_EDIT)
    known = registry_selectors.municipalities().values_list("code", flat=True)
    try:
        parsed = support_measure_csv.parse(data, known_codes=known)
    except support_measure_csv.SupportMeasureFileError as exc:
        raise RuleViolation("R-INPUT", str(exc), "file") from exc
    if parsed.errors:
        more = len(parsed.errors) >= support_measure_csv.MAX_ERRORS
        summary = Violation(
            "R-INPUT",
            (
                gettext("Ingenting har lästs in: %(count)s rader har fel (de första visas).")
                if more
                else gettext("Ingenting har lästs in: %(count)s rader har fel.")
            )
            % {"count": len(parsed.errors)},
            "file",
        )
        raise RuleViolation(violations=[summary, *(Violation("R-INPUT", e, "file") for e in parsed.errors)])
    municipalities = dict(
        registry_selectors.municipalities()
        .filter(code__in={row.code for row in parsed.rows})
        .values_list("code", "pk")
    )
    years = {row.year for row in parsed.rows}
    existing = {
        (m.municipality_id, m.year): m
        for m in SupportMeasure.objects.filter(year__in=years, municipality_id__in=municipalities.values())
    }
    create, update = [], []
    for row in parsed.rows:
        key = (municipalities[row.code], row.year)
        current = existing.get(key)
        if current is None:
            create.append(SupportMeasure(municipality_id=key[0], year=row.year, value=row.value))
        elif current.value != row.value:
            current.value = row.value
            update.append(current)
    SupportMeasure.objects.bulk_create(create, batch_size=500)
    SupportMeasure.objects.bulk_update(update, ["value"], batch_size=500)
    audit.record(
        actor=actor,
        action=AuditAction.SUPPORT_MEASURE_IMPORT,
        details={"years": sorted(years), "rows": len(parsed.rows), "changed": len(create) + len(update)},
    )
    return {"rows": len(parsed.rows), "changed": len(create) + len(update), "years": len(years)}


@dataclass(frozen=True)
class StateContributionOutcome:
    """What `state_contribution_set` did with the year's budget: "updated" (its frame is now twice the
        state's contribution, so that FK's half is exactly it), "adopted" (an adopted budget is not changed;
        the difference is shown on it), "blocked" (the contributions cannot be computed, e.g. populations
    missing: the budget is left as it is), "none" (no budget yet) or "unchanged"."""

    contribution: StateContribution
    budget: str


@transaction.atomic
def state_contribution_set(
    *, actor: Actor, association_id: int, year: int, amount: Decimal, decided_on: date, reference: str
) -> StateContributionOutcome:
    """Records the state's decided contribution to a förbund for `year` (the FK part, R-STATE-MODEL).

    The state pays half of a förbund's means, the region and the municipalities a quarter each (law 5 §,
    R-SHARES), so a budget of the year that is not yet adopted takes the decision as its frame's FK half:
    its frame becomes twice the amount and the members' contributions are computed again by the charter's
    key. An adopted budget is never changed; the decided amount is kept beside it. Audited.
    """
    require(actor, Capability.STATE_ALLOCATION_EDIT)
    violations: list[Violation] = []
    value = rules.check_amount(amount, field="amount", label=gettext("Statens bidrag"), violations=violations)
    _check_year(year, "year", violations)
    raise_if_any(violations)
    assert value is not None
    contribution, created = StateContribution.objects.select_for_update().get_or_create(
        association_id=association_id,
        year=year,
        defaults={"amount": value, "decided_on": decided_on, "reference": reference[:200]},
    )
    if not created:
        contribution.amount = value
        contribution.decided_on = decided_on
        contribution.reference = reference[:200]
        contribution.save()
    budget = (
        Budget.objects.select_for_update()
        .select_related("association")
        .filter(association_id=association_id, year=year)
        .first()
    )
    outcome = "none"
    if budget is not None and budget.status == BudgetStatus.ADOPTED:
        outcome = "adopted"
    elif budget is not None:
        frame = value * 2
        outcome = "unchanged"
        if budget.frame != frame:
            try:
                charter, shares = _compute_contributions(
                    association=budget.association,
                    year=budget.year,
                    frame=frame,
                    population_year=budget.population_year,
                )
            except RuleViolation:
                outcome = "blocked"
            else:
                budget.frame = frame
                budget.charter = charter
                budget.version += 1
                budget.save()
                _store_contributions(budget, shares)
                outcome = "updated"
    audit.record(
        actor=actor,
        action=AuditAction.STATE_CONTRIBUTION_SET,
        target=contribution,
        association_id=association_id,
        details={"year": year, "budget": outcome},
    )
    return StateContributionOutcome(contribution=contribution, budget=outcome)
