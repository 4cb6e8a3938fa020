"""Every write of the council: its organisations, the representatives of the council and the working
group, and the recommendations. Only the working group (COUNCIL_EDIT) writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from finsam.core import audit
from finsam.core.access import Actor, require
from finsam.core.errors import Violation, check_version, raise_if_any
from finsam.core.roles import Capability
from finsam.core.rulebook import rule_for
from finsam.core.updates import model_update
from finsam.national.audit_actions import AuditAction
from finsam.national.council import rules
from finsam.national.council.models import CouncilOrganisation, CouncilRepresentative, Recommendation

EDIT = Capability.COUNCIL_EDIT


def _codes(codes: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for code in codes:
        code = code.strip().upper()
        if code and code not in seen:
            seen.append(code)
    return seen


@transaction.atomic
def organisation_create(*, actor: Actor, name: str, short_name: str = "") -> CouncilOrganisation:
    require(actor, EDIT)
    raise_if_any([] if name.strip() else [Violation(rules.COUNCIL_INPUT, _("Ange ett namn."), "name")])
    organisation = CouncilOrganisation.objects.create(name=name.strip(), short_name=short_name.strip())
    audit.record(actor=actor, action=AuditAction.COUNCIL_ORGANISATION_CREATE, target=organisation)
    return organisation


@transaction.atomic
def representative_create(
    *,
    actor: Actor,
    name: str,
    organisation: CouncilOrganisation,
    body: str,
    role: str,
    start: date,
    end: date | None = None,
) -> CouncilRepresentative:
    require(actor, EDIT)
    violations = rules.period_violations(start=start, end=end)
    if not name.strip():
        violations.append(Violation(rules.COUNCIL_INPUT, _("Ange personens namn."), "name"))
    raise_if_any(violations)
    representative = CouncilRepresentative.objects.create(
        name=name.strip(), organisation=organisation, body=body, role=role, start=start, end=end
    )
    audit.record(
        actor=actor,
        action=AuditAction.COUNCIL_REPRESENTATIVE_CREATE,
        target=representative,
        details={"body": body, "role": role},
    )
    return representative


@transaction.atomic
def representative_update(
    *,
    actor: Actor,
    representative: CouncilRepresentative,
    version: int | None,
    name: str,
    organisation: CouncilOrganisation,
    body: str,
    role: str,
    start: date,
    end: date | None,
) -> CouncilRepresentative:
    require(actor, EDIT)
    representative = CouncilRepresentative.objects.select_for_update().get(pk=representative.pk)
    check_version(representative.version, version, _("uppdraget"), kept=True)
    raise_if_any(rules.period_violations(start=start, end=end))
    model_update(
        actor=actor,
        instance=representative,
        values={
            "name": name.strip(),
            "organisation": organisation,
            "body": body,
            "role": role,
            "start": start,
            "end": end,
        },
        action=AuditAction.COUNCIL_REPRESENTATIVE_UPDATE,
        association_id=None,
    )
    return representative


@transaction.atomic
def recommendation_create(
    *,
    actor: Actor,
    kind: str,
    title: str,
    date: date,
    status: str,
    text: str,
    rule_codes: Sequence[str] = (),
) -> Recommendation:
    require(actor, EDIT)
    codes = _codes(rule_codes)
    raise_if_any(
        rules.recommendation_violations(title=title, text=text)
        + rules.status_violations(None, status)
        + rules.rule_code_violations(codes, rule_for)
    )
    recommendation = Recommendation.objects.create(
        kind=kind, title=title.strip(), date=date, status=status, text=text, rule_codes=codes
    )
    audit.record(
        actor=actor,
        action=AuditAction.RECOMMENDATION_CREATE,
        target=recommendation,
        details={"status": status, "rules": codes},
    )
    return recommendation


@transaction.atomic
def recommendation_update(
    *,
    actor: Actor,
    recommendation: Recommendation,
    version: int | None,
    kind: str,
    title: str,
    date: date,
    status: str,
    text: str,
    rule_codes: Sequence[str] = (),
) -> Recommendation:
    """Changes a recommendation; its status moves draft → published → withdrawn only."""
    require(actor, EDIT)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    check_version(recommendation.version, version, _("rekommendationen"), kept=True)
    codes = _codes(rule_codes)
    raise_if_any(
        rules.recommendation_violations(title=title, text=text)
        + rules.status_violations(recommendation.status, status)
        + rules.rule_code_violations(codes, rule_for)
    )
    model_update(
        actor=actor,
        instance=recommendation,
        values={
            "kind": kind,
            "title": title.strip(),
            "date": date,
            "status": status,
            "text": text,
            "rule_codes": codes,
        },
        action=AuditAction.RECOMMENDATION_UPDATE,
        association_id=None,
        details={"status": status},
    )
    return recommendation
