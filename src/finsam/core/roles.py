"""Roles (DESIGN §1) and what each may do. Deny by default: a capability not granted here is refused."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("Nationell arbetsgrupp (administratör)")
    NATIONAL_VIEWER = "national_viewer", _("Nationella rådet (läsare)")
    ASSOCIATION_ADMIN = "association_admin", _("Förbundschef/administratör")
    PARTICIPANT_COORDINATOR = "participant_coordinator", _("Deltagaransvarig")
    BOARD_MEMBER = "board_member", _("Styrelseledamot")
    AUDITOR = "auditor", _("Revisor")
    MEMBER_REPRESENTATIVE = "member_representative", _("Medlemsrepresentant")


NATIONAL_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.NATIONAL_VIEWER})


class Capability(StrEnum):
    REGISTRY_VIEW = "registry.view"
    REGISTRY_EDIT = "registry.edit"
    ASSOCIATION_CREATE = "registry.association_create"
    AUDIT_VIEW = "audit.view"
    INTERVENTION_VIEW = "intervention.view"
    INTERVENTION_EDIT = "intervention.edit"
    PARTICIPANT_VIEW = "participant.view"
    PARTICIPANT_EDIT = "participant.edit"
    FOLLOWUP_QUESTIONS_EDIT = "followup.questions_edit"
    FINANCE_VIEW = "finance.view"
    FINANCE_REPORT = "finance.report"
    FINANCE_EDIT = "finance.edit"
    FINANCE_CALCULATE = "finance.calculate"
    POPULATION_EDIT = "finance.population_edit"
    ADMIN_SITE = "admin.site"
    GOVERNANCE_VIEW = "governance.view"
    GOVERNANCE_BOARD_VIEW = "governance.board_view"
    GOVERNANCE_EDIT = "governance.edit"
    GOVERNANCE_NATIONAL = "governance.national"
    STATISTICS_VIEW = "statistics.view"
    STATISTICS_NATIONAL = "statistics.national"
    NATIONAL_REPORT = "followup.national_report"
    HELPDESK_ASK = "national.helpdesk_ask"
    HELPDESK_ANSWER = "national.helpdesk_answer"
    HELPDESK_VIEW = "national.helpdesk_view"
    HANDBOOK_EDIT = "national.handbook_edit"
    CONFERENCE_REGISTER = "national.conference_register"
    CONFERENCE_EDIT = "national.conference_edit"
    COUNCIL_EDIT = "national.council_edit"
    STATE_ALLOCATION_VIEW = "national.allocation_view"
    STATE_ALLOCATION_EDIT = "national.allocation_edit"
    NATIONAL_DASHBOARD = "national.dashboard"
    USERS_MANAGE = "accounts.users_manage"


ALL_ASSOCIATION_ROLES = frozenset(Role) - NATIONAL_ROLES

GRANTS: dict[Capability, frozenset[Role]] = {
    Capability.REGISTRY_VIEW: frozenset(Role),
    Capability.REGISTRY_EDIT: frozenset({Role.NATIONAL_ADMIN, Role.ASSOCIATION_ADMIN}),
    # Founding a förbund is registered nationally; an association admin edits only their own.
    Capability.ASSOCIATION_CREATE: frozenset({Role.NATIONAL_ADMIN}),
    # The audit log: the national working group reads all of it; a förbund's administration and its
    # auditors (DESIGN §1: "audit log, read-only") the entries of their own förbund.
    Capability.AUDIT_VIEW: frozenset({Role.NATIONAL_ADMIN, Role.ASSOCIATION_ADMIN, Role.AUDITOR}),
    Capability.ADMIN_SITE: frozenset({Role.NATIONAL_ADMIN}),
    # Interventions: the förbund's own business; the national working group reads them for the national
    # report. Participants: only coordinators, and each only in the interventions assigned to them (the
    # followup selectors narrow further); an association admin sees counts, never a participant (DESIGN §1).
    Capability.INTERVENTION_VIEW: frozenset(
        {
            Role.NATIONAL_ADMIN,
            Role.ASSOCIATION_ADMIN,
            Role.PARTICIPANT_COORDINATOR,
            Role.BOARD_MEMBER,
            Role.AUDITOR,
        }
    ),
    Capability.INTERVENTION_EDIT: frozenset({Role.ASSOCIATION_ADMIN}),
    Capability.PARTICIPANT_VIEW: frozenset({Role.PARTICIPANT_COORDINATOR}),
    Capability.PARTICIPANT_EDIT: frozenset({Role.PARTICIPANT_COORDINATOR}),
    Capability.FOLLOWUP_QUESTIONS_EDIT: frozenset({Role.ASSOCIATION_ADMIN}),
    # Finance (DESIGN §1): the national working group, the förbund's administration, its board and its
    # auditors see budgets, outcome and equity; member representatives see the reports (budget and outcome,
    # contribution letters) but not the working pages; the national council sees national aggregates only.
    # The förbund's administration prepares the budget and records consultations, adoption and outcome
    # (the board decides; the administration keeps the record). Populations are reference data kept by the
    # national working group; an association admin may correct those of its own member municipalities.
    # The calculators write nothing and hold no one's data: every role may use them.
    Capability.FINANCE_VIEW: frozenset(
        {Role.NATIONAL_ADMIN, Role.ASSOCIATION_ADMIN, Role.BOARD_MEMBER, Role.AUDITOR}
    ),
    Capability.FINANCE_REPORT: frozenset(
        {
            Role.NATIONAL_ADMIN,
            Role.ASSOCIATION_ADMIN,
            Role.BOARD_MEMBER,
            Role.AUDITOR,
            Role.MEMBER_REPRESENTATIVE,
        }
    ),
    Capability.FINANCE_EDIT: frozenset({Role.ASSOCIATION_ADMIN}),
    Capability.FINANCE_CALCULATE: frozenset(Role),
    Capability.POPULATION_EDIT: frozenset({Role.NATIONAL_ADMIN, Role.ASSOCIATION_ADMIN}),
    # Governance (DESIGN §1): the förbund's administration, board and auditors see every meeting and the
    # annual cycle; member representatives see the member consultations, the decisions marked for the
    # members (R-INFO), the year-end documents and the annual cycle, not the board's meetings (the
    # governance selectors narrow GOVERNANCE_VIEW to that with GOVERNANCE_BOARD_VIEW). The administration
    # keeps the record (meetings, minutes, documents, discharges); the national working group may do so for
    # every förbund and keeps the national council's and working group's meetings. The national overview
    # of obligations is for the national roles.
    Capability.GOVERNANCE_VIEW: frozenset(
        {
            Role.NATIONAL_ADMIN,
            Role.ASSOCIATION_ADMIN,
            Role.BOARD_MEMBER,
            Role.AUDITOR,
            Role.MEMBER_REPRESENTATIVE,
        }
    ),
    Capability.GOVERNANCE_BOARD_VIEW: frozenset(
        {Role.NATIONAL_ADMIN, Role.ASSOCIATION_ADMIN, Role.BOARD_MEMBER, Role.AUDITOR}
    ),
    Capability.GOVERNANCE_EDIT: frozenset({Role.NATIONAL_ADMIN, Role.ASSOCIATION_ADMIN}),
    Capability.GOVERNANCE_NATIONAL: frozenset({Role.NATIONAL_ADMIN, Role.NATIONAL_VIEWER}),
    # Outcome statistics (R-SUPPRESS): a förbund's administration, its board, its auditors (DESIGN §1:
    # aggregate statistics) and its participant coordinators see the förbund's own aggregates, exact (they
    # do not leave the förbund). The national
    # figures (per förbund, region and nation) are suppressed whoever asks, so every role may see them;
    # national roles see no förbund's exact figures.
    Capability.STATISTICS_VIEW: frozenset(
        {Role.ASSOCIATION_ADMIN, Role.BOARD_MEMBER, Role.AUDITOR, Role.PARTICIPANT_COORDINATOR}
    ),
    Capability.STATISTICS_NATIONAL: frozenset(Role),
    # The national report of a förbund (aggregates, counts of people suppressed): those who read its
    # budget report, and the national council, which receives every förbund's report.
    Capability.NATIONAL_REPORT: frozenset(
        {
            Role.NATIONAL_ADMIN,
            Role.NATIONAL_VIEWER,
            Role.ASSOCIATION_ADMIN,
            Role.BOARD_MEMBER,
            Role.AUDITOR,
            Role.MEMBER_REPRESENTATIVE,
        }
    ),
    # The national level (R-NATIONAL). A förbund's users ask the working group; a question is seen by its
    # förbund's users and the working group (the selectors scope it), never by the council until it is
    # published anonymised. The handbook, the conferences and the council's published recommendations are
    # read by every signed-in user (AUTHENTICATED); the working group keeps them. A förbund's users
    # register for conferences. The state allocation is computed and decided by the working group, read by
    # the council and, for its own förbund, by those who read its finance. The national dashboard is for
    # the national roles.
    Capability.HELPDESK_ASK: ALL_ASSOCIATION_ROLES,
    Capability.HELPDESK_ANSWER: frozenset({Role.NATIONAL_ADMIN}),
    # Reading a question: every user of its förbund (the asker, the director, the board …) and the working
    # group; the council (national_viewer) does not, until the working group publishes it anonymised.
    Capability.HELPDESK_VIEW: ALL_ASSOCIATION_ROLES | {Role.NATIONAL_ADMIN},
    Capability.HANDBOOK_EDIT: frozenset({Role.NATIONAL_ADMIN}),
    Capability.CONFERENCE_REGISTER: ALL_ASSOCIATION_ROLES,
    Capability.CONFERENCE_EDIT: frozenset({Role.NATIONAL_ADMIN}),
    Capability.COUNCIL_EDIT: frozenset({Role.NATIONAL_ADMIN}),
    Capability.STATE_ALLOCATION_VIEW: frozenset(
        {Role.NATIONAL_ADMIN, Role.NATIONAL_VIEWER, Role.ASSOCIATION_ADMIN, Role.BOARD_MEMBER, Role.AUDITOR}
    ),
    Capability.STATE_ALLOCATION_EDIT: frozenset({Role.NATIONAL_ADMIN}),
    Capability.NATIONAL_DASHBOARD: NATIONAL_ROLES,
    # Users and roles (docs/users-and-roles.md): a förbund's director manages its users, the working group
    # those of every förbund; who may give which role is decided by accounts.rules.
    Capability.USERS_MANAGE: frozenset({Role.NATIONAL_ADMIN, Role.ASSOCIATION_ADMIN}),
}
