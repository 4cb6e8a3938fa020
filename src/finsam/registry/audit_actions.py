"""The registry's audit actions: what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from finsam.core.audit_text import Wording


class AuditAction(StrEnum):
    ASSOCIATION_CREATE = "association.create"
    ASSOCIATION_UPDATE = "association.update"
    MEMBER_CREATE = "member.create"
    MEMBER_UPDATE = "member.update"
    CHARTER_CREATE = "charter.create"
    PERSON_CREATE = "person.create"
    PERSON_UPDATE = "person.update"
    BOARD_SEAT_CREATE = "board_seat.create"
    BOARD_SEAT_UPDATE = "board_seat.update"
    DIRECTOR_CREATE = "director.create"
    DIRECTOR_UPDATE = "director.update"
    REPRESENTATIVE_CREATE = "representative.create"
    REPRESENTATIVE_UPDATE = "representative.update"
    REGISTRY_IMPORT = "registry.import"


# How the log tells each action: the kind of event (the filter) and the sentence ({actor}, {object}).
WORDING: dict[AuditAction, Wording] = {
    AuditAction.ASSOCIATION_CREATE: Wording(_("Förbund registrerat"), _("{actor} registrerade {object}")),
    AuditAction.ASSOCIATION_UPDATE: Wording(
        _("Förbund ändrat"), _("{actor} ändrade uppgifterna om {object}")
    ),
    AuditAction.MEMBER_CREATE: Wording(_("Medlem tillagd"), _("{actor} lade till {object}")),
    AuditAction.MEMBER_UPDATE: Wording(_("Medlem ändrad"), _("{actor} ändrade {object}")),
    AuditAction.CHARTER_CREATE: Wording(_("Förbundsordning registrerad"), _("{actor} registrerade {object}")),
    AuditAction.PERSON_CREATE: Wording(_("Person registrerad"), _("{actor} registrerade {object}")),
    AuditAction.PERSON_UPDATE: Wording(_("Person ändrad"), _("{actor} ändrade uppgifterna om {object}")),
    AuditAction.BOARD_SEAT_CREATE: Wording(_("Styrelseplats tillsatt"), _("{actor} registrerade {object}")),
    AuditAction.BOARD_SEAT_UPDATE: Wording(_("Styrelseplats ändrad"), _("{actor} ändrade {object}")),
    AuditAction.DIRECTOR_CREATE: Wording(_("Förbundschef registrerad"), _("{actor} registrerade {object}")),
    AuditAction.DIRECTOR_UPDATE: Wording(_("Förbundschef ändrad"), _("{actor} ändrade {object}")),
    AuditAction.REPRESENTATIVE_CREATE: Wording(
        _("Medlemsrepresentant registrerad"), _("{actor} registrerade {object}")
    ),
    AuditAction.REPRESENTATIVE_UPDATE: Wording(
        _("Medlemsrepresentant ändrad"), _("{actor} ändrade {object}")
    ),
    AuditAction.REGISTRY_IMPORT: Wording(_("Förbund inlästa"), _("{actor} läste in förbund från en fil")),
}
