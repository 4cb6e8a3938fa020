"""The follow-up's audit actions: what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from finsam.core.audit_text import Wording


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


# How the log tells each action: the kind of event (the filter) and the sentence ({actor}, {object}).
WORDING: dict[AuditAction, Wording] = {
    AuditAction.PARTICIPANT_REGISTER: Wording(_("Deltagare registrerad"), _("{actor} registrerade {object}")),
    AuditAction.PARTICIPANT_IDENTITY_READ: Wording(
        _("Identitet läst"), _("{actor} läste identiteten för {object}")
    ),
    AuditAction.PARTICIPANT_IDENTITY_SEARCH: Wording(
        _("Identitet sökt"), _("{actor} sökte efter en deltagare på personnummer")
    ),
    AuditAction.PARTICIPANT_CONSENT_FORM_READ: Wording(
        _("Samtyckesblankett läst"), _("{actor} öppnade samtyckesblanketten för {object}")
    ),
    AuditAction.PARTICIPANT_CONSENT_WITHDRAW: Wording(
        _("Samtycke återkallat"), _("{actor} registrerade att samtycket för {object} återkallades")
    ),
    AuditAction.PARTICIPANT_IDENTITY_PURGE: Wording(
        _("Identitet raderad"), _("{actor} raderade identiteten för {object}")
    ),
    AuditAction.PARTICIPANT_IDENTITY_ROTATE: Wording(
        _("Identitet omkrypterad"), _("{actor} krypterade om identiteten för {object}")
    ),
    AuditAction.PARTICIPATION_START: Wording(_("Deltagande påbörjat"), _("{actor} skrev in {object}")),
    AuditAction.PARTICIPATION_EXIT: Wording(_("Deltagande avslutat"), _("{actor} skrev ut {object}")),
    AuditAction.FOLLOWUP_ANSWER_CREATE: Wording(
        _("Uppföljningssvar registrerat"), _("{actor} registrerade svar på uppföljningsfrågor för {object}")
    ),
    AuditAction.FOLLOWUP_QUESTION_CREATE: Wording(
        _("Uppföljningsfråga skapad"), _("{actor} skapade {object}")
    ),
    AuditAction.FOLLOWUP_QUESTION_UPDATE: Wording(
        _("Uppföljningsfråga ändrad"), _("{actor} ändrade {object}")
    ),
    AuditAction.PARTICIPANT_IMPORT: Wording(_("Deltagare inlästa"), _("{actor} läste in {object}")),
    AuditAction.STATISTICS_REBUILD: Wording(_("Statistik omräknad"), _("{actor} räknade om statistiken")),
    AuditAction.PARTICIPANT_CORRECT: Wording(
        _("Deltagare rättad"), _("{actor} rättade uppgifterna om {object}")
    ),
    AuditAction.PARTICIPATION_CORRECT: Wording(_("Deltagande rättat"), _("{actor} rättade {object}")),
    AuditAction.PARTICIPANT_SUBJECT_REPORT: Wording(
        _("Registerutdrag"), _("{actor} tog fram ett registerutdrag om {object}")
    ),
}
