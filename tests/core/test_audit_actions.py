"""The audit actions are named constants, and their stored values never change: the log already holds
them, and its filter and exports match on them."""

from __future__ import annotations

from typing import Any

import pytest

from finsam.accounts.audit_actions import AuditAction as AccountsAction
from finsam.core import audit
from finsam.core.audit_actions import AuditAction as CoreAction
from finsam.core.models import AuditEntry
from finsam.finance.audit_actions import AuditAction as FinanceAction
from finsam.followup.audit_actions import AuditAction as FollowupAction
from finsam.governance.audit_actions import AuditAction as GovernanceAction
from finsam.imports.audit_actions import AuditAction as ImportsAction
from finsam.interventions.audit_actions import AuditAction as InterventionAction
from finsam.national.audit_actions import AuditAction as NationalAction
from finsam.registry.audit_actions import AuditAction as RegistryAction

STORED = {
    CoreAction: {"backup.create", "backup.restore", "key.record"},
    RegistryAction: {
        "association.create",
        "association.update",
        "member.create",
        "member.update",
        "charter.create",
        "person.create",
        "person.update",
        "board_seat.create",
        "board_seat.update",
        "director.create",
        "director.update",
        "representative.create",
        "representative.update",
        "registry.import",
    },
    FinanceAction: {
        "budget.create",
        "budget.update",
        "budget.consultation",
        "budget.adopt",
        "budget.outcome",
        "budget.close",
        "population.set",
        "population.import",
        "support_measure.import",
        "state_contribution.set",
    },
    InterventionAction: {
        "intervention.create",
        "intervention.update",
        "structural_count.create",
        "structural_count.update",
    },
    GovernanceAction: {
        "meeting.create",
        "meeting.update",
        "minutes.update",
        "minutes.confirm",
        "minutes.lock",
        "document.upload",
        "document.update",
        "discharge.record",
        "national_report.record",
        "reminder.sent",
        "calendar_feed.renew",
    },
    FollowupAction: {
        "participant.register",
        "participant.identity.read",
        "participant.identity.search",
        "statistics.rebuild",
        "participant.consent_form.read",
        "participant.consent.withdraw",
        "participant.identity.purge",
        "participant.identity.rotate",
        "participation.start",
        "participation.exit",
        "participant.correct",
        "participation.correct",
        "followup_answer.create",
        "followup_question.create",
        "followup_question.update",
        "participant.import",
        "participant.subject_report",
    },
    AccountsAction: {
        "role.grant",
        "role.revoke",
        "role.end",
        "user.invite",
        "user.invitation_accept",
        "api_token.refused",
        "api_token.create",
        "api_token.revoke",
        "user.sign_in",
        "user.sign_out",
        "user.sign_in_lockout",
        "user.reauthenticate",
        "user.sign_in_refused",
        "sign_in_link.create",
        "sign_in_link.delete",
        "user.create",
        "user.password",
        "admin.user.password",
        "user.second_factor_setup",
        "user.recovery_codes_create",
        "user.recovery_code_use",
    },
    ImportsAction: {"import_run.create", "import_run.expire", "import_run.purge"},
    NationalAction: {
        "handbook_page.create",
        "handbook_page.update",
        "handbook_chapter.create",
        "handbook_chapter.update",
        "helpdesk_question.ask",
        "helpdesk_question.assign",
        "helpdesk_question.answer",
        "helpdesk_question.ask_back",
        "helpdesk_question.reply",
        "helpdesk_question.close",
        "faq_entry.publish",
        "faq_entry.update",
        "allocation_settings.save",
        "allocation.decide",
        "conference.create",
        "conference.update",
        "conference.register",
        "conference.cancel",
        "conference.promote",
        "conference.reminder_sent",
        "conference.export",
        "council_organisation.create",
        "council_representative.create",
        "council_representative.update",
        "recommendation.create",
        "recommendation.update",
    },
}


@pytest.mark.parametrize("actions", list(STORED), ids=lambda a: a.__module__.split(".")[1])
def test_the_stored_values_of_each_apps_actions_stay_as_they_are(actions: Any) -> None:
    assert {str(action) for action in actions} == STORED[actions]


def test_no_two_apps_use_the_same_value() -> None:
    values = [str(action) for actions in STORED for action in actions]
    assert len(values) == len(set(values))


@pytest.mark.django_db
def test_an_entry_stores_the_plain_value(world: Any) -> None:
    audit.record(actor=None, action=GovernanceAction.MINUTES_LOCK)
    stored = AuditEntry.objects.get()
    assert type(stored.action) is str and stored.action == "minutes.lock"
    assert AuditEntry.objects.filter(action="minutes.lock").exists()
