"""Every write to interventions. Keyword-only, atomic, authorised against the actor's scope, audited.

A broken rule raises RuleViolation before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from finsam.accounts import selectors as account_selectors
from finsam.core import audit
from finsam.core.access import Actor, require
from finsam.core.errors import Violation, check_version, raise_if_any
from finsam.core.roles import Capability, Role
from finsam.core.updates import model_update
from finsam.interventions import rules, selectors
from finsam.interventions.audit_actions import AuditAction
from finsam.interventions.models import Intervention, PlannedParticipants, StructuralCount

if TYPE_CHECKING:
    from finsam.registry.models import Association, Member


def _text(value: str) -> str:
    return value.strip()


def _relation_violations(
    *, association_id: int, providers: Sequence[Member], coordinators: Sequence[Any]
) -> list[Violation]:
    violations: list[Violation] = []
    if any(member.association_id != association_id for member in providers):
        violations.append(
            Violation("R-PARTY", _("En utförande part måste vara medlem i samma förbund."), "providers")
        )
    coordinator_ids = {user.pk for user in coordinators}
    if coordinator_ids:
        holding = account_selectors.users_holding(
            role=Role.PARTICIPANT_COORDINATOR, association_id=association_id, user_ids=coordinator_ids
        )
        if holding != coordinator_ids:
            violations.append(
                Violation(
                    "R-ROLE",
                    _("En deltagaransvarig måste ha rollen deltagaransvarig i förbundet."),
                    "coordinators",
                )
            )
    return violations


def _name_violations(*, association_id: int, name: str, exclude_id: int | None) -> list[Violation]:
    clash = (
        Intervention.objects.filter(association_id=association_id, name=_text(name))
        .exclude(pk=exclude_id or 0)
        .exists()
    )
    if clash:
        return [Violation("R-UNIQUE", _("Förbundet har redan en insats med det namnet."), "name")]
    return []


def _save_planned(intervention: Intervention, planned: Sequence[tuple[int, int]]) -> None:
    intervention.planned.all().delete()
    PlannedParticipants.objects.bulk_create(
        PlannedParticipants(intervention=intervention, year=year, count=count) for year, count in planned
    )


@transaction.atomic
def intervention_create(
    *,
    actor: Actor,
    association: Association,
    kind: str,
    name: str,
    start: date,
    end: date | None = None,
    description: str = "",
    target_group: str = "",
    providers: Sequence[Member] = (),
    board_decision_reference: str = "",
    board_decision_date: date | None = None,
    followup_method: str = "",
    esf_cofinanced: bool = False,
    status: str = "planned",
    planned: Sequence[tuple[int, int]] = (),
    coordinators: Sequence[Any] = (),
) -> Intervention:
    require(actor, Capability.INTERVENTION_EDIT, association.pk)
    violations = rules.intervention_violations(
        name=name, kind=kind, status=status, start=start, end=end, planned=planned
    )
    violations += _name_violations(association_id=association.pk, name=name, exclude_id=None)
    violations += _relation_violations(
        association_id=association.pk, providers=providers, coordinators=coordinators
    )
    raise_if_any(violations)
    intervention = Intervention.objects.create(
        association=association,
        kind=kind,
        name=_text(name),
        description=_text(description),
        target_group=_text(target_group),
        start=start,
        end=end,
        board_decision_reference=_text(board_decision_reference),
        board_decision_date=board_decision_date,
        followup_method=_text(followup_method),
        esf_cofinanced=esf_cofinanced,
        status=status,
    )
    intervention.providers.set(providers)
    intervention.coordinators.set(coordinators)
    _save_planned(intervention, planned)
    audit.record(
        actor=actor,
        action=AuditAction.INTERVENTION_CREATE,
        target=intervention,
        association_id=association.pk,
        details={"kind": kind, "coordinators": sorted(u.pk for u in coordinators)},
    )
    return intervention


def _has_followup(intervention: Intervention) -> bool:
    return intervention.structural_counts.exists() or selectors.has_participants(
        intervention_id=intervention.pk
    )


@transaction.atomic
def intervention_update(
    *,
    actor: Actor,
    intervention: Intervention,
    version: int,
    kind: str,
    name: str,
    start: date,
    end: date | None,
    description: str,
    target_group: str,
    providers: Sequence[Member],
    board_decision_reference: str,
    board_decision_date: date | None,
    followup_method: str,
    esf_cofinanced: bool,
    status: str,
    planned: Sequence[tuple[int, int]],
    coordinators: Sequence[Any],
) -> Intervention:
    """Optimistic locking: `version` is the one the editor saw; a newer one means someone else saved."""
    require(actor, Capability.INTERVENTION_EDIT, intervention.association_id)
    locked = Intervention.objects.select_for_update().get(pk=intervention.pk)
    check_version(locked.version, version, _("insatsen"))
    violations = rules.intervention_violations(
        name=name, kind=kind, status=status, start=start, end=end, planned=planned
    )
    violations += _name_violations(association_id=locked.association_id, name=name, exclude_id=locked.pk)
    violations += _relation_violations(
        association_id=locked.association_id, providers=providers, coordinators=coordinators
    )
    if kind != locked.kind and _has_followup(locked):
        violations.append(
            Violation(
                "R-KIND",
                _("Typen kan inte ändras när insatsen har deltagare eller registrerade antal."),
                "kind",
            )
        )
    raise_if_any(violations)
    values = {
        "kind": kind,
        "name": _text(name),
        "start": start,
        "end": end,
        "description": _text(description),
        "target_group": _text(target_group),
        "board_decision_reference": _text(board_decision_reference),
        "board_decision_date": board_decision_date,
        "followup_method": _text(followup_method),
        "esf_cofinanced": esf_cofinanced,
        "status": status,
    }
    related = []
    if {m.pk for m in providers} != set(locked.providers.values_list("pk", flat=True)):
        related.append("providers")
        locked.providers.set(providers)
    if {u.pk for u in coordinators} != set(locked.coordinators.values_list("pk", flat=True)):
        related.append("coordinators")
        locked.coordinators.set(coordinators)
    if sorted(planned) != sorted(locked.planned.values_list("year", "count")):
        related.append("planned")
        _save_planned(locked, planned)
    model_update(
        actor=actor,
        instance=locked,
        values=values,
        action=AuditAction.INTERVENTION_UPDATE,
        association_id=locked.association_id,
        related=related,
    )
    return locked


@transaction.atomic
def structural_count_record(
    *,
    actor: Actor,
    intervention: Intervention,
    period_start: date,
    period_end: date,
    people_trained: int,
    staff_reached: int,
    note: str = "",
) -> StructuralCount:
    """Counts for one period of a structural intervention; a period already recorded is replaced."""
    require(actor, Capability.INTERVENTION_EDIT, intervention.association_id)
    raise_if_any(
        rules.structural_count_violations(
            kind=intervention.kind,
            intervention_start=intervention.start,
            intervention_end=intervention.end,
            period_start=period_start,
            period_end=period_end,
            people_trained=people_trained,
            staff_reached=staff_reached,
        )
    )
    count, created = StructuralCount.objects.update_or_create(
        intervention=intervention,
        period_start=period_start,
        defaults={
            "period_end": period_end,
            "people_trained": people_trained,
            "staff_reached": staff_reached,
            "note": _text(note),
            "recorded_by_id": actor.pk if actor.is_authenticated else None,
        },
    )
    audit.record(
        actor=actor,
        action=AuditAction.STRUCTURAL_COUNT_CREATE if created else "structural_count.update",
        target=count,
        association_id=intervention.association_id,
    )
    return count
