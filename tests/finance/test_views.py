"""The finance pages: what each role sees, what the administration changes, how bad input is refused
(status 400 with the Swedish message on the field, nothing written), the edit conflict (409, nothing lost),
the calculators, and query counts that do not grow with the rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from finsam.core.access import SYSTEM
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.finance import services
from finsam.finance.models import Budget, BudgetConsultation, BudgetStatus, Population
from finsam.registry.models import Member, PartyKind
from tests.factories import make_association, make_budget, make_populations, make_representatives

pytestmark = pytest.mark.django_db

D = Decimal
NBSP = "\u00a0"


def url(name: str, *args: Any) -> str:
    return reverse(f"finance:{name}", args=args)


def client_for(world: Any, role: Role = Role.ASSOCIATION_ADMIN) -> Any:
    return world.client(world.users[role])


def field_error(response: Any, field: str) -> str:
    return " ".join(str(e) for e in response.context["form"].errors.get(field, []))


def field_rules(response: Any, field: str) -> list[str]:
    """The rules behind a field's errors (the page links each; the text does not name it)."""
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]


def edit_data(
    budget: Budget, *, frame: str, version: int | None = None, lines: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    rows = lines if lines is not None else []
    data: dict[str, Any] = {
        "frame": frame,
        "population_year": str(budget.population_year),
        "opening_equity": "0",
        "version": str(budget.version if version is None else version),
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"lines-{index}-{key}"] = value
    return data


def current_lines(budget: Budget) -> list[dict[str, str]]:
    return [
        {
            "line_id": str(line.pk),
            "kind": line.kind,
            "cost_type": line.cost_type,
            "label": line.label,
            "amount": str(line.amount),
        }
        for line in budget.lines.order_by("position")
    ]


# --- navigation and overview ----------------------------------------------------------------------


def test_the_finance_roles_find_economy_in_the_menu_and_others_the_calculators(world: Any) -> None:
    auditor = client_for(world, Role.AUDITOR).get(reverse("home")).text
    coordinator = client_for(world, Role.PARTICIPANT_COORDINATOR).get(reverse("home")).text

    assert f'href="{url("overview")}"' in auditor
    assert f'href="{url("overview")}"' not in coordinator
    assert f'href="{url("calculator_contributions")}"' in coordinator


@pytest.mark.parametrize(
    "page", ["calculator_contributions", "calculator_cap_2004", "calculator_state_allocation"]
)
def test_a_calculators_way_back_to_economy_is_shown_only_to_those_who_may_go_there(
    world: Any, page: str
) -> None:
    back = f'href="{url("overview")}"'
    coordinator = client_for(world, Role.PARTICIPANT_COORDINATOR)
    auditor = client_for(world, Role.AUDITOR)

    assert coordinator.get(url("overview")).status_code == 403
    assert back not in coordinator.get(url(page)).text.split("<main", 1)[1]
    assert back in auditor.get(url(page)).text.split("<main", 1)[1]


def test_the_overview_shows_each_associations_budgets_with_status(world: Any) -> None:
    make_budget(world.own, year=2026, adopt_on=date(2025, 12, 2))

    page = client_for(world, Role.BOARD_MEMBER).get(url("overview")).text

    assert world.own.name in page and world.other.name not in page
    assert "Fastställd" in page and "Fastställd sent" in page
    assert f"1{NBSP}000{NBSP}tkr" in page


# --- creating and editing ---------------------------------------------------------------------------


def test_the_administration_creates_a_budget_and_sees_the_contributions(world: Any) -> None:
    make_populations(world.own, 2025, {"2460": 10_000, "2480": 20_000})

    response = client_for(world).post(
        url("budget_create", world.own.pk), {"year": "2027", "frame": "1 000 000 kr"}
    )

    budget = Budget.objects.get(association=world.own, year=2027)
    assert response.status_code == 302 and response["Location"] == url("budget_detail", budget.pk)
    page = client_for(world).get(response["Location"]).text
    assert f"166{NBSP}666,67{NBSP}kr" in page and f"167{NBSP}tkr" in page
    assert f"1{NBSP}000{NBSP}000,00{NBSP}kr" in page


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ("-100", "Budgetramen får inte vara mindre än noll."),
        ("hundra", "Budgetramen måste vara ett tal."),
        ("5 000 000 000 000", "Budgetramen får vara högst"),
    ],
)
def test_a_bad_frame_is_refused_on_the_field_and_nothing_is_written(
    world: Any, frame: str, message: str
) -> None:
    make_populations(world.own, 2025)
    before = AuditEntry.objects.count()

    response = client_for(world).post(url("budget_create", world.own.pk), {"year": "2027", "frame": frame})

    assert response.status_code == 400
    assert message in field_error(response, "frame") and "R-INPUT" in field_rules(response, "frame")
    assert not Budget.objects.exists() and AuditEntry.objects.count() == before


def test_a_budget_for_a_year_without_a_charter_is_refused_on_the_year(world: Any) -> None:
    response = client_for(world).post(url("budget_create", world.own.pk), {"year": "2004", "frame": "100"})

    assert response.status_code == 400
    assert "ingen förbundsordning" in field_error(response, "year")
    assert not Budget.objects.exists()


def test_budget_lines_are_added_on_the_edit_page(world: Any) -> None:
    budget = make_budget(world.own, lines=())

    response = client_for(world).post(
        url("budget_edit", budget.pk),
        edit_data(
            budget,
            frame="1 200 000",
            lines=[
                {"kind": "intervention", "label": "Unga vuxna", "amount": "700 000"},
                {"kind": "administration", "cost_type": "premises", "amount": "80 000,50"},
                {"kind": "intervention"},  # an empty row is left out
            ],
        ),
    )

    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.frame == D("1200000.00")
    assert [(line.title, line.amount) for line in budget.lines.order_by("position")] == [
        ("Unga vuxna", D("700000.00")),
        ("Lokaler", D("80000.50")),
    ]


def test_a_bad_line_is_refused_on_its_row(world: Any) -> None:
    budget = make_budget(world.own, lines=())

    response = client_for(world).post(
        url("budget_edit", budget.pk),
        edit_data(
            budget,
            frame="1000000",
            lines=[
                {"kind": "intervention", "label": "Unga vuxna", "amount": "700000"},
                {"kind": "administration", "cost_type": "premises", "amount": "-5"},
            ],
        ),
    )

    assert response.status_code == 400
    rows = response.context["lines"].forms
    assert "får inte vara mindre än noll" in " ".join(rows[1].errors["amount"])
    assert not rows[0].errors
    assert not budget.lines.exists()


def test_two_editors_the_second_gets_a_conflict_and_loses_nothing(world: Any) -> None:
    budget = make_budget(world.own)
    anna, bertil = client_for(world), client_for(world)
    opened = budget.version
    lines = current_lines(budget)
    assert anna.get(url("budget_edit", budget.pk)).status_code == 200

    first = anna.post(
        url("budget_edit", budget.pk), edit_data(budget, frame="1 100 000", version=opened, lines=lines)
    )
    second = bertil.post(
        url("budget_edit", budget.pk), edit_data(budget, frame="987 654", version=opened, lines=lines)
    )

    assert first.status_code == 302
    assert second.status_code == 409
    assert "R-CONFLICT" in second.text and "Någon annan har ändrat budgeten" in second.text
    assert 'value="987 654"' in second.text  # what Bertil typed is still in his form
    assert f"1{NBSP}100{NBSP}000{NBSP}kr" in second.text  # and what Anna saved is shown next to it
    budget.refresh_from_db()
    assert budget.frame == D("1100000.00")

    again = bertil.post(
        url("budget_edit", budget.pk),
        edit_data(
            budget,
            frame="987 654",
            version=int(second.context["form"].data["version"]),
            lines=current_lines(budget),
        ),
    )

    assert again.status_code == 302
    budget.refresh_from_db()
    assert budget.frame == D("987654.00")


def test_an_adopted_budget_sends_the_editor_back_to_the_budget(world: Any) -> None:
    budget = make_budget(world.own, adopt_on=date(2026, 11, 20))

    response = client_for(world).get(url("budget_edit", budget.pk))

    assert response.status_code == 302 and response["Location"] == url("budget_detail", budget.pk)


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.AUDITOR, Role.NATIONAL_ADMIN])
def test_readers_see_the_budget_but_no_edit_buttons(world: Any, role: Role) -> None:
    budget = make_budget(world.own)

    page = client_for(world, role).get(url("budget_detail", budget.pk)).text

    assert "Arbetslivsinriktad rehabilitering" in page
    assert url("budget_edit", budget.pk) not in page and url("budget_adopt", budget.pk) not in page
    assert client_for(world, role).get(url("budget_edit", budget.pk)).status_code == 403


# --- consultation and adoption ------------------------------------------------------------------


def test_a_budget_consultation_is_recorded_on_its_page(world: Any) -> None:
    budget = make_budget(world.own)
    people = make_representatives(world.own)
    fk = Member.objects.get(association=world.own, kind=PartyKind.FK)

    response = client_for(world).post(
        url("consultation_create", budget.pk),
        {
            "member": fk.pk,
            "held_on": "2026-10-01",
            "representative": people[fk.pk].pk,
            "comments": "Bra förslag.",
        },
    )

    assert response.status_code == 302
    consultation = BudgetConsultation.objects.get(budget=budget)
    assert (consultation.member, consultation.comments) == (fk, "Bra förslag.")
    page = client_for(world).get(url("budget_detail", budget.pk)).text
    assert "Bra förslag." in page and "Samråd saknas med:" in page


def test_a_consultation_with_the_wrong_person_is_refused_on_the_field(world: Any) -> None:
    budget = make_budget(world.own)
    people = make_representatives(world.own)
    fk = Member.objects.get(association=world.own, kind=PartyKind.FK)
    af = Member.objects.get(association=world.own, kind=PartyKind.AF)

    response = client_for(world).post(
        url("consultation_create", budget.pk),
        {"member": fk.pk, "held_on": "2026-10-01", "representative": people[af.pk].pk},
    )

    assert response.status_code == 400
    assert "var inte medlemsrepresentant för Försäkringskassan" in field_error(response, "representative")
    assert not BudgetConsultation.objects.exists()


def test_adoption_without_consultations_is_refused_with_the_members_named(world: Any) -> None:
    budget = make_budget(world.own)

    response = client_for(world).post(
        url("budget_adopt", budget.pk), {"adopted_on": "2026-11-20", "version": budget.version}
    )

    assert response.status_code == 400
    error = field_error(response, "adopted_on")
    assert (
        "R-BUDGET" in field_rules(response, "adopted_on")
        and "Samråd saknas med" in error
        and "Umeå kommun" in error
    )
    assert '/nationellt/regler/R-BUDGET/"' in response.content.decode()  # the message's small link
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.DRAFT


def test_a_late_adoption_is_saved_and_the_page_says_it_was_late(world: Any) -> None:
    budget = make_budget(world.own, consult=True)
    client = client_for(world)

    response = client.post(
        url("budget_adopt", budget.pk),
        {"adopted_on": "2026-12-03", "reference": "§ 7", "version": budget.version},
    )

    assert response.status_code == 302
    page = client.get(response["Location"]).text
    assert "efter den 30 november 2026" in page and "Fastställd sent" in page
    budget.refresh_from_db()
    assert budget.adopted_late and budget.adopted_on == date(2026, 12, 3)


# --- outcome ----------------------------------------------------------------------------------------


def test_outcome_and_closing_carry_the_result_to_equity(world: Any) -> None:
    budget = make_budget(world.own, year=2025, adopt_on=date(2024, 11, 20))
    data: dict[str, Any] = {"version": budget.version}
    data |= {f"actual-{line.pk}": "400 000" for line in budget.lines.all()}
    data |= {f"received-{c.pk}": str(c.amount) for c in budget.contributions.all()}

    saved = client_for(world).post(url("outcome_edit", budget.pk), data)
    budget.refresh_from_db()
    closed = client_for(world).post(
        url("outcome_close", budget.pk),
        {"closed_on": "2026-02-15", "confirm": "on", "version": budget.version},
    )

    assert saved.status_code == 302 and closed.status_code == 302
    page = client_for(world).get(url("budget_detail", budget.pk)).text
    assert "Utgående eget kapital" in page and f"200{NBSP}000{NBSP}kr" in page
    assert "Årets resultat (prognos)" not in page


def test_a_bad_outcome_amount_is_refused_on_its_field(world: Any) -> None:
    budget = make_budget(world.own, year=2025, adopt_on=date(2024, 11, 20))
    line = budget.lines.first()

    response = client_for(world).post(
        url("outcome_edit", budget.pk), {"version": budget.version, f"actual-{line.pk}": "−50"}
    )

    assert response.status_code == 400
    assert "Utfallet får inte vara mindre än noll." in field_error(response, f"actual-{line.pk}")
    line.refresh_from_db()
    assert line.actual is None


# --- populations ----------------------------------------------------------------------------------


def test_populations_are_edited_per_year(world: Any) -> None:
    response = client_for(world).post(
        url("population_edit", 2025), {"year": "2025", "population-2480": "131 000", "population-2460": ""}
    )

    assert response.status_code == 302
    assert Population.objects.get(municipality__code="2480", year=2025).population == 131_000
    assert not Population.objects.filter(municipality__code="2460").exists()


def test_a_bad_population_gets_a_swedish_message(world: Any) -> None:
    response = client_for(world).post(
        url("population_edit", 2025), {"year": "2025", "population-2480": "många"}
    )

    assert response.status_code == 400
    assert "måste vara ett tal" in field_error(response, "population-2480")
    assert not Population.objects.exists()


# --- calculators ------------------------------------------------------------------------------------


def test_the_contribution_calculator_shows_kr_and_tkr_and_explains_the_rule(world: Any) -> None:
    response = client_for(world, Role.PARTICIPANT_COORDINATOR).get(
        url("calculator_contributions"),
        {
            "total": "1 000 000",
            "municipal_key": "population",
            "municipalities": "2418; 10 000\n2422; 20 000\n2421; 40 000",
            "region_key": "population",
            "regions": "24",
        },
    )

    assert response.status_code == 200
    assert f"35{NBSP}714,29{NBSP}kr" in response.text and f"36{NBSP}tkr" in response.text
    assert "Malå kommun" in response.text
    assert "lag (2003:1210)" in response.text and "5 §" in response.text
    assert not AuditEntry.objects.exclude(action__startswith="api_token").exists()


def test_the_contribution_calculator_refuses_percentages_not_summing_to_a_hundred(world: Any) -> None:
    response = client_for(world).get(
        url("calculator_contributions"),
        {
            "total": "1000",
            "municipal_key": "fixed",
            "municipalities": "2480;;60\n2460;;30",
            "region_key": "population",
            "regions": "24",
        },
    )

    assert response.status_code == 400
    assert "summerar till 90 %, inte 100 %" in field_error(response, "municipalities")


def test_hallstahammar_on_the_cap_page(world: Any) -> None:
    response = client_for(world, Role.NATIONAL_VIEWER).get(
        url("calculator_cap_2004"), {"sickness_benefit_costs": "109 569 000"}
    )

    assert response.status_code == 200
    assert f"10{NBSP}956{NBSP}000,00{NBSP}kr" in response.text and f"10{NBSP}956{NBSP}tkr" in response.text
    assert f"2{NBSP}739{NBSP}000,00{NBSP}kr" in response.text
    assert "Ds 2003:2" in response.text


def test_the_state_model_page_reproduces_the_worked_example(world: Any) -> None:
    response = client_for(world, Role.NATIONAL_ADMIN).get(
        url("calculator_state_allocation"),
        {
            "appropriation": "10 000 000",
            "base_amount": "400 000",
            "need_weight": "0,75",
            "population_weight": "0,25",
            "max_reduction": "0,10",
            "associations": "A; Ask; 3000; 40000; 3800000\nB; Björk; 1500; 30000; 2400000\n"
            "C; Ceder; 1000; 20000; 2000000\nD; Dunge; 1500; 15000; 2260000",
        },
    )

    assert response.status_code == 200
    for amount in (
        "3\u00a0847\u00a0584,00",
        "2\u00a0318\u00a0416,00",
        "1\u00a0800\u00a0000,00",
        "2\u00a0034\u00a0000,00",
    ):
        assert amount in response.text
    assert "vid spärren" in response.text and "finsam.se" in response.text


def test_a_negative_appropriation_gets_a_swedish_message(world: Any) -> None:
    response = client_for(world).get(
        url("calculator_state_allocation"),
        {
            "appropriation": "-1",
            "base_amount": "400000",
            "need_weight": "0,75",
            "population_weight": "0,25",
            "max_reduction": "0,10",
            "associations": "A; Ask; 3000; 40000;",
        },
    )

    assert response.status_code == 400
    assert "Anslaget får inte vara mindre än noll." in field_error(response, "appropriation")


def test_an_empty_calculator_is_a_plain_form(world: Any) -> None:
    response = client_for(world).get(url("calculator_cap_2004"))

    assert response.status_code == 200 and response.context["result"] is None


# --- query counts -----------------------------------------------------------------------------------


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_budget_page_takes_the_same_queries_for_two_lines_as_for_twenty(world: Any) -> None:
    budget = make_budget(world.own)
    client = client_for(world)
    few = _queries(client, url("budget_detail", budget.pk))
    services.budget_update(
        actor=SYSTEM,
        budget=budget,
        version=budget.version,
        frame="1000000",
        population_year=2025,
        lines=[
            services.LineInput(kind="intervention", label=f"Insats {n}", amount="1000") for n in range(20)
        ],
    )

    assert _queries(client, url("budget_detail", budget.pk)) == few


def test_the_budget_list_and_overview_take_the_same_queries_for_more_rows(world: Any) -> None:
    client = client_for(world, Role.NATIONAL_ADMIN)
    make_budget(world.own, year=2027)
    list_few = _queries(client, url("budget_list", world.own.pk))
    overview_few = _queries(client, url("overview"))
    for year in (2024, 2025, 2026):
        make_budget(world.own, year=year, adopt_on=date(year - 1, 11, 1))
    for n in range(3):
        make_budget(make_association(f"Samordningsförbundet Fler {n}", municipalities=("2418",)), year=2027)

    assert _queries(client, url("budget_list", world.own.pk)) == list_few
    assert _queries(client, url("overview")) == overview_few


def test_the_report_page_shows_the_chart_and_the_tables(world: Any) -> None:
    budget = make_budget(world.own, year=2025, adopt_on=date(2024, 11, 20))

    page = client_for(world, Role.MEMBER_REPRESENTATIVE).get(url("report", budget.pk)).text

    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'role="img"' in page
    assert "Budget och utfall 2025" in page and world.own.org_number in page
    assert url("report_pdf", budget.pk) in page and url("report_xlsx", budget.pk) in page
    assert (
        client_for(world, Role.MEMBER_REPRESENTATIVE).get(url("budget_detail", budget.pk)).status_code == 403
    )


def test_an_empty_draft_forecasts_no_equity(world: Any) -> None:
    make_populations(world.own, 2025)
    budget = services.budget_create(actor=SYSTEM, association=world.own, year=2027, frame="1000000")
    page = client_for(world).get(url("budget_detail", budget.pk)).content.decode()
    assert "Ingen prognos ännu: budgeten har inga poster och inget utfall." in page
    assert "Utgående eget kapital (prognos)" not in page


def test_a_budget_not_adopted_by_the_thirtieth_of_november_shows_a_warning(
    world: Any, monkeypatch: Any
) -> None:
    from finsam.finance import selectors

    budget = make_budget(world.own, year=2027)
    monkeypatch.setattr(selectors, "today", lambda: date(2026, 12, 1))
    detail = client_for(world).get(url("budget_detail", budget.pk)).content.decode()
    assert "Budgeten är inte fastställd och sista dagen, 2026-11-30, har passerat." in detail
    assert "/nationellt/regler/R-BUDGET/" in detail
    assert "Inte fastställd i tid" in detail
    listing = client_for(world).get(url("budget_list", world.own.pk)).content.decode()
    assert "Inte fastställd i tid" in listing

    monkeypatch.setattr(selectors, "today", lambda: date(2026, 11, 30))
    assert (
        "Inte fastställd i tid" not in client_for(world).get(url("budget_detail", budget.pk)).content.decode()
    )
