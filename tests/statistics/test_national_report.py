"""The national report: every figure derived from finance, interventions and participations; participant
counts suppressed (R-SUPPRESS) so that a small count cannot be worked out from the totals; "registered by
mistake" left out; a förbund's report for its own users and the national roles; CSV and Excel exports."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from openpyxl import load_workbook

from finsam.core.access import SYSTEM
from finsam.core.roles import Role
from finsam.core.suppression import TOTAL, OneWayTable, TwoWayTable, audit
from finsam.finance import services as finance_services
from finsam.followup import services
from finsam.interventions import services as intervention_services
from finsam.interventions.models import Intervention
from finsam.statistics import national_report
from tests.factories import make_intervention, make_populations, make_representatives

YEAR = 2025
TODAY = date(2026, 11, 1)


def enrol(
    intervention: Any,
    *,
    sex: str,
    start: date = date(2025, 3, 1),
    exit: date | None = None,
    reason: str = "work",
) -> Any:
    """An anonymous participant and its participation, through the services."""
    participation = services.participant_enrol(
        actor=SYSTEM,
        association=intervention.association,
        intervention=intervention,
        registration="anonymous",
        sex=sex,
        start=start,
        employment_before="none",
        education_level="upper_secondary",
        income_before=[("sickness_benefit", 100)],
        today=TODAY,
    )
    if exit is not None:
        mistake = reason == "registered_by_mistake"
        services.participation_exit(
            actor=SYSTEM,
            participation=participation,
            exit=exit,
            exit_reason=reason,
            employment_after="" if mistake else "work",
            income_after=[] if mistake else [("salary", 100)],
            today=TODAY,
        )
    return participation


def enrol_many(intervention: Any, n: int, *, sex: str, **options: Any) -> None:
    for _ in range(n):
        enrol(intervention, sex=sex, **options)


@dataclass
class Data:
    world: Any
    x: Any  # individual: 3 women and 9 men during 2025
    y: Any  # individual: 6 women and 8 men during 2025, and some who do not count
    s: Any  # structural: 20 trained, 33 staff reached in 2025
    t: Any  # structural: 2 trained, 9 staff reached in 2025
    budget: Any


def closed_budget(association: Any, x: Any, s: Any) -> Any:
    """The 2025 budget: frame 1 200 000 (FK 600 000, AF 0, region 300 000, the municipalities 100 000 and
    200 000 by population), lines X 600 000, S 150 000, "Förstudie" 50 000 (no registered intervention),
    personnel 150 000, premises 50 000; opening equity 300 000; outcome entered and the year closed."""
    make_populations(association, YEAR - 2)
    budget = finance_services.budget_create(actor=SYSTEM, association=association, year=YEAR, frame="1200000")
    line = finance_services.LineInput
    budget = finance_services.budget_update(
        actor=SYSTEM,
        budget=budget,
        version=budget.version,
        frame="1200000",
        population_year=YEAR - 2,
        lines=[
            line(kind="intervention", intervention_id=x.pk, amount="600000"),
            line(kind="intervention", intervention_id=s.pk, amount="150000"),
            line(kind="intervention", label="Förstudie", amount="50000"),
            line(kind="administration", cost_type="personnel", amount="150000"),
            line(kind="administration", cost_type="premises", amount="50000"),
        ],
    )
    people = make_representatives(association)
    for member in association.members.all():
        finance_services.consultation_record(
            actor=SYSTEM,
            budget=budget,
            member=member,
            held_on=date(2024, 10, 1),
            representative=people[member.pk],
        )
    budget = finance_services.budget_adopt(actor=SYSTEM, budget=budget, adopted_on=date(2024, 11, 20))
    budget.opening_equity = D("300000.00")
    budget.save()
    actual = {"600000.00": "580000", "150000.00": "160000", "50000.00": "40000"}
    actuals = {}
    for budget_line in budget.lines.all():
        if budget_line.kind == "administration":
            actuals[budget_line.pk] = "140000" if budget_line.cost_type == "personnel" else "45000"
        else:
            actuals[budget_line.pk] = actual[str(budget_line.amount)]
    received = {}
    for contribution in budget.contributions.select_related("member__municipality"):
        short = (
            contribution.member.municipality is not None and contribution.member.municipality.code == "2480"
        )
        received[contribution.pk] = "190000" if short else str(contribution.amount)
    budget = finance_services.outcome_update(
        actor=SYSTEM, budget=budget, version=budget.version, actuals=actuals, received=received
    )
    finance_services.outcome_close(actor=SYSTEM, budget=budget, closed_on=date(2026, 2, 15))
    budget.refresh_from_db()
    return budget


def structural(association: Any, name: str, periods: list[tuple[date, date, int, int]]) -> Any:
    intervention = make_intervention(association, name=name, kind="structural", start=date(2024, 1, 1))
    for start, end, trained, reached in periods:
        intervention_services.structural_count_record(
            actor=SYSTEM,
            intervention=intervention,
            period_start=start,
            period_end=end,
            people_trained=trained,
            staff_reached=reached,
        )
    return intervention


@pytest.fixture
def data(world: Any) -> Data:
    own = world.own
    x = make_intervention(own, name="Steget vidare", start=date(2025, 1, 1))
    Intervention.objects.filter(pk=x.pk).update(target_group="Unga vuxna med aktivitetsersättning")
    y = make_intervention(own, name="Unga till arbete", start=date(2020, 1, 1))
    enrol_many(x, 3, sex="woman")
    enrol_many(x, 9, sex="man")
    enrol_many(y, 6, sex="woman")
    enrol_many(y, 7, sex="man", exit=date(2025, 10, 1))
    enrol(y, sex="woman", exit=date(2025, 4, 1), reason="registered_by_mistake")
    enrol(y, sex="man", start=date(2024, 9, 1))  # began the year before, still taking part in 2025
    enrol(y, sex="woman", start=date(2024, 2, 1), exit=date(2024, 12, 20))  # ended before 2025: not counted
    enrol(y, sex="woman", start=date(2026, 2, 1))  # began after 2025: not counted
    s = structural(
        own,
        "Kompetenslyftet",
        [
            (date(2024, 7, 1), date(2024, 12, 31), 50, 50),  # a period of 2024: not counted
            (date(2025, 1, 1), date(2025, 6, 30), 12, 30),
            (date(2025, 7, 1), date(2025, 12, 31), 8, 3),
        ],
    )
    t = structural(own, "Samverkansforum", [(date(2025, 1, 1), date(2025, 12, 31), 2, 9)])
    budget = closed_budget(own, x, s)
    return Data(world=world, x=x, y=y, s=s, t=t, budget=budget)


def admin(world: Any) -> Any:
    return world.users[Role.ASSOCIATION_ADMIN]


def report_of(data: Data, user: Any | None = None) -> national_report.NationalReport:
    return national_report.national_report(
        user=user or admin(data.world), association_id=data.world.own.pk, year=YEAR
    )


# --- figures derived from the detailed data -------------------------------------------------------------


def test_allocated_funds_are_the_contributions_per_kind_of_member_with_what_was_paid_in(data: Data) -> None:
    report = report_of(data)

    funds = {line.code: (line.allocated, line.received) for line in report.funds}
    assert funds == {
        "state": (D("600000.00"), D("600000.00")),
        "region": (D("300000.00"), D("300000.00")),
        "municipalities": (D("300000.00"), D("290000.00")),
    }
    assert (report.frame, report.received) == (D("1200000.00"), D("1190000.00"))


def test_equity_is_carried_from_the_closed_year_and_compared_with_the_reference_level(data: Data) -> None:
    report = report_of(data)

    equity = report.equity
    assert report.closed
    assert equity is not None
    # received 1 190 000 less costs 965 000 = 225 000; 300 000 + 225 000 = 525 000
    assert (equity.opening, equity.result, equity.closing) == (D("300000.00"), D("225000.00"), D("525000.00"))
    assert equity.share_percent == D("44.1") and equity.status == "above"


def test_budget_and_outcome_for_administration_and_per_intervention(data: Data) -> None:
    report = report_of(data)

    assert report.administration is not None and report.intervention_costs is not None
    assert (report.administration.budget, report.administration.actual) == (D("200000.00"), D("185000.00"))
    assert (report.intervention_costs.budget, report.intervention_costs.actual) == (
        D("800000.00"),
        D("780000.00"),
    )
    lines = {line.name: line for line in report.interventions}
    assert (lines["Steget vidare"].budget, lines["Steget vidare"].actual) == (D("600000.00"), D("580000.00"))
    assert (lines["Kompetenslyftet"].budget, lines["Kompetenslyftet"].actual) == (
        D("150000.00"),
        D("160000.00"),
    )
    assert (lines["Unga till arbete"].budget, lines["Unga till arbete"].actual) == (None, None)
    assert [(u.label, u.budget, u.actual) for u in report.unregistered] == [
        ("Förstudie", D("50000.00"), D("40000.00"))
    ]


def test_planned_participants_focus_and_target_group_per_intervention(data: Data) -> None:
    lines = {line.name: line for line in report_of(data).interventions}

    assert lines["Steget vidare"].planned == 40  # planned for its first year, 2025
    assert lines["Unga till arbete"].planned is None  # planned for 2020 only
    assert lines["Steget vidare"].focus == "Individinriktad"
    assert lines["Kompetenslyftet"].focus == "Strukturövergripande"
    assert lines["Steget vidare"].target_group == "Unga vuxna med aktivitetsersättning"


def test_participants_are_those_taking_part_during_the_year_without_registered_by_mistake(data: Data) -> None:
    own = data.world.own
    x, y = str(data.x.pk), str(data.y.pk)

    counts = national_report._facts([own.pk], YEAR).participants[own.pk]

    # Y: 6 women and 7 men began in 2025 and one man in 2024 who still took part; the woman registered
    # by mistake, the woman who ended in 2024 and the one who began in 2026 are not counted.
    assert counts == {(x, "woman"): 3, (x, "man"): 9, (y, "woman"): 6, (y, "man"): 8}
    lines = {line.name: line for line in report_of(data).individual}
    y_line = lines["Unga till arbete"]
    assert y_line.participants is not None and y_line.participants.value == 14


def test_a_count_of_three_women_is_hidden_and_cannot_be_worked_out_from_the_totals(data: Data) -> None:
    report = report_of(data)

    assert report.participants is not None
    x, y = str(data.x.pk), str(data.y.pk)
    assert report.participants.cell(x, "woman").suppressed
    assert report.participants.cell(x, "woman").value is None
    truth = TwoWayTable.from_counts(
        "intervention",
        "sex",
        report.participants.categories[0],
        ("woman", "man"),
        {(x, "woman"): 3, (x, "man"): 9, (y, "woman"): 6, (y, "man"): 8},
    )
    [intervals] = audit([truth], [report.participants])
    assert (x, "woman") in intervals
    for interval in intervals.values():
        assert interval.width is None or interval.width >= 4
    assert 3 not in [cell.value for cell in report.participants.cells]


def test_structural_counts_are_summed_over_the_periods_of_the_year_and_suppressed(data: Data) -> None:
    report = report_of(data)

    assert report.people_trained is not None and report.staff_reached is not None
    s, t = str(data.s.pk), str(data.t.pk)
    assert report.staff_reached.cell(s).value == 33  # 30 + 3; the 2024 period is not counted
    assert report.staff_reached.cell(t).value == 9
    assert report.staff_reached.cell(TOTAL).value == 42
    assert report.people_trained.cell(t).suppressed  # 2 trained
    truth = {s: 20, t: 2}
    order = report.people_trained.categories[0]
    [intervals] = audit(
        [OneWayTable("intervention", order, tuple(truth[k] for k in order))], [report.people_trained]
    )
    assert (t,) in intervals
    assert all(interval.width is None or interval.width >= 4 for interval in intervals.values())


def test_a_forbund_without_a_budget_still_reports_its_interventions(world: Any) -> None:
    intervention = make_intervention(world.other, name="Vägen in", start=date(2025, 1, 1))
    enrol_many(intervention, 5, sex="woman")

    report = national_report.national_report(
        user=world.users[Role.NATIONAL_ADMIN], association_id=world.other.pk, year=YEAR
    )

    assert not report.has_budget and report.funds == [] and report.equity is None
    assert report.participants_total_women is not None and report.participants_total_women.value == 5


# --- scope ----------------------------------------------------------------------------------------------


def test_the_forbund_report_is_for_its_own_roles_and_the_national_roles(data: Data) -> None:
    world = data.world
    roles = (
        Role.ASSOCIATION_ADMIN,
        Role.BOARD_MEMBER,
        Role.AUDITOR,
        Role.NATIONAL_ADMIN,
        Role.NATIONAL_VIEWER,
    )
    for role in roles:
        assert report_of(data, world.users[role]).association == world.own
    with pytest.raises(Http404):
        national_report.national_report(
            user=world.outsiders[Role.ASSOCIATION_ADMIN], association_id=world.own.pk, year=YEAR
        )
    for user in (world.no_role, world.users[Role.PARTICIPANT_COORDINATOR]):
        with pytest.raises(PermissionDenied):
            report_of(data, user)


def test_the_national_compilation_is_for_the_national_roles_only(data: Data) -> None:
    world = data.world
    for role in (Role.NATIONAL_ADMIN, Role.NATIONAL_VIEWER):
        reports = national_report.national_reports(user=world.users[role], year=YEAR)
        assert [r.association for r in reports] == sorted([world.own, world.other], key=lambda a: a.name)
    with pytest.raises(PermissionDenied):
        national_report.national_reports(user=admin(world), year=YEAR)


def test_pages_answer_by_scope(data: Data) -> None:
    world = data.world
    own = reverse("statistics:national_report", args=[world.own.pk])
    other = reverse("statistics:national_report", args=[world.other.pk])

    assert world.client(admin(world)).get(own, {"ar": YEAR}).status_code == 200
    assert world.client(admin(world)).get(other, {"ar": YEAR}).status_code == 404
    assert world.client(world.no_role).get(own).status_code == 403
    assert world.client(world.users[Role.NATIONAL_ADMIN]).get(other).status_code == 200
    national = reverse("statistics:national_report_national")
    assert world.client(world.users[Role.NATIONAL_VIEWER]).get(national).status_code == 200
    assert world.client(admin(world)).get(national).status_code == 403


# --- the page -------------------------------------------------------------------------------------------


def test_the_page_shows_the_figures_in_captioned_tables_with_hidden_counts_marked(data: Data) -> None:
    response = data.world.client(admin(data.world)).get(
        reverse("statistics:national_report", args=[data.world.own.pk]), {"ar": YEAR}
    )

    html = response.content.decode()
    assert "<caption" in html and 'scope="row"' in html and 'scope="col"' in html
    assert "600\u00a0000,00\u00a0kr" in html  # the state's part
    assert "525\u00a0000\u00a0kr" in html  # closing equity
    assert "Steget vidare" in html and "Kompetenslyftet" in html and "Förstudie" in html
    assert 'class="sr-only">dold</span>' in html
    assert '<option value="2025" selected>' in html


def test_a_year_that_is_not_a_year_falls_back_to_last_year(data: Data) -> None:
    url = reverse("statistics:national_report", args=[data.world.own.pk])
    client = data.world.client(admin(data.world))

    for bad in ("abc", "1800", "99999999999999999999"):
        response = client.get(url, {"ar": bad})
        assert response.status_code == 200
        assert response.context["year"] == national_report.default_year()


# --- exports --------------------------------------------------------------------------------------------


def _csv(response: Any) -> list[dict[str, str]]:
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def _find(rows: list[dict[str, str]], **match: str) -> dict[str, str]:
    [row] = [row for row in rows if all(row[key] == value for key, value in match.items())]
    return row


def test_the_csv_has_one_row_per_figure_with_decimal_commas_and_hidden_counts_empty(data: Data) -> None:
    own = data.world.own
    response = data.world.client(admin(data.world)).get(
        reverse("statistics:national_report_csv", args=[own.pk]), {"ar": YEAR}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(response)
    assert _find(rows, avsnitt="funds", post="state", mått="allocated")["värde"] == "600000,00"
    assert _find(rows, avsnitt="funds", post="municipalities", mått="received")["värde"] == "290000,00"
    assert _find(rows, avsnitt="equity", mått="closing")["värde"] == "525000,00"
    assert _find(rows, avsnitt="equity", mått="share_of_contributions")["värde"] == "44,1"
    assert _find(rows, avsnitt="costs", post="administration", mått="actual")["värde"] == "185000,00"
    women = _find(rows, avsnitt="interventions", insats_id=str(data.x.pk), mått="participants_women")
    assert (women["värde"], women["dold"], women["enhet"]) == ("", "ja", "antal")
    y_all = _find(rows, avsnitt="interventions", insats_id=str(data.y.pk), mått="participants")
    assert (y_all["värde"], y_all["dold"]) == ("14", "nej")
    planned = _find(rows, avsnitt="interventions", insats_id=str(data.x.pk), mått="planned_participants")
    assert planned["värde"] == "40" and planned["inriktning"] == "Individinriktad"
    assert {row["förbund_id"] for row in rows} == {str(own.pk)}
    assert {row["år"] for row in rows} == {"2025"}
    assert all(row["värde"] != "3" for row in rows if row["enhet"] == "antal")


def test_the_excel_workbook_holds_the_report_and_the_same_rows_as_data(data: Data) -> None:
    own = data.world.own
    response = data.world.client(admin(data.world)).get(
        reverse("statistics:national_report_excel", args=[own.pk]), {"ar": YEAR}
    )

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Nationell rapport", "Data"]
    report_cells = [cell for row in book["Nationell rapport"].iter_rows(values_only=True) for cell in row]
    assert "Staten (Försäkringskassan och Arbetsförmedlingen)" in report_cells
    assert 600000 in report_cells and 525000 in report_cells
    data_rows = list(book["Data"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(data_rows) if row[0] == "år")
    headers = data_rows[header]
    records = [dict(zip(headers, row, strict=False)) for row in data_rows[header + 1 :]]
    state = next(
        r for r in records if r["avsnitt"] == "funds" and r["post"] == "state" and r["mått"] == "allocated"
    )
    assert state["värde"] == 600000
    women = next(r for r in records if r["insats_id"] == data.x.pk and r["mått"] == "participants_women")
    assert women["värde"] is None and women["dold"] == "ja"


def test_the_national_page_and_exports_list_every_forbund(data: Data) -> None:
    world = data.world
    other = make_intervention(world.other, name="Vägen in", start=date(2025, 1, 1))
    enrol_many(other, 2, sex="man")
    client = world.client(world.users[Role.NATIONAL_VIEWER])

    page = client.get(reverse("statistics:national_report_national"), {"ar": YEAR}).content.decode()
    assert world.own.name in page and world.other.name in page
    assert "Ingen budget för året" in page  # the other förbund has no budget for 2025
    # the national council reads each förbund's own report page too: the compilation links to it
    assert reverse("statistics:national_report", args=[world.own.pk]) in page
    outsider = world.client(world.outsiders[Role.ASSOCIATION_ADMIN])
    assert outsider.get(reverse("statistics:national_report_national"), {"ar": YEAR}).status_code == 403

    rows = _csv(client.get(reverse("statistics:national_report_national_csv"), {"ar": YEAR}))
    assert {row["förbund_id"] for row in rows} == {str(world.own.pk), str(world.other.pk)}
    men = _find(rows, förbund_id=str(world.other.pk), avsnitt="participants", mått="participants_men")
    assert (men["värde"], men["dold"]) == ("", "ja")  # 2 men
    assert (
        _find(rows, förbund_id=str(world.own.pk), avsnitt="funds", post="state", mått="allocated")["värde"]
        == "600000,00"
    )

    book = load_workbook(
        io.BytesIO(client.get(reverse("statistics:national_report_national_excel"), {"ar": YEAR}).content)
    )
    assert book.sheetnames == ["Förbund", "Data"]
    names = [row[0] for row in book["Förbund"].iter_rows(values_only=True)]
    assert world.own.name in names and world.other.name in names

    national_admin_page = world.client(world.users[Role.NATIONAL_ADMIN]).get(
        reverse("statistics:national_report_national"), {"ar": YEAR}
    )
    assert reverse("statistics:national_report", args=[world.own.pk]) in national_admin_page.content.decode()


def test_the_national_page_ends_with_a_national_total_that_gives_no_hidden_count_away(data: Data) -> None:
    world = data.world
    other = make_intervention(world.other, name="Vägen in", start=date(2025, 1, 1))
    enrol_many(other, 2, sex="man")
    enrol_many(other, 6, sex="woman")
    viewer = world.users[Role.NATIONAL_VIEWER]
    reports = national_report.national_reports(user=viewer, year=YEAR)
    own = next(r for r in reports if r.association.pk == world.own.pk)

    total = national_report.national_total(reports)

    assert (total.associations, total.with_budget) == (2, 1)  # money: the förbund with a budget
    assert own.frame is not None and total.frame == own.frame
    assert own.equity is not None and total.equity_closing == own.equity.closing
    # Men: 17 shown in the own förbund, 2 hidden in the other; a national sum would give the 2 away.
    assert own.participants_total_men is not None and own.participants_total_men.value == 17
    assert total.men is not None and total.men.suppressed and total.men.value is None
    # The people trained are shown (the other förbund has no structural intervention): summed.
    assert own.trained_total() is not None and total.trained is not None
    assert not total.trained.suppressed and total.trained.value == own.trained_total().value  # type: ignore[union-attr]

    page = world.client(viewer).get(reverse("statistics:national_report_national"), {"ar": YEAR})
    html = page.content.decode()
    assert "<tfoot>" in html and "Hela landet (budget i 1 förbund)" in html


def test_the_forbund_page_and_the_annual_cycle_link_to_the_report_for_those_who_may_read_it(
    world: Any,
) -> None:
    report_url = reverse("statistics:national_report", args=[world.own.pk])
    detail = reverse("registry:association_detail", args=[world.own.pk])

    assert report_url in world.client(admin(world)).get(detail).content.decode()
    coordinator = world.client(world.users[Role.PARTICIPANT_COORDINATOR])
    assert report_url not in coordinator.get(detail).content.decode()
    cycle = world.client(admin(world)).get(
        reverse("governance:annual_cycle", args=[world.own.pk]), {"ar": 2026}
    )
    assert f"{report_url}?ar=2025" in cycle.content.decode()
    overview = world.client(world.users[Role.NATIONAL_VIEWER]).get(
        reverse("governance:national_overview"), {"ar": 2026}
    )
    assert reverse("statistics:national_report_national") + "?ar=2025" in overview.content.decode()


def test_the_national_compilation_takes_the_same_queries_however_many_interventions_and_participants(
    data: Data,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    viewer = data.world.users[Role.NATIONAL_VIEWER]
    national_report.national_reports(user=viewer, year=YEAR)  # the user's roles are read once, then kept
    with CaptureQueriesContext(connection) as before:
        national_report.national_reports(user=viewer, year=YEAR)
    more = make_intervention(data.world.own, name="Ännu en insats", start=date(2025, 1, 1))
    enrol_many(more, 6, sex="woman")
    structural(data.world.own, "Nätverket", [(date(2025, 2, 1), date(2025, 3, 1), 7, 7)])
    with CaptureQueriesContext(connection) as after:
        national_report.national_reports(user=viewer, year=YEAR)

    assert len(after) == len(before)


def _more_forbund_with_budgets(template: Any, first: int, n: int) -> None:
    """`n` more förbund, each with a member, a charter and a budget for YEAR with two lines (one with its
    outcome) and a contribution, copied from `template` (the closed budget) with bulk_create: only the
    compilation's reads are under test here."""
    from finsam.finance.models import Budget, BudgetLine, Contribution
    from finsam.registry.models import Association, Charter, Member

    own = template.association
    charter = template.charter
    numbers = range(first, first + n)
    associations = Association.objects.bulk_create(
        Association(
            name=f"Samordningsförbundet Kopia {i:03d}",
            org_number=f"9{i:05d}-0000",
            seat_id=own.seat_id,
            founded=own.founded,
        )
        for i in numbers
    )
    members = Member.objects.bulk_create(
        Member(association=a, kind="fk", joined=own.founded) for a in associations
    )
    charters = Charter.objects.bulk_create(
        Charter(
            association=a,
            version=1,
            adopted=charter.adopted,
            valid_from=charter.valid_from,
            municipal_key=charter.municipal_key,
            region_key=charter.region_key,
        )
        for a in associations
    )
    budgets = Budget.objects.bulk_create(
        Budget(
            association=a,
            year=YEAR,
            status=template.status,
            frame=template.frame,
            charter=c,
            population_year=template.population_year,
            adopted_on=template.adopted_on,
        )
        for a, c in zip(associations, charters, strict=True)
    )
    BudgetLine.objects.bulk_create(
        line
        for b in budgets
        for line in (
            BudgetLine(
                budget=b, kind="intervention", label="Förstudie", amount=D("50000"), actual=D("40000")
            ),
            BudgetLine(
                budget=b, kind="administration", cost_type="personnel", amount=D("150000"), position=1
            ),
        )
    )
    Contribution.objects.bulk_create(
        Contribution(budget=b, member=m, amount=template.frame, received=template.frame)
        for b, m in zip(budgets, members, strict=True)
    )


def test_the_national_compilation_reads_finance_in_the_same_queries_for_3_and_for_75_forbund(
    data: Data,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    viewer = data.world.users[Role.NATIONAL_VIEWER]
    _more_forbund_with_budgets(data.budget, 1, 1)
    national_report.national_reports(user=viewer, year=YEAR)  # the user's roles are read once, then kept
    with CaptureQueriesContext(connection) as three:
        reports = national_report.national_reports(user=viewer, year=YEAR)
    assert len(reports) == 3
    _more_forbund_with_budgets(data.budget, 2, 72)
    with CaptureQueriesContext(connection) as seventy_five:
        reports = national_report.national_reports(user=viewer, year=YEAR)

    assert len(reports) == 75
    assert sum(report.has_budget for report in reports) == 74
    copy = next(r for r in reports if r.association.name.endswith("Kopia 002"))
    assert copy.frame == data.budget.frame
    assert copy.administration is not None and copy.administration.budget == D("150000")
    assert copy.administration.actual is None  # an outcome is missing: no sum
    assert [line.label for line in copy.unregistered] == ["Förstudie"]
    assert len(seventy_five) == len(three)
