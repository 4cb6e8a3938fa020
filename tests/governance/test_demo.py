"""The governance part of `finsam demo`: a past member consultation of the three Västerbotten förbund
with locked minutes, board meetings, and an annual cycle with one overdue obligation."""

from __future__ import annotations

import io
from typing import Any

import pytest

from finsam import demo
from finsam.core.access import SYSTEM
from finsam.core.models import AuditEntry
from finsam.governance import selectors
from finsam.governance.demo import CONSULTATION_TITLE, cycle_year, governance_step
from finsam.governance.models import Decision, Document, Meeting, MeetingKind, MinutesStatus
from finsam.governance.rules import Obligation, Status

pytestmark = pytest.mark.django_db

STEPS = [
    demo.Step("Förbund", demo.registry_step),
    demo.Step("Användare", demo.users_step),
    demo.Step("Styrning", governance_step),
]


def build() -> Any:
    return demo.build(out=io.StringIO(), password="demo-lösenord-123", show_progress=False, steps=STEPS)


def test_the_demo_has_a_past_joint_consultation_with_locked_minutes_and_no_warnings(
    demo_data: demo.DemoContext,
) -> None:
    ctx = demo_data
    consultation = Meeting.objects.get(title=CONSULTATION_TITLE)
    assert consultation.kind == MeetingKind.MEMBER_CONSULTATION
    assert consultation.date < selectors.today()
    assert set(consultation.associations.all()) == set(ctx.associations.values())
    assert consultation.minutes.status == MinutesStatus.LOCKED
    assert consultation.warnings == []
    assert consultation.convener is not None
    for association in ctx.associations.values():
        represented = set(
            consultation.participants.filter(member__association=association).values_list("member", flat=True)
        )
        assert represented == set(association.members.values_list("pk", flat=True))


def test_the_demo_has_board_meetings_with_decisions_for_the_members_and_one_to_come(
    demo_data: demo.DemoContext,
) -> None:
    ctx = demo_data
    umea = ctx.associations["umea"]
    board = Meeting.objects.filter(kind=MeetingKind.BOARD, associations=umea)
    assert board.filter(minutes__status=MinutesStatus.LOCKED).count() >= 2
    assert board.filter(date__gt=selectors.today()).exists()
    informed = selectors.informed_decisions(user=SYSTEM, association_id=umea.pk)
    assert len(informed) >= 2
    assert Decision.objects.filter(r_info=True, meeting__associations=umea).exists()


def test_umearegionens_annual_cycle_has_one_overdue_obligation_bjurholms_discharge(
    demo_data: demo.DemoContext,
) -> None:
    ctx = demo_data
    umea = ctx.associations["umea"]
    year = cycle_year(selectors.today())
    cycle = selectors.annual_cycle(user=SYSTEM, association_id=umea.pk, year=year)
    own = [
        g
        for g in cycle.groups
        if g.obligation not in (Obligation.BUDGET_ADOPTION, Obligation.BUDGET_CONSULTATION)
    ]
    overdue = [g for g in own if g.status == Status.OVERDUE]
    assert [g.obligation for g in overdue] == [Obligation.DISCHARGE]
    assert (overdue[0].done, overdue[0].total) == (umea.members.count() - 1, umea.members.count())
    [missing] = [m for m in cycle.members if m.discharge and m.discharge.status == Status.OVERDUE]
    assert missing.name == "Bjurholms kommun"
    assert {g.obligation: g.status for g in own} | {Obligation.DISCHARGE: Status.DONE} == {
        g.obligation: Status.DONE for g in own
    }
    assert Document.objects.filter(association=umea, year=year - 1).count() == 3


def test_a_second_run_adds_nothing() -> None:
    build()
    meetings, documents, entries = (
        Meeting.objects.count(),
        Document.objects.count(),
        AuditEntry.objects.count(),
    )
    build()
    assert (Meeting.objects.count(), Document.objects.count(), AuditEntry.objects.count()) == (
        meetings,
        documents,
        entries,
    )
