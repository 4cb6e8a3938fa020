"""The imports app's audit actions: what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from finsam.core.audit_text import Wording


class AuditAction(StrEnum):
    IMPORT_RUN_CREATE = "import_run.create"
    IMPORT_RUN_EXPIRE = "import_run.expire"
    IMPORT_RUN_PURGE = "import_run.purge"


# How the log tells each action: the kind of event (the filter) and the sentence ({actor}, {object}).
WORDING: dict[AuditAction, Wording] = {
    AuditAction.IMPORT_RUN_CREATE: Wording(_("Inläsning startad"), _("{actor} startade {object}")),
    AuditAction.IMPORT_RUN_EXPIRE: Wording(
        _("Inläsning avbruten"), _("{actor} markerade {object} som avbruten")
    ),
    AuditAction.IMPORT_RUN_PURGE: Wording(_("Inläsning rensad"), _("{actor} rensade filen till {object}")),
}
