"""Shared helpers of the governance tests."""

from __future__ import annotations

from typing import Any

from finsam.core.models import AuditEntry
from finsam.governance.models import (
    AgendaItem,
    Decision,
    Discharge,
    Document,
    Meeting,
    MeetingParticipant,
    Minutes,
    MinutesConfirmation,
    NationalReportFiling,
)


def counts() -> dict[str, int]:
    """Rows of every governance table and of the audit log: a refused write leaves them all unchanged."""
    models: list[Any] = [
        Meeting,
        MeetingParticipant,
        AgendaItem,
        Decision,
        Minutes,
        MinutesConfirmation,
        Document,
        Discharge,
        NationalReportFiling,
        AuditEntry,
    ]
    return {model.__name__: model.objects.count() for model in models}
