"""The registry's audit actions: what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum


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
