"""The interventions' audit actions: what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from finsam.core.audit_text import Wording


class AuditAction(StrEnum):
    INTERVENTION_CREATE = "intervention.create"
    INTERVENTION_UPDATE = "intervention.update"
    STRUCTURAL_COUNT_CREATE = "structural_count.create"
    STRUCTURAL_COUNT_UPDATE = "structural_count.update"


# How the log tells each action: the kind of event (the filter) and the sentence ({actor}, {object}).
WORDING: dict[AuditAction, Wording] = {
    AuditAction.INTERVENTION_CREATE: Wording(_("Insats skapad"), _("{actor} skapade {object}")),
    AuditAction.INTERVENTION_UPDATE: Wording(_("Insats ändrad"), _("{actor} ändrade {object}")),
    AuditAction.STRUCTURAL_COUNT_CREATE: Wording(
        _("Antal registrerat"), _("{actor} registrerade antal i {object}")
    ),
    AuditAction.STRUCTURAL_COUNT_UPDATE: Wording(_("Antal ändrat"), _("{actor} ändrade antal i {object}")),
}
