"""The national level's audit actions. Their stored values never change (tests/core/test_audit_actions.py)."""

from enum import StrEnum


class AuditAction(StrEnum):
    HANDBOOK_PAGE_CREATE = "handbook_page.create"
    HANDBOOK_PAGE_UPDATE = "handbook_page.update"
    CONFERENCE_CREATE = "conference.create"
    CONFERENCE_UPDATE = "conference.update"
    CONFERENCE_REGISTER = "conference.register"
    CONFERENCE_CANCEL = "conference.cancel"
    CONFERENCE_PROMOTE = "conference.promote"
    CONFERENCE_REMINDER_SENT = "conference.reminder_sent"
    CONFERENCE_EXPORT = "conference.export"
    COUNCIL_ORGANISATION_CREATE = "council_organisation.create"
    COUNCIL_REPRESENTATIVE_CREATE = "council_representative.create"
    COUNCIL_REPRESENTATIVE_UPDATE = "council_representative.update"
    RECOMMENDATION_CREATE = "recommendation.create"
    RECOMMENDATION_UPDATE = "recommendation.update"
