"""The state allocation computed from the registry, decided, recorded in finance and explained by letter
(R-STATE-MODEL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.finance import rules as finance_rules
from finsam.finance.models import Budget, Contribution, Outcome, StateContribution
from finsam.national.allocation import selectors, services
from finsam.national.allocation.models import AllocationDecision
from finsam.registry.models import Municipality
from finsam.registry.schemas import PartyKind
from tests.factories import make_budget
from tests.governance.test_views import poppler
from tests.national.allocation_data import (
    FIGURES,
    YEAR,
    allocation_settings,
    decided,
    state_model_figures,
)

pytestmark = pytest.mark.django_db


def _close_year(association: Any, year: int, *, income: str, closing: str) -> None:
    """A closed year with the given contributions received and closing equity."""
    budget = make_budget(association, year=year, adopt_on=date(year - 1, 11, 20))
    Outcome.objects.create(
        budget=budget,
        closed_on=date(year + 1, 2, 1),
        income=Decimal(income),
        costs=Decimal("0"),
        result=Decimal(income),
        opening_equity=Decimal(closing) - Decimal(income),
        closing_equity=Decimal(closing),
    )


def test_the_draft_from_the_registry_equals_the_model_on_the_same_figures(world: Any) -> None:
    state_model_figures()
    allocation_settings()

    draft = selectors.draft(user=SYSTEM, year=YEAR)

    expected = finance_rules.calculate_state_allocation(
        finance_rules.StateModelInput(
            appropriation=Decimal("10000000"),
            associations=[
                finance_rules.AssociationFigures(
                    code=str(world.own.pk),
                    name=world.own.name,
                    support_measure=FIGURES["2480"][1] + FIGURES["2460"][1],
                    population=FIGURES["2480"][0] + FIGURES["2460"][0],
                ),
                finance_rules.AssociationFigures(
                    code=str(world.other.pk),
                    name=world.other.name,
                    support_measure=FIGURES["2482"][1] + FIGURES["2417"][1],
                    population=FIGURES["2482"][0] + FIGURES["2417"][0],
                ),
            ],
        )
    )
    assert draft.can_decide
    by_id = {row.association_id: row for row in draft.rows}
    for association in (world.own, world.other):
        assert by_id[association.pk].result == expected.result_for(str(association.pk))
    assert draft.total == Decimal("10000000")


def test_a_municipality_without_its_population_16_64_is_named_and_the_year_cannot_be_decided(
    world: Any,
) -> None:
    state_model_figures()
    allocation_settings()
    from finsam.finance.models import Population

    Population.objects.filter(municipality__code="2460").update(population_16_64=None)

    draft = selectors.draft(user=SYSTEM, year=YEAR)
    own = next(row for row in draft.rows if row.association_id == world.own.pk)
    assert not draft.can_decide
    assert any("Vännäs" in message and "16–64" in message for message in own.missing)
    with pytest.raises(RuleViolation) as refused:
        services.allocation_decide(actor=SYSTEM, year=YEAR, decided_on=date(YEAR, 1, 1))
    assert "Vännäs" in " ".join(v.message for v in refused.value.violations)
    assert not AllocationDecision.objects.exists()


def test_equity_above_the_recommended_level_lifts_the_floor_and_at_or_below_keeps_it(world: Any) -> None:
    state_model_figures(YEAR - 1)
    allocation_settings(YEAR - 1)
    services.allocation_decide(actor=SYSTEM, year=YEAR - 1, decided_on=date(YEAR - 1, 1, 1))
    # This year the other förbund's need collapses: its model amount falls far below last year's.
    state_model_figures(
        YEAR,
        {**FIGURES, "2482": (44_000, Decimal("100")), "2417": (2_200, Decimal("10"))},
    )
    allocation_settings(YEAR, equity_level_percent=Decimal("20"))
    _close_year(world.other, YEAR - 1, income="1000000.00", closing="200000.00")  # 20 %: at the level

    protected = selectors.draft(user=SYSTEM, year=YEAR)
    other = next(row for row in protected.rows if row.association_id == world.other.pk)
    assert other.exemption.protected and other.result is not None and other.result.at_floor
    assert other.result.final == other.result.floor

    Outcome.objects.filter(budget__association=world.other).update(closing_equity=Decimal("200000.01"))
    exempt = selectors.draft(user=SYSTEM, year=YEAR)
    other = next(row for row in exempt.rows if row.association_id == world.other.pk)
    assert not other.exemption.protected and "över den rekommenderade nivån" in other.exemption.reason
    assert other.result is not None and other.result.floor is None
    assert other.result.final < other.previous * Decimal("0.9")  # type: ignore[operator]


def test_the_decision_is_saved_and_becomes_the_fk_contribution_of_a_draft_budget(world: Any) -> None:
    draft_budget = make_budget(world.own, year=YEAR)
    make_budget(world.other, year=YEAR, adopt_on=date(YEAR - 1, 11, 20))
    adopted_frame = Budget.objects.get(association=world.other, year=YEAR).frame

    decision = decided()

    own_amount = decision.rows.get(association=world.own).amount
    assert StateContribution.objects.get(association=world.own, year=YEAR).amount == own_amount
    draft_budget.refresh_from_db()
    assert draft_budget.frame == own_amount * 2
    fk = Contribution.objects.get(budget=draft_budget, member__kind=PartyKind.FK)
    assert fk.amount == own_amount
    # An adopted budget is never changed; the decided amount is kept beside it.
    assert Budget.objects.get(association=world.other, year=YEAR).frame == adopted_frame
    assert StateContribution.objects.filter(association=world.other, year=YEAR).exists()
    assert AuditEntry.objects.filter(action="allocation.decide", object_id=str(decision.pk)).exists()
    assert AuditEntry.objects.filter(action="state_contribution.set").count() == 2


def test_a_decided_year_is_decided_again_only_with_a_reason_and_the_first_is_kept(world: Any) -> None:
    first = decided()

    with pytest.raises(RuleViolation) as refused:
        services.allocation_decide(actor=SYSTEM, year=YEAR, decided_on=date(YEAR, 1, 2))
    assert refused.value.violations[0].field == "reason"

    second = services.allocation_decide(
        actor=SYSTEM, year=YEAR, decided_on=date(YEAR, 1, 2), reason="Rättat försörjningsmått."
    )
    first.refresh_from_db()
    assert first.superseded and not second.superseded
    assert selectors.current_decision(year=YEAR) == second
    assert {row.year for row in selectors.decided_allocations()} == {YEAR}
    assert len(selectors.decided_allocations(year=YEAR)) == 2


def test_the_public_reads_give_the_decided_amounts_and_the_level(world: Any) -> None:
    decision = decided()
    allocation_settings(YEAR, equity_level_percent=Decimal("25"))

    rows = selectors.decided_allocations(year=YEAR)
    assert [(r.association_name, r.amount, r.decided_on) for r in rows] == [
        (row.name, row.amount, decision.decided_on) for row in decision.rows.order_by("name")
    ]
    assert sum(r.amount for r in rows) == Decimal("10000000")
    assert selectors.recommended_equity_level(YEAR) == Decimal("25")
    assert selectors.recommended_equity_level(YEAR + 5) == Decimal("20")  # the platform's reference


def test_settings_refuse_weights_that_do_not_sum_to_one(world: Any) -> None:
    with pytest.raises(RuleViolation) as refused:
        allocation_settings(need_weight=Decimal("0.7"))
    assert refused.value.violations[0].field == "population_weight"


# --- pages and the letter ---------------------------------------------------------------------------


def test_the_review_page_shows_every_column_and_decides(world: Any) -> None:
    state_model_figures()
    allocation_settings()
    client = world.client(world.users[Role.NATIONAL_ADMIN])
    url = reverse("national:allocation_review", args=[YEAR])

    page = client.get(url)
    assert page.status_code == 200
    for heading in ("Behovsdel", "Befolkningsdel", "Enligt modellen", "Golv", "Justering", "Spärr"):
        assert heading in page.text
    assert "Samordningsförbundet Umeåregionen" in page.text

    response = client.post(url, {"decided_on": f"{YEAR}-01-01", "reference": "§ 3"})
    assert response.status_code == 302
    assert selectors.current_decision(year=YEAR) is not None


def test_the_review_page_refuses_a_second_decision_without_a_reason(world: Any) -> None:
    decided()
    client = world.client(world.users[Role.NATIONAL_ADMIN])
    response = client.post(
        reverse("national:allocation_review", args=[YEAR]), {"decided_on": f"{YEAR}-01-02"}
    )
    assert response.status_code == 400 and "skälet" in response.text


def test_the_settings_page_saves_the_years_settings(world: Any) -> None:
    client = world.client(world.users[Role.NATIONAL_ADMIN])
    response = client.post(
        reverse("national:allocation_settings", args=[YEAR]),
        {
            "appropriation": "339 000 000",
            "base_amount": "400 000",
            "need_weight": "0,75",
            "population_weight": "0,25",
            "max_reduction": "0,10",
            "equity_level_percent": "30",
            "population_year": YEAR - 2,
            "support_measure_year": YEAR - 1,
        },
    )
    assert response.status_code == 302
    assert selectors.recommended_equity_level(YEAR) == Decimal("30")
    saved = selectors.settings_for(user=SYSTEM, year=YEAR)
    assert saved is not None and saved.appropriation == Decimal("339000000")


def test_only_the_working_group_reviews_and_decides(world: Any) -> None:
    url = reverse("national:allocation_review", args=[YEAR])
    assert world.client(world.users[Role.ASSOCIATION_ADMIN]).get(url).status_code == 403
    assert world.client(world.users[Role.NATIONAL_VIEWER]).get(url).status_code == 403


def test_the_letter_states_the_decision_the_amount_how_and_last_year(world: Any) -> None:
    state_model_figures(YEAR - 1)
    allocation_settings(YEAR - 1)
    services.allocation_decide(actor=SYSTEM, year=YEAR - 1, decided_on=date(YEAR - 1, 1, 1))
    decision = decided()
    row = decision.rows.get(association=world.own)

    response = world.client(world.users[Role.BOARD_MEMBER]).get(
        reverse("national:allocation_letter", args=[YEAR, world.own.pk])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(poppler("pdftotext", response.content, "-layout").split())
    assert f"Beslut om statens medel {YEAR}" in text
    assert "Samordningsförbundet Umeåregionen tilldelas" in text
    amount = f"{row.amount:,.2f}".replace(",", " ").replace(".", ",")
    assert amount in text
    assert "Behovsdel (försörjningsmått)" in text and "Befolkningsdel (16–64 år)" in text
    previous = f"{row.previous:,.2f}".replace(",", " ").replace(".", ",")
    assert f"Föregående år ({YEAR - 1}) tilldelades förbundet {previous}" in text


def test_the_letter_is_read_by_its_own_forbund_and_national_roles_only(world: Any) -> None:
    decided()
    url = reverse("national:allocation_letter", args=[YEAR, world.own.pk])
    assert world.client(world.users[Role.AUDITOR]).get(url).status_code == 200
    assert world.client(world.users[Role.NATIONAL_VIEWER]).get(url).status_code == 200
    assert world.client(world.outsiders[Role.ASSOCIATION_ADMIN]).get(url).status_code == 404
    assert world.client(world.users[Role.PARTICIPANT_COORDINATOR]).get(url).status_code == 403
    assert (
        world.client(world.users[Role.ASSOCIATION_ADMIN])
        .get(reverse("national:allocation_letter", args=[YEAR - 3, world.own.pk]))
        .status_code
        == 404
    )


def test_the_index_shows_a_forbund_only_its_own_row(world: Any) -> None:
    decided()
    page = world.client(world.users[Role.BOARD_MEMBER]).get(reverse("national:allocation_index"))
    assert page.status_code == 200
    assert "Samordningsförbundet Umeåregionen" in page.text
    assert "Samordningsförbundet Skellefteå–Norsjö" not in page.text
    national = world.client(world.users[Role.NATIONAL_VIEWER]).get(reverse("national:allocation_index"))
    assert "Samordningsförbundet Skellefteå–Norsjö" in national.text


def test_a_dissolved_forbund_is_not_in_the_years_allocation(world: Any) -> None:
    world.other.dissolved = date(YEAR - 1, 6, 30)
    world.other.save()
    state_model_figures()
    allocation_settings()
    draft = selectors.draft(user=SYSTEM, year=YEAR)
    assert [row.association_id for row in draft.rows] == [world.own.pk]
    assert Municipality.objects.filter(code="2482").exists()


# --- the API ------------------------------------------------------------------------------------------


def test_the_api_gives_the_decided_year_to_national_roles_and_the_own_row_to_a_forbund(world: Any) -> None:
    from tests.finance.test_api import call

    decision = decided()
    national = call(world.users[Role.NATIONAL_VIEWER], "get", f"/state-allocations/{YEAR}")
    assert national.status_code == 200
    body = national.json()
    assert body["year"] == YEAR and body["appropriation"] == "10000000.00"
    assert {row["association_id"] for row in body["rows"]} == {world.own.pk, world.other.pk}
    own_row = decision.rows.get(association=world.own)
    assert {r["association_id"]: r["amount"] for r in body["rows"]}[world.own.pk] == f"{own_row.amount:f}"

    own = call(world.users[Role.BOARD_MEMBER], "get", f"/state-allocations/{YEAR}").json()
    assert [row["association_id"] for row in own["rows"]] == [world.own.pk]
    assert call(world.users[Role.NATIONAL_VIEWER], "get", f"/state-allocations/{YEAR - 1}").status_code == 404
    assert (
        call(world.users[Role.PARTICIPANT_COORDINATOR], "get", f"/state-allocations/{YEAR}").status_code
        == 403
    )


def test_an_adopted_budget_shows_the_decided_state_contribution_and_the_difference(world: Any) -> None:
    budget = make_budget(world.other, year=YEAR, adopt_on=date(YEAR - 1, 11, 20))
    decided()

    page = world.client(world.outsiders[Role.ASSOCIATION_ADMIN]).get(
        reverse("finance:budget_detail", args=[budget.pk])
    )
    assert page.status_code == 200
    text = " ".join(page.text.split()).replace("\u00a0", " ")
    assert "Statens bidrag (Försäkringskassans del) beslutades" in text
    assert "Det skiljer sig från Försäkringskassans bidrag i budgeten med" in text


def test_the_review_page_of_a_year_without_settings_or_figures_says_what_is_missing(world: Any) -> None:
    client = world.client(world.users[Role.NATIONAL_ADMIN])
    url = reverse("national:allocation_review", args=[YEAR + 1])

    page = client.get(url)
    assert page.status_code == 200
    assert f"Inställningarna för {YEAR + 1} saknas" in page.text

    allocation_settings(YEAR + 1)
    page = client.get(url)
    assert page.status_code == 200
    assert f"Befolkning 16–64 år {YEAR - 1} saknas för Umeå kommun, Vännäs kommun" in page.text
    refused = client.post(url, {"decided_on": f"{YEAR}-01-01"})
    assert refused.status_code == 400 and not AllocationDecision.objects.exists()


def test_the_draft_takes_the_same_number_of_queries_for_more_forbund(world: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_association

    state_model_figures()
    allocation_settings()
    with CaptureQueriesContext(connection) as two:
        selectors.draft(user=SYSTEM, year=YEAR)
    make_association(municipalities=("2401", "2403"), with_board=False)
    make_association(municipalities=("2481",), with_board=False)
    state_model_figures(
        YEAR,
        {
            **FIGURES,
            "2401": (4_000, Decimal("400")),
            "2403": (1_300, Decimal("150")),
            "2481": (7_000, Decimal("900")),
        },
    )
    with CaptureQueriesContext(connection) as four:
        draft = selectors.draft(user=SYSTEM, year=YEAR)
    assert len(draft.rows) == 4 and draft.can_decide
    assert len(four) == len(two)
