"""The pure governance rules: R-SAMRAD on a meeting, the minutes' states, uploaded documents, the annual
cycle's statuses and when to remind. Examples first, then properties over generated input."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from finsam.governance import rules
from finsam.governance.rules import (
    AssociationFacts,
    BoardGap,
    CycleFacts,
    Obligation,
    ParticipantFact,
    Status,
)

DAY = date(2026, 4, 20)
UMEA = AssociationFacts(
    id=1,
    name="Umeåregionen",
    members={10: "Försäkringskassan", 11: "Umeå kommun"},
    board=frozenset({100, 101, 102}),
    ordinary=frozenset({100, 101}),
    directors=frozenset({200}),
    representatives=frozenset({300, 301}),
)
SKELLEFTEA = AssociationFacts(
    id=2,
    name="Skellefteå–Norsjö",
    members={20: "Försäkringskassan", 21: "Skellefteå kommun"},
    board=frozenset({110, 111}),
    ordinary=frozenset({110}),
    directors=frozenset({210}),
    representatives=frozenset({310, 311}),
)
AGENDA = [(title, n) for n, title in enumerate(rules.SAMRAD_AGENDA, start=1)]


def rep(person: int, member: int, *, attended: bool | None = None) -> ParticipantFact:
    return ParticipantFact(
        person, f"Person {person}", "member_representative", member_id=member, attended=attended
    )


def compliant(*associations: AssociationFacts) -> list[ParticipantFact]:
    """A representative for every member, the chair and the director of every förbund."""
    people = []
    for a in associations:
        reps = sorted(a.representatives)
        for person, member in zip(reps, a.members, strict=True):
            people.append(rep(person, member))
        people.append(ParticipantFact(min(a.ordinary), "Ordförande", "chair", association_id=a.id))
        people.append(ParticipantFact(min(a.directors), "Chef", "director", association_id=a.id))
    return people


def check(**overrides: object) -> rules.MeetingCheck:
    arguments: dict[str, object] = {
        "kind": "member_consultation",
        "consultation_kind": "annual",
        "day": DAY,
        "associations": [UMEA],
        "convener_id": 300,
        "participants": compliant(UMEA),
        "agenda": AGENDA,
    }
    arguments.update(overrides)
    return rules.check_meeting(**arguments)  # type: ignore[arg-type]


def codes(violations: list[object]) -> list[str]:
    return [v.code for v in violations]  # type: ignore[attr-defined]


# --- R-SAMRAD examples ------------------------------------------------------------------------------


def test_a_consultation_that_follows_the_recommendation_has_no_errors_and_no_warnings() -> None:
    result = check()
    assert result.errors == []
    assert result.warnings == []


def test_a_board_member_as_member_representative_is_refused_under_point_1() -> None:
    participants = [rep(101, 11) if p.member_id == 11 else p for p in compliant(UMEA)]
    result = check(participants=participants)
    assert codes(result.errors) == ["R-SAMRAD-1"]
    assert result.errors[0].field == "participants[1].person"
    assert "sitter i styrelsen för Umeåregionen" in result.errors[0].message


def test_a_member_without_a_representative_is_refused_under_point_1() -> None:
    participants = [p for p in compliant(UMEA) if p.member_id != 10]
    result = check(participants=participants)
    assert codes(result.errors) == ["R-SAMRAD-1"]
    assert "Försäkringskassan (Umeåregionen) har ingen medlemsrepresentant" in result.errors[0].message


def test_a_representative_recorded_as_absent_is_a_warning_not_an_error() -> None:
    participants = [rep(300, 10, attended=False) if p.member_id == 10 else p for p in compliant(UMEA)]
    result = check(participants=participants)
    assert result.errors == []
    assert codes(result.warnings) == ["R-SAMRAD-1"]


def test_a_consultation_without_associations_is_refused_under_point_3() -> None:
    result = check(associations=[], participants=[])
    assert "R-SAMRAD-3" in codes(result.errors)


def test_one_consultation_may_cover_several_associations() -> None:
    result = check(associations=[UMEA, SKELLEFTEA], participants=compliant(UMEA, SKELLEFTEA), convener_id=310)
    assert result.errors == []
    assert result.warnings == []


def test_a_convener_not_designated_by_a_member_is_refused_under_point_4() -> None:
    assert codes(check(convener_id=100).errors) == ["R-SAMRAD-4"]
    assert codes(check(convener_id=None).errors) == ["R-SAMRAD-4"]


def test_the_convener_may_be_designated_by_a_member_of_any_covered_association() -> None:
    result = check(associations=[UMEA, SKELLEFTEA], participants=compliant(UMEA, SKELLEFTEA), convener_id=311)
    assert result.errors == []


def test_without_the_chair_or_an_ordinary_member_and_the_director_point_2_warns() -> None:
    participants = [p for p in compliant(UMEA) if p.capacity == "member_representative"]
    result = check(participants=participants)
    assert result.errors == []
    messages = [w.message for w in result.warnings if w.code == "R-SAMRAD-2"]
    assert len(messages) == 2
    assert any("ordinarie styrelseledamot" in m for m in messages)
    assert any("Förbundschefen" in m for m in messages)


def test_a_deputy_does_not_count_as_an_ordinary_board_member_for_point_2() -> None:
    participants = [p for p in compliant(UMEA) if p.capacity != "chair"]
    participants.append(ParticipantFact(102, "Ersättare", "board_member", association_id=1))
    assert codes(check(participants=participants).warnings) == ["R-SAMRAD-2"]


def test_an_annual_consultation_outside_spring_or_before_the_year_end_documents_warns_under_point_5() -> None:
    assert codes(check(day=date(2026, 10, 1)).warnings) == ["R-SAMRAD-5"]
    late = AssociationFacts(**{**UMEA.__dict__, "year_end_missing": ("revisionsberättelse",)})
    warnings = check(associations=[late]).warnings
    assert codes(warnings) == ["R-SAMRAD-5"]
    assert "revisionsberättelse för 2025" in warnings[0].message


def test_a_budget_consultation_in_autumn_does_not_warn_under_point_5() -> None:
    assert check(consultation_kind="budget", day=date(2026, 10, 1)).warnings == []


def test_an_agenda_missing_recommended_points_warns_under_point_6() -> None:
    result = check(agenda=[("Föregående års ekonomiska resultat och verksamhetsresultat", None)])
    assert codes(result.warnings) == ["R-SAMRAD-6"]
    assert "2. Iakttagelser av strukturella hinder" in result.warnings[0].message
    assert "1. Föregående" not in result.warnings[0].message


def test_agenda_titles_match_the_recommendation_regardless_of_case_and_spacing() -> None:
    assert rules.samrad_point_of("  budgetförutsättningar. ") == 5
    assert rules.samrad_point_of("Iakttagelser av  strukturella hinder för samverkan") == 2
    assert rules.samrad_point_of("Övriga frågor") is None
    assert rules.agenda_points([("Övrigt", 3), ("Budgetförutsättningar", None)]) == {3, 5}


def test_a_board_meeting_belongs_to_exactly_one_association() -> None:
    common = {"kind": "board_meeting", "consultation_kind": "", "convener_id": None, "agenda": []}
    assert codes(check(**common, associations=[], participants=[]).errors) == ["R-MEETING"]
    assert codes(check(**common, associations=[UMEA, SKELLEFTEA], participants=[]).errors) == ["R-MEETING"]
    assert check(**common, associations=[UMEA], participants=[]).errors == []


def test_national_meetings_need_no_association_and_no_samrad_checks() -> None:
    for kind in ("national_council", "working_group"):
        result = check(
            kind=kind, consultation_kind="", associations=[], participants=[], convener_id=None, agenda=[]
        )
        assert result.errors == []
        assert result.warnings == []


def test_a_member_consultation_needs_its_kind() -> None:
    assert codes(check(consultation_kind="").errors) == ["R-REQUIRED"]
    assert codes(check(kind="board_meeting", consultation_kind="annual", convener_id=None).errors) == [
        "R-INPUT"
    ]


def test_the_same_person_for_the_same_member_twice_is_refused() -> None:
    participants = [*compliant(UMEA), rep(300, 10)]
    assert codes(check(participants=participants).errors) == ["R-INPUT"]


def test_spring_is_march_to_june() -> None:
    assert not rules.is_spring(date(2026, 2, 28))
    assert rules.is_spring(date(2026, 3, 1))
    assert rules.is_spring(date(2026, 6, 30))
    assert not rules.is_spring(date(2026, 7, 1))


# --- R-SAMRAD properties ----------------------------------------------------------------------------

people = st.integers(min_value=1, max_value=40)


@st.composite
def association_facts(draw: st.DrawFn, association_id: int = 1) -> AssociationFacts:
    members = draw(
        st.dictionaries(
            st.integers(1000, 1020), st.sampled_from(["FK", "AF", "Region", "Kommun"]), min_size=1, max_size=5
        )
    )
    board = draw(st.frozensets(people, max_size=10))
    return AssociationFacts(
        id=association_id,
        name=f"Förbund {association_id}",
        members=members,
        board=board,
        ordinary=frozenset(p for p in board if p % 2),
        directors=draw(st.frozensets(people, max_size=1)),
        representatives=draw(st.frozensets(people, max_size=6)),
    )


@st.composite
def participant_lists(draw: st.DrawFn, facts: AssociationFacts) -> list[ParticipantFact]:
    result = []
    for _ in range(draw(st.integers(0, 8))):
        capacity = draw(st.sampled_from(sorted(rules.CAPACITIES)))
        member = draw(st.sampled_from(sorted(facts.members))) if capacity == "member_representative" else None
        attended = draw(st.sampled_from([None, True, False]))
        result.append(ParticipantFact(draw(people), "Någon", capacity, member_id=member, attended=attended))
    return result


@given(st.data())
def test_a_board_member_representing_a_member_is_always_an_error(data: st.DataObject) -> None:
    facts = data.draw(association_facts())
    if not facts.board:
        facts = AssociationFacts(**{**facts.__dict__, "board": frozenset({7})})
    others = data.draw(participant_lists(facts))
    board_member = data.draw(st.sampled_from(sorted(facts.board)))
    member = data.draw(st.sampled_from(sorted(facts.members)))
    participants = [*others, rep(board_member, member)]
    result = check(
        associations=[facts],
        participants=participants,
        convener_id=data.draw(st.one_of(st.none(), people)),
        agenda=data.draw(st.lists(st.tuples(st.text(max_size=20), st.one_of(st.none(), st.integers(1, 5))))),
    )
    index = len(participants) - 1
    assert any(v.code == "R-SAMRAD-1" and v.field == f"participants[{index}].person" for v in result.errors)


@given(st.data())
def test_the_agenda_and_attendance_never_change_the_errors_only_the_warnings(data: st.DataObject) -> None:
    facts = data.draw(association_facts())
    participants = data.draw(participant_lists(facts))
    convener = data.draw(st.one_of(st.none(), people))
    agenda = data.draw(st.lists(st.tuples(st.text(max_size=20), st.one_of(st.none(), st.integers(1, 5)))))
    with_agenda = check(associations=[facts], participants=participants, convener_id=convener, agenda=agenda)
    without = check(associations=[facts], participants=participants, convener_id=convener, agenda=[])
    assert codes(with_agenda.errors) == codes(without.errors)
    every = [ParticipantFact(**{**p.__dict__, "attended": None}) for p in participants]
    unrecorded = check(associations=[facts], participants=every, convener_id=convener, agenda=agenda)
    assert [v for v in codes(unrecorded.errors)] == [v for v in codes(with_agenda.errors)]


@given(st.data())
def test_warnings_are_only_of_the_points_that_warn(data: st.DataObject) -> None:
    facts = data.draw(association_facts())
    result = check(
        associations=[facts],
        participants=data.draw(participant_lists(facts)),
        convener_id=data.draw(st.one_of(st.none(), people)),
        day=data.draw(st.dates(date(2020, 1, 1), date(2030, 12, 31))),
    )
    assert set(codes(result.warnings)) <= {"R-SAMRAD-1", "R-SAMRAD-2", "R-SAMRAD-5", "R-SAMRAD-6"}
    assert set(codes(result.errors)) <= {"R-SAMRAD-1", "R-SAMRAD-4", "R-INPUT"}


# --- minutes ----------------------------------------------------------------------------------------


def test_minutes_are_checked_when_every_adjuster_has_confirmed() -> None:
    assert rules.minutes_status_after(adjusters=[1, 2], confirmed=[1]) == rules.DRAFT
    assert rules.minutes_status_after(adjusters=[1, 2], confirmed=[2, 1]) == rules.CHECKED
    assert rules.minutes_status_after(adjusters=[], confirmed=[]) == rules.DRAFT


@given(st.frozensets(st.integers(1, 20), max_size=6), st.frozensets(st.integers(1, 20), max_size=8))
def test_minutes_are_checked_exactly_when_the_adjusters_are_a_nonempty_subset_of_the_confirmed(
    adjusters: frozenset[int], confirmed: frozenset[int]
) -> None:
    status = rules.minutes_status_after(adjusters=adjusters, confirmed=confirmed)
    assert (status == rules.CHECKED) == (bool(adjusters) and adjusters <= confirmed)


# --- documents --------------------------------------------------------------------------------------


def test_a_pdf_is_accepted_by_name_and_content() -> None:
    assert rules.document_type(filename="Bokslut.PDF", size=1000, head=b"%PDF-1.7") == (
        "pdf",
        "application/pdf",
    )


def test_a_renamed_file_an_unknown_type_an_empty_or_too_large_file_is_refused() -> None:
    refused = [
        rules.document_type(filename="bokslut.pdf", size=1000, head=b"MZ\x90\x00"),
        rules.document_type(filename="bokslut.exe", size=1000, head=b"%PDF-1.7"),
        rules.document_type(filename="bokslut", size=1000, head=b"%PDF-1.7"),
        rules.document_type(filename="bokslut.pdf", size=0, head=b""),
        rules.document_type(filename="bokslut.pdf", size=rules.MAX_DOCUMENT_BYTES + 1, head=b"%PDF-1.7"),
    ]
    assert all(isinstance(v, rules.Violation) and v.code == "R-DOCUMENT" for v in refused)


def test_an_office_document_is_accepted_when_it_is_a_zip_container() -> None:
    assert rules.document_type(filename="b.docx", size=10, head=b"PK\x03\x04")[0] == "docx"  # type: ignore[index]


def test_the_stored_name_has_no_path_and_no_control_characters() -> None:
    assert rules.safe_document_name('C:\\tmp\\..\\års"redovisning\x00.pdf') == "årsredovisning.pdf"
    assert rules.safe_document_name("") == "dokument"
    long = rules.safe_document_name("a" * 300 + ".pdf")
    assert len(long) == 150
    assert long.endswith(".pdf")


# --- the annual cycle -------------------------------------------------------------------------------

FOUNDED = date(2005, 1, 1)
MEMBERS = {1: "Försäkringskassan", 2: "Umeå kommun"}


def facts(**overrides: object) -> CycleFacts:
    values: dict[str, object] = {"year": 2026, "founded": FOUNDED, "previous_year_members": MEMBERS}
    values.update(overrides)
    return CycleFacts(**values)  # type: ignore[arg-type]


def by(rows: list[rules.ObligationRow], obligation: Obligation) -> list[rules.ObligationRow]:
    return [r for r in rows if r.obligation == obligation]


def test_the_due_dates_of_the_cycle() -> None:
    assert rules.due_date(Obligation.BUDGET_ADOPTION, 2026) == date(2026, 11, 30)
    assert rules.due_date(Obligation.BUDGET_CONSULTATION, 2026) == date(2026, 11, 30)
    assert rules.due_date(Obligation.ANNUAL_REPORT, 2026) == date(2026, 3, 31)
    assert rules.due_date(Obligation.MEMBER_CONSULTATION, 2026) == date(2026, 6, 30)


def test_an_empty_year_is_due_before_and_overdue_after_each_due_date() -> None:
    rows = rules.annual_cycle(facts(), date(2026, 5, 15))
    status = {r.obligation: r.status for r in rows if r.member_id is None}
    assert status[Obligation.ANNUAL_REPORT] == Status.OVERDUE
    assert status[Obligation.NATIONAL_REPORT] == Status.OVERDUE
    assert status[Obligation.MEMBER_CONSULTATION] == Status.DUE
    assert status[Obligation.BUDGET_ADOPTION] == Status.DUE
    assert status[Obligation.BOARD] == Status.DONE  # no gaps given
    assert {r.status for r in by(rows, Obligation.AUDIT_REPORT)} == {Status.OVERDUE}
    assert {r.status for r in by(rows, Obligation.DISCHARGE)} == {Status.DUE}


def test_audit_reports_and_discharges_are_one_row_per_member() -> None:
    rows = rules.annual_cycle(
        facts(audit_reports={1: date(2026, 4, 2)}, discharges={2: (date(2026, 6, 5), False)}),
        date(2026, 7, 1),
    )
    audits = {r.member_id: r for r in by(rows, Obligation.AUDIT_REPORT)}
    discharges = {r.member_id: r for r in by(rows, Obligation.DISCHARGE)}
    assert audits[1].status == Status.DONE
    assert audits[2].status == Status.OVERDUE
    assert discharges[1].status == Status.OVERDUE
    assert discharges[2].status == Status.DONE
    assert discharges[2].detail == "Ansvarsfrihet ej beviljad."
    assert discharges[2].title == "Beslut om ansvarsfrihet 2025: Umeå kommun"


def test_a_joint_audit_report_covers_every_member() -> None:
    rows = rules.annual_cycle(facts(audit_reports={None: date(2026, 4, 2)}), date(2026, 7, 1))
    assert {r.status for r in by(rows, Obligation.AUDIT_REPORT)} == {Status.DONE}


def test_the_annual_report_needs_both_the_annual_and_the_activity_report_and_is_flagged_when_late() -> None:
    one = rules.annual_cycle(facts(annual_report_delivered=date(2026, 3, 1)), date(2026, 4, 1))
    [annual] = by(one, Obligation.ANNUAL_REPORT)
    assert annual.status == Status.OVERDUE
    assert "verksamhetsberättelsen" in annual.detail
    both = rules.annual_cycle(
        facts(annual_report_delivered=date(2026, 3, 1), activity_report_delivered=date(2026, 4, 10)),
        date(2026, 5, 1),
    )
    [annual] = by(both, Obligation.ANNUAL_REPORT)
    assert annual.status == Status.DONE
    assert annual.done_on == date(2026, 4, 10)
    assert annual.late


def test_a_late_adopted_budget_is_done_and_flagged() -> None:
    rows = rules.annual_cycle(
        facts(budget_adopted=date(2026, 12, 10), budget_adopted_late=True), date(2027, 1, 5)
    )
    [adoption] = by(rows, Obligation.BUDGET_ADOPTION)
    assert adoption.status == Status.DONE
    assert adoption.late


def test_a_consultation_outside_spring_is_done_with_a_remark() -> None:
    rows = rules.annual_cycle(facts(consultation_held=date(2026, 9, 3)), date(2026, 10, 1))
    [consultation] = by(rows, Obligation.MEMBER_CONSULTATION)
    assert consultation.status == Status.DONE
    assert consultation.late
    assert "våren" in consultation.detail


def test_board_gaps_make_the_board_obligation_due_then_overdue_from_the_first_gap() -> None:
    gap = BoardGap("Vindelns kommun", "ersättare", date(2026, 9, 1), date(2026, 12, 31))
    before = rules.annual_cycle(facts(board_gaps=[gap]), date(2026, 8, 1))
    after = rules.annual_cycle(facts(board_gaps=[gap]), date(2026, 9, 2))
    assert by(before, Obligation.BOARD)[0].status == Status.DUE
    assert by(before, Obligation.BOARD)[0].due == date(2026, 9, 1)
    assert by(after, Obligation.BOARD)[0].status == Status.OVERDUE
    assert "Vindelns kommun saknar ersättare 2026-09-01–2026-12-31" in by(after, Obligation.BOARD)[0].detail


def test_obligations_of_a_year_the_association_did_not_exist_are_not_applicable() -> None:
    new = rules.annual_cycle(facts(founded=date(2026, 2, 1)), date(2026, 5, 1))
    status = {r.obligation: r.status for r in new}
    assert status[Obligation.ANNUAL_REPORT] == Status.NOT_APPLICABLE
    assert status[Obligation.AUDIT_REPORT] == Status.NOT_APPLICABLE
    assert status[Obligation.MEMBER_CONSULTATION] == Status.DUE
    ending = rules.annual_cycle(facts(dissolved=date(2026, 12, 31)), date(2026, 5, 1))
    assert {r.obligation: r.status for r in ending}[Obligation.BUDGET_ADOPTION] == Status.NOT_APPLICABLE


def test_a_group_is_overdue_if_one_member_is_and_counts_the_done() -> None:
    rows = rules.annual_cycle(facts(discharges={1: (date(2026, 6, 1), True)}), date(2026, 7, 1))
    group = rules.group_status(by(rows, Obligation.DISCHARGE))
    assert group.status == Status.OVERDUE
    assert (group.done, group.total) == (1, 2)


@given(
    done=st.booleans(),
    applicable=st.booleans(),
    due=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    today=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
)
def test_obligation_status_is_decided_by_applicability_then_done_then_the_date(
    done: bool, applicable: bool, due: date, today: date
) -> None:
    status = rules.obligation_status(done=done, due=due, today=today, applicable=applicable)
    if not applicable:
        assert status == Status.NOT_APPLICABLE
    elif done:
        assert status == Status.DONE
    else:
        assert status == (Status.OVERDUE if today > due else Status.DUE)


@given(
    st.lists(st.sampled_from(list(Status)), min_size=1, max_size=8),
)
def test_a_group_status_is_the_worst_of_its_applicable_rows(statuses: list[Status]) -> None:
    rows = [
        rules.ObligationRow(Obligation.DISCHARGE, 2026, "x", date(2026, 6, 30), s, member_id=i)
        for i, s in enumerate(statuses)
    ]
    group = rules.group_status(rows)
    order = [Status.OVERDUE, Status.DUE, Status.DONE, Status.NOT_APPLICABLE]
    expected = next(
        s for s in order if s in statuses and (s != Status.NOT_APPLICABLE or set(statuses) == {s})
    )
    assert group.status == expected
    assert group.total == sum(1 for s in statuses if s != Status.NOT_APPLICABLE)


@given(
    st.dates(date(2024, 1, 1), date(2028, 12, 31)),
    st.dictionaries(st.integers(1, 30), st.dates(date(2024, 1, 1), date(2028, 12, 31)), max_size=6),
    st.dates(date(2024, 1, 1), date(2028, 12, 31)),
)
def test_every_row_of_the_cycle_is_consistent(founded: date, audits: dict[int, date], today: date) -> None:
    members = {k: f"Medlem {k}" for k in audits} | {99: "Utan rapport"}
    rows = rules.annual_cycle(
        facts(founded=founded, previous_year_members=members, audit_reports=audits), today
    )
    assert {r.obligation for r in rows} == set(Obligation)
    for row in rows:
        assert (row.done_on is not None) == (row.status == Status.DONE) or row.status == Status.NOT_APPLICABLE
        assert not row.late or row.status == Status.DONE
        if row.status == Status.OVERDUE:
            assert today > row.due


# --- reminders --------------------------------------------------------------------------------------

DUE = date(2026, 11, 30)


def test_reminders_before_and_after_the_due_date() -> None:
    def offset(days: int) -> int | None:
        return rules.reminder_offset(due=DUE, today=DUE + timedelta(days=days), before=[30, 7], after=[1, 14])

    assert offset(-31) is None
    assert offset(-30) == -30
    assert offset(-23) == -30  # a run that missed days still sends it, within the grace
    assert offset(-22) is None
    assert offset(-7) == -7
    assert offset(0) == -7
    assert offset(1) == 1
    assert offset(14) == 14
    assert offset(14 + rules.REMINDER_GRACE_DAYS) == 14
    assert offset(15 + rules.REMINDER_GRACE_DAYS) is None


def test_a_reminder_long_after_its_threshold_is_not_sent() -> None:
    assert (
        rules.reminder_offset(due=DUE, today=DUE + timedelta(days=200), before=[30, 7], after=[1, 14]) is None
    )
    assert rules.reminder_offset(due=DUE, today=DUE - timedelta(days=20), before=[30, 7], after=[]) is None


offsets = st.lists(st.integers(0, 60), max_size=4, unique=True)


@given(st.dates(date(2025, 1, 1), date(2027, 12, 31)), offsets, offsets)
def test_over_a_run_of_days_each_threshold_is_offered_at_most_in_one_stretch(
    due: date, before: list[int], after: list[int]
) -> None:
    seen: list[int] = []
    for day in range(-90, 90):
        today = due + timedelta(days=day)
        offset = rules.reminder_offset(due=due, today=today, before=before, after=after)
        if offset is None:
            continue
        assert due + timedelta(days=offset) <= today  # never before its threshold
        assert (today - (due + timedelta(days=offset))).days <= rules.REMINDER_GRACE_DAYS
        if not seen or seen[-1] != offset:
            assert offset not in seen  # an offset never comes back once another took over
            seen.append(offset)
    assert seen == sorted(seen)
    assert len(seen) <= len(before) + len([d for d in after if d > 0])
