"""The platform's own audit actions (core): what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from finsam.core.audit_text import Wording


class AuditAction(StrEnum):
    BACKUP_CREATE = "backup.create"
    BACKUP_RESTORE = "backup.restore"
    KEY_RECORD = "key.record"


# How the log tells each action: the kind of event (the filter) and the sentence ({actor}, {object}).
WORDING: dict[AuditAction, Wording] = {
    AuditAction.BACKUP_CREATE: Wording(
        _("Säkerhetskopia gjord"), _("{actor} gjorde en säkerhetskopia av databasen")
    ),
    AuditAction.BACKUP_RESTORE: Wording(
        _("Säkerhetskopia återställd"), _("{actor} återställde databasen från en säkerhetskopia")
    ),
    AuditAction.KEY_RECORD: Wording(
        _("Nyckel registrerad"),
        _("{actor} registrerade en nyckels fingeravtryck hos uppgifterna den skyddar"),
    ),
}
