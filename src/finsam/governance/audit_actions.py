"""The governance audit actions: what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from finsam.core.audit_text import Wording


class AuditAction(StrEnum):
    MEETING_CREATE = "meeting.create"
    MEETING_UPDATE = "meeting.update"
    MINUTES_UPDATE = "minutes.update"
    MINUTES_CONFIRM = "minutes.confirm"
    MINUTES_LOCK = "minutes.lock"
    DOCUMENT_UPLOAD = "document.upload"
    DOCUMENT_UPDATE = "document.update"
    DISCHARGE_RECORD = "discharge.record"
    NATIONAL_REPORT_RECORD = "national_report.record"
    REMINDER_SENT = "reminder.sent"
    CALENDAR_FEED_RENEW = "calendar_feed.renew"


# How the log tells each action: the kind of event (the filter) and the sentence ({actor}, {object}).
WORDING: dict[AuditAction, Wording] = {
    AuditAction.MEETING_CREATE: Wording(_("Möte skapat"), _("{actor} skapade {object}")),
    AuditAction.MEETING_UPDATE: Wording(_("Möte ändrat"), _("{actor} ändrade {object}")),
    AuditAction.MINUTES_UPDATE: Wording(_("Protokoll ändrat"), _("{actor} ändrade {object}")),
    AuditAction.MINUTES_CONFIRM: Wording(_("Protokoll justerat"), _("{actor} justerade {object}")),
    AuditAction.MINUTES_LOCK: Wording(_("Protokoll låst"), _("{actor} låste {object}")),
    AuditAction.DOCUMENT_UPLOAD: Wording(_("Dokument uppladdat"), _("{actor} laddade upp {object}")),
    AuditAction.DOCUMENT_UPDATE: Wording(_("Dokument ändrat"), _("{actor} ändrade {object}")),
    AuditAction.DISCHARGE_RECORD: Wording(_("Ansvarsfrihet registrerad"), _("{actor} registrerade {object}")),
    AuditAction.NATIONAL_REPORT_RECORD: Wording(
        _("Nationell rapport registrerad"), _("{actor} registrerade {object}")
    ),
    AuditAction.REMINDER_SENT: Wording(_("Påminnelse skickad"), _("{actor} skickade en påminnelse")),
    AuditAction.CALENDAR_FEED_RENEW: Wording(
        _("Kalenderprenumeration förnyad"), _("{actor} förnyade sin kalenderprenumeration")
    ),
}
