"""The governance audit actions: what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum


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
