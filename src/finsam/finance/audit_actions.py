"""The finance audit actions: what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from finsam.core.audit_text import Wording


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


# How the log tells each action: the kind of event (the filter) and the sentence ({actor}, {object}).
WORDING: dict[AuditAction, Wording] = {
    AuditAction.BUDGET_CREATE: Wording(_("Budget skapad"), _("{actor} skapade {object}")),
    AuditAction.BUDGET_UPDATE: Wording(_("Budget ändrad"), _("{actor} ändrade {object}")),
    AuditAction.BUDGET_CONSULTATION: Wording(
        _("Budgetsamråd registrerat"), _("{actor} registrerade {object}")
    ),
    AuditAction.BUDGET_ADOPT: Wording(
        _("Budget fastställd"), _("{actor} registrerade att styrelsen fastställde {object}")
    ),
    AuditAction.BUDGET_OUTCOME: Wording(
        _("Utfall registrerat"), _("{actor} registrerade utfall för {object}")
    ),
    AuditAction.BUDGET_CLOSE: Wording(_("Bokslut gjort"), _("{actor} gjorde bokslut för {object}")),
    AuditAction.POPULATION_SET: Wording(_("Folkmängd ändrad"), _("{actor} ändrade folkmängden för {object}")),
    AuditAction.POPULATION_IMPORT: Wording(_("Folkmängd inläst"), _("{actor} läste in folkmängder")),
    AuditAction.SUPPORT_MEASURE_IMPORT: Wording(
        _("Försörjningsmått inläst"), _("{actor} läste in försörjningsmått")
    ),
    AuditAction.STATE_CONTRIBUTION_SET: Wording(
        _("Statens bidrag registrerat"), _("{actor} registrerade {object}")
    ),
}
