"""The follow-up's audit actions: what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    PARTICIPANT_REGISTER = "participant.register"
    PARTICIPANT_IDENTITY_READ = "participant.identity.read"
    PARTICIPANT_IDENTITY_SEARCH = "participant.identity.search"
    PARTICIPANT_CONSENT_FORM_READ = "participant.consent_form.read"
    PARTICIPANT_CONSENT_WITHDRAW = "participant.consent.withdraw"
    PARTICIPANT_IDENTITY_PURGE = "participant.identity.purge"
    PARTICIPANT_IDENTITY_ROTATE = "participant.identity.rotate"
    PARTICIPATION_START = "participation.start"
    PARTICIPATION_EXIT = "participation.exit"
    PARTICIPANT_CORRECT = "participant.correct"
    PARTICIPATION_CORRECT = "participation.correct"
    FOLLOWUP_ANSWER_CREATE = "followup_answer.create"
    FOLLOWUP_QUESTION_CREATE = "followup_question.create"
    FOLLOWUP_QUESTION_UPDATE = "followup_question.update"
    PARTICIPANT_IMPORT = "participant.import"
    STATISTICS_REBUILD = "statistics.rebuild"
    PARTICIPANT_SUBJECT_REPORT = "participant.subject_report"
