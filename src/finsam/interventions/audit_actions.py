"""The interventions' audit actions: what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    INTERVENTION_CREATE = "intervention.create"
    INTERVENTION_UPDATE = "intervention.update"
    STRUCTURAL_COUNT_CREATE = "structural_count.create"
    STRUCTURAL_COUNT_UPDATE = "structural_count.update"
