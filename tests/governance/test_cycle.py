"""The annual cycle from the records: governance's own (documents, discharges, consultations, national
report), the registry's board (R-BOARD) and finance's budget (R-BUDGET); and the national overview."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from finsam.core.access import SYSTEM
from finsam.governance import selectors, services
from finsam.governance.rules import Obligation, Status
from finsam.registry.models import BoardSeat, Member, SeatRole
from tests.factories import (
    consultation_participants,
    make_association,
    make_budget,
    make_consultation,
    make_document,
)

pytestmark = pytest.mark.django_db

THIS_YEAR = date.today().year  # noqa: DTZ011
CYCLE = THIS_YEAR - 1  # a year that is over: every due date has passed, every record can be dated in it
AFTER = date(CYCLE, 12, 15)


def cycle(world: Any, user: Any = None, *, year: int = CYCLE, day: date = AFTER) -> selectors.Cycle:
    return selectors.annual_cycle(
        user=user or world.users["association_admin"], association_id=world.own.pk, year=year, day=day
    )


def status(result: selectors.Cycle, obligation: Obligation) -> Status:
    group = result.group(obligation)
    assert group is not None
    return group.status


def complete_year(world: Any) -> None:
    """Everything of the cycle year recorded, for every member."""
    for kind in ("annual_report", "activity_report", "audit_report"):
        make_document(world.own, kind=kind, year=CYCLE - 1, delivered_on=date(CYCLE, 3, 20))
    services.national_report_record(
        actor=SYSTEM, association=world.own, year=CYCLE - 1, submitted_on=date(CYCLE, 3, 16)
    )
    for member in world.own.members.all():
        services.discharge_record(
            actor=SYSTEM,
            association=world.own,
            member=member,
            year=CYCLE - 1,
            decided_on=date(CYCLE, 5, 20),
            granted=True,
        )
    make_consultation([world.own], day=date(CYCLE, 4, 22))


def test_an_empty_year_is_overdue_everywhere_but_the_board(world: Any) -> None:
    result = cycle(world)
    assert status(result, Obligation.BOARD) == Status.DONE
    for obligation in Obligation:
        if obligation != Obligation.BOARD:
            assert status(result, obligation) == Status.OVERDUE, obligation


def test_the_cycle_reads_documents_discharges_consultations_the_national_report_and_the_budget(
    world: Any,
) -> None:
    complete_year(world)
    make_budget(world.own, year=CYCLE + 1, consult=True, adopt_on=date(CYCLE, 11, 20))
    result = cycle(world)
    assert {g.obligation: g.status for g in result.groups} == {o: Status.DONE for o in Obligation}
    adoption = result.group(Obligation.BUDGET_ADOPTION)
    assert adoption is not None and not adoption.late
    [line] = [line for line in result.lines if line.group.obligation == Obligation.BUDGET_CONSULTATION]
    assert line.detail == "Samråd med varje medlem registrerat i budgeten."


def test_a_late_budget_adoption_is_done_and_flagged(world: Any) -> None:
    make_budget(world.own, year=CYCLE + 1, consult=True, adopt_on=date(CYCLE, 12, 10))
    result = cycle(world)
    assert status(result, Obligation.BUDGET_ADOPTION) == Status.DONE
    adoption = result.group(Obligation.BUDGET_ADOPTION)
    assert adoption is not None and adoption.late


def test_a_budget_without_every_consultation_names_the_missing_members(world: Any) -> None:
    make_budget(world.own, year=CYCLE + 1)
    result = cycle(world)
    assert status(result, Obligation.BUDGET_CONSULTATION) == Status.OVERDUE
    [line] = [line for line in result.lines if line.group.obligation == Obligation.BUDGET_CONSULTATION]
    assert line.detail.startswith("Samråd saknas med ")
    assert "Försäkringskassan" in line.detail


def test_with_a_budget_its_record_of_each_member_decides_not_a_consultation_meeting(world: Any) -> None:
    make_budget(world.own, year=CYCLE + 1)  # no member's consultation recorded in the budget
    make_consultation([world.own], day=date(CYCLE, 10, 5), consultation_kind="budget")
    result = cycle(world)
    assert status(result, Obligation.BUDGET_CONSULTATION) == Status.OVERDUE
    [line] = [line for line in result.lines if line.group.obligation == Obligation.BUDGET_CONSULTATION]
    assert line.detail.startswith("Samråd saknas med ")


def test_without_a_budget_a_budget_consultation_meeting_with_every_member_counts(world: Any) -> None:
    day = date(CYCLE, 10, 5)
    make_consultation([world.own], day=day, consultation_kind="budget")
    result = cycle(world)
    assert status(result, Obligation.BUDGET_CONSULTATION) == Status.DONE
    assert status(result, Obligation.BUDGET_ADOPTION) == Status.OVERDUE


def test_a_budget_consultation_where_a_member_was_absent_does_not_count(world: Any) -> None:
    day = date(CYCLE, 10, 5)
    participants = consultation_participants(world.own, day)
    participants[0] = replace(participants[0], attended=False)
    make_consultation([world.own], day=day, consultation_kind="budget", participants=participants)
    assert status(cycle(world), Obligation.BUDGET_CONSULTATION) == Status.OVERDUE


def test_discharge_is_recorded_per_member_and_one_missing_member_makes_it_overdue(world: Any) -> None:
    members = list(world.own.members.order_by("pk"))
    for member in members[1:]:
        services.discharge_record(
            actor=SYSTEM,
            association=world.own,
            member=member,
            year=CYCLE - 1,
            decided_on=date(CYCLE, 5, 20),
            granted=True,
        )
    result = cycle(world)
    group = result.group(Obligation.DISCHARGE)
    assert group is not None
    assert (group.status, group.done, group.total) == (Status.OVERDUE, len(members) - 1, len(members))
    [missing] = [m for m in result.members if m.discharge and m.discharge.status == Status.OVERDUE]
    assert missing.member_id == members[0].pk


def test_a_joint_consultation_counts_for_every_association_it_covers(world: Any) -> None:
    day = date(CYCLE, 4, 22)
    make_consultation([world.own, world.other], day=day)
    for association in (world.own, world.other):
        result = selectors.annual_cycle(user=SYSTEM, association_id=association.pk, year=CYCLE, day=AFTER)
        assert status(result, Obligation.MEMBER_CONSULTATION) == Status.DONE


def test_a_consultation_still_to_come_does_not_count(world: Any) -> None:
    make_consultation([world.own], day=date(CYCLE, 4, 22))
    early = cycle(world, day=date(CYCLE, 4, 1))
    assert status(early, Obligation.MEMBER_CONSULTATION) == Status.DUE


def test_a_member_without_a_deputy_for_part_of_the_year_is_a_board_gap(world: Any) -> None:
    member = Member.objects.filter(association=world.own).order_by("pk").last()
    BoardSeat.objects.filter(association=world.own, member=member, role=SeatRole.DEPUTY).update(
        end=date(CYCLE, 6, 30)
    )
    result = cycle(world)
    assert status(result, Obligation.BOARD) == Status.OVERDUE
    [line] = [line for line in result.lines if line.group.obligation == Obligation.BOARD]
    assert f"{member.name} saknar ersättare {CYCLE}-07-01" in line.detail
    assert status(cycle(world, day=date(CYCLE, 5, 1)), Obligation.BOARD) == Status.DUE


def test_the_cycle_is_scoped_to_the_users_associations(world: Any) -> None:
    representative = world.users["member_representative"]
    assert cycle(world, representative).association == world.own
    with pytest.raises(Http404):
        selectors.annual_cycle(
            user=world.outsiders["association_admin"], association_id=world.own.pk, year=CYCLE, day=AFTER
        )
    with pytest.raises(PermissionDenied):
        selectors.annual_cycle(
            user=world.users["participant_coordinator"], association_id=world.own.pk, year=CYCLE, day=AFTER
        )


def test_the_national_overview_lists_every_association_against_every_obligation(world: Any) -> None:
    complete_year(world)
    rows = selectors.national_overview(user=world.users["national_viewer"], year=CYCLE, day=AFTER)
    assert [row.association for row in rows] == sorted([world.own, world.other], key=lambda a: a.name)
    own = next(row for row in rows if row.association == world.own)
    other = next(row for row in rows if row.association == world.other)
    assert own.cell(Obligation.ANNUAL_REPORT).status == Status.DONE  # type: ignore[union-attr]
    assert other.cell(Obligation.ANNUAL_REPORT).status == Status.OVERDUE  # type: ignore[union-attr]
    with pytest.raises(PermissionDenied):
        selectors.national_overview(user=world.users["association_admin"], year=CYCLE)


def test_the_national_overview_reads_the_governance_records_once_for_all_associations(world: Any) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.national_overview(user=world.users["national_admin"], year=CYCLE, day=AFTER)
        return len(captured)

    two = queries()
    make_association("Samordningsförbundet Tre")
    make_association("Samordningsförbundet Fyra")
    four = queries()
    # The registry's board status and finance's budget cost a few queries per förbund; the governance
    # records (documents, discharges, filings, consultations, members) none.
    assert (four - two) / 2 <= 8
