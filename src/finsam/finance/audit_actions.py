"""The finance audit actions: what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    BUDGET_CREATE = "budget.create"
    BUDGET_UPDATE = "budget.update"
    BUDGET_CONSULTATION = "budget.consultation"
    BUDGET_ADOPT = "budget.adopt"
    BUDGET_OUTCOME = "budget.outcome"
    BUDGET_CLOSE = "budget.close"
    POPULATION_SET = "population.set"
    POPULATION_IMPORT = "population.import"
    SUPPORT_MEASURE_IMPORT = "support_measure.import"
    STATE_CONTRIBUTION_SET = "state_contribution.set"
