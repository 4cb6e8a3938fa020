"""Budgets, consultation, adoption, outcome and equity through the services: what is written, what is
refused (with which rule code), and that a refusal writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.finance import selectors, services
from finsam.finance.models import Budget, BudgetLine, BudgetStatus, Contribution, Outcome, Population
from finsam.registry.models import Charter, CharterShare, Member, PartyKind, Person
from tests.factories import (
    make_association,
    make_budget,
    make_intervention,
    make_populations,
    make_representatives,
)

pytestmark = pytest.mark.django_db

D = Decimal


class Unchanged:
    """Counts finance rows and audit entries before a refused call, to show nothing was written."""

    models = (Budget, BudgetLine, Contribution, Population)

    def __init__(self) -> None:
        self.before = self._counts()

    def _counts(self) -> tuple[int, ...]:
        return (*(m.objects.count() for m in self.models), AuditEntry.objects.count())

    def check(self) -> None:
        assert self._counts() == self.before


def codes(exc: pytest.ExceptionInfo[RuleViolation]) -> list[tuple[str, str | None]]:
    return [(v.code, v.field) for v in exc.value.violations]


def admin(world: Any) -> Any:
    return world.users[Role.ASSOCIATION_ADMIN]


def amounts(budget: Budget) -> dict[str, Decimal]:
    return {
        c.member.code: c.amount
        for c in budget.contributions.select_related("member__municipality", "member__region")
    }


# --- creating a budget: contributions by the charter's key (R-SHARES) ---------------------------


def test_a_new_budget_splits_the_frame_by_the_charters_key_and_the_populations(world: Any) -> None:
    make_populations(world.own, 2025, {"2460": 10_000, "2480": 20_000})

    budget = services.budget_create(actor=admin(world), association=world.own, year=2027, frame="1000000")

    assert budget.status == BudgetStatus.DRAFT
    assert budget.population_year == 2025  # two years before: SCB's latest figure in the autumn
    assert amounts(budget) == {
        "FK": D("500000.00"),
        "AF": D("0.00"),
        "24": D("250000.00"),
        "2460": D("83333.33"),
        "2480": D("166666.67"),  # the left-over öre goes to the larger remainder
    }
    assert sum(amounts(budget).values()) == D("1000000.00")
    populations = {
        c.member.code: c.population for c in budget.contributions.select_related("member__municipality")
    }
    assert populations["2480"] == 20_000 and populations["2460"] == 10_000
    assert AuditEntry.objects.filter(action="budget.create", object_id=str(budget.pk)).exists()


def test_fixed_percentages_of_the_charter_split_the_municipalities_quarter(world: Any) -> None:
    charter = Charter.objects.create(
        association=world.own,
        version=2,
        adopted=date(2025, 6, 1),
        valid_from=date(2026, 1, 1),
        municipal_key="fixed",
    )
    for code, percent in (("2480", D("70")), ("2460", D("30"))):
        member = Member.objects.get(association=world.own, municipality__code=code)
        CharterShare.objects.create(charter=charter, member=member, percent=percent)

    budget = services.budget_create(actor=admin(world), association=world.own, year=2027, frame="2000000.00")

    assert budget.charter == charter
    assert amounts(budget)["2480"] == D("350000.00") and amounts(budget)["2460"] == D("150000.00")
    assert {c.member.code: c.percent for c in budget.contributions.select_related("member__municipality")}[
        "2480"
    ] == D("70.000")


def test_the_charter_in_force_on_the_first_of_january_decides_the_key(world: Any) -> None:
    Charter.objects.create(
        association=world.own,
        version=2,
        adopted=date(2026, 6, 1),
        valid_from=date(2027, 7, 1),
        municipal_key="equal",
    )
    make_populations(world.own, 2025)

    budget = services.budget_create(actor=admin(world), association=world.own, year=2027, frame="1000000")

    assert budget.charter.version == 1  # version 2 applies from July, after the budget year began


def test_equal_parts_need_no_populations(world: Any) -> None:
    Charter.objects.filter(association=world.own).update(municipal_key="equal")

    budget = services.budget_create(actor=admin(world), association=world.own, year=2027, frame="1000000")

    assert amounts(budget)["2480"] == amounts(budget)["2460"] == D("125000.00")


@pytest.mark.parametrize(
    ("frame", "field", "code"),
    [
        ("-5", "frame", "R-INPUT"),
        ("tio tusen", "frame", "R-INPUT"),
        ("12.345", "frame", "R-INPUT"),
        ("1000000000000000", "frame", "R-INPUT"),
    ],
)
def test_bad_frames_are_refused_and_nothing_is_written(world: Any, frame: str, field: str, code: str) -> None:
    make_populations(world.own, 2025)
    unchanged = Unchanged()

    with pytest.raises(RuleViolation) as refused:
        services.budget_create(actor=admin(world), association=world.own, year=2027, frame=frame)

    assert (code, field) in codes(refused)
    unchanged.check()


def test_a_budget_for_a_year_without_a_charter_is_refused(world: Any) -> None:
    unchanged = Unchanged()

    with pytest.raises(RuleViolation) as refused:
        services.budget_create(actor=admin(world), association=world.own, year=2004, frame="100000")

    assert codes(refused) == [("R-SHARES", "year")]
    assert "förbundsordning" in refused.value.message
    unchanged.check()


def test_missing_populations_are_named_and_refused(world: Any) -> None:
    with pytest.raises(RuleViolation) as refused:
        services.budget_create(actor=admin(world), association=world.own, year=2027, frame="100000")

    assert codes(refused) == [("R-SHARES", "population_year")]
    assert "Umeå" in refused.value.message and "2025" in refused.value.message
    assert not Budget.objects.exists()


def test_every_population_zero_is_refused(world: Any) -> None:
    make_populations(world.own, 2025, {"2480": 0, "2460": 0})
    unchanged = Unchanged()

    with pytest.raises(RuleViolation) as refused:
        services.budget_create(actor=admin(world), association=world.own, year=2027, frame="100000")

    assert codes(refused) == [("R-SHARES", "municipalities")]
    unchanged.check()


def test_fixed_percentages_not_summing_to_a_hundred_are_refused(world: Any) -> None:
    charter = Charter.objects.get(association=world.own)
    charter.municipal_key = "fixed"
    charter.save()
    for code, percent in (("2480", D("70")), ("2460", D("20"))):
        member = Member.objects.get(association=world.own, municipality__code=code)
        CharterShare.objects.create(charter=charter, member=member, percent=percent)

    with pytest.raises(RuleViolation) as refused:
        services.budget_create(actor=admin(world), association=world.own, year=2027, frame="100000")

    assert codes(refused) == [("R-SHARES", "municipalities")]
    assert "90 %" in refused.value.message


def test_a_second_budget_for_the_same_year_is_refused(world: Any) -> None:
    make_budget(world.own, year=2027)

    with pytest.raises(RuleViolation) as refused:
        services.budget_create(actor=admin(world), association=world.own, year=2027, frame="100000")

    assert codes(refused) == [("R-BUDGET", "year")]


@pytest.mark.parametrize(
    "role", [Role.BOARD_MEMBER, Role.AUDITOR, Role.NATIONAL_ADMIN, Role.MEMBER_REPRESENTATIVE]
)
def test_only_the_associations_own_administration_creates_budgets(world: Any, role: Role) -> None:
    make_populations(world.own, 2025)
    with pytest.raises(PermissionDenied):
        services.budget_create(actor=world.users[role], association=world.own, year=2027, frame="100000")


def test_an_admin_of_another_association_cannot_create_a_budget_here(world: Any) -> None:
    make_populations(world.own, 2025)
    with pytest.raises(PermissionDenied):
        services.budget_create(
            actor=world.outsiders[Role.ASSOCIATION_ADMIN], association=world.own, year=2027, frame="100000"
        )


# --- editing: lines and optimistic locking --------------------------------------------------------


def test_lines_are_saved_per_intervention_and_by_cost_type(world: Any) -> None:
    budget = make_budget(world.own, lines=())
    intervention = make_intervention(world.own, name="Steget vidare")

    saved = services.budget_update(
        actor=admin(world),
        budget=budget,
        version=budget.version,
        frame="1 000 000".replace(" ", ""),
        population_year=2025,
        lines=[
            services.LineInput(kind="intervention", intervention_id=intervention.pk, amount="500000"),
            services.LineInput(kind="intervention", label="Planerad insats för unga", amount="200000"),
            services.LineInput(kind="administration", cost_type="personnel", amount="250000.50"),
        ],
    )

    lines = list(saved.lines.order_by("position"))
    assert [line.title for line in lines] == [
        "Steget vidare",
        "Planerad insats för unga",
        "Personalkostnader",
    ]
    assert [line.amount for line in lines] == [D("500000.00"), D("200000.00"), D("250000.50")]
    assert saved.version == budget.version + 1


def test_an_intervention_of_another_association_cannot_be_budgeted(world: Any) -> None:
    budget = make_budget(world.own, lines=())
    foreign = make_intervention(world.other, name="Grannens insats")

    with pytest.raises(RuleViolation) as refused:
        services.budget_update(
            actor=admin(world),
            budget=budget,
            version=budget.version,
            frame="1000000",
            population_year=2025,
            lines=[services.LineInput(kind="intervention", intervention_id=foreign.pk, amount="1")],
        )

    assert codes(refused) == [("R-INPUT", "lines[0].intervention")]
    assert not budget.lines.exists()


def test_bad_lines_are_refused_each_on_its_field_and_nothing_is_written(world: Any) -> None:
    budget = make_budget(world.own)
    unchanged = Unchanged()

    with pytest.raises(RuleViolation) as refused:
        services.budget_update(
            actor=admin(world),
            budget=budget,
            version=budget.version,
            frame="1000000",
            population_year=2025,
            lines=[
                services.LineInput(kind="intervention", label="", amount="100"),
                services.LineInput(kind="administration", cost_type="", amount="-3"),
                services.LineInput(kind="administration", cost_type="premises", amount="ett tusen"),
            ],
        )

    assert codes(refused) == [
        ("R-REQUIRED", "lines[0].label"),
        ("R-REQUIRED", "lines[1].cost_type"),
        ("R-INPUT", "lines[1].amount"),
        ("R-INPUT", "lines[2].amount"),
    ]
    unchanged.check()


def test_the_second_editor_gets_a_conflict_and_the_first_editors_save_stays(world: Any) -> None:
    budget = make_budget(world.own)
    opened = budget.version
    services.budget_update(
        actor=admin(world), budget=budget, version=opened, frame="1200000", population_year=2025, lines=()
    )

    with pytest.raises(RuleViolation) as refused:
        services.budget_update(
            actor=admin(world), budget=budget, version=opened, frame="900000", population_year=2025, lines=()
        )

    assert refused.value.code == "R-CONFLICT"
    assert "Någon annan har ändrat budgeten" in refused.value.message
    budget.refresh_from_db()
    assert budget.frame == D("1200000.00") and budget.version == opened + 1
    assert sum(c.amount for c in budget.contributions.all()) == D("1200000.00")


def test_a_changed_frame_recomputes_the_contributions(world: Any) -> None:
    budget = make_budget(world.own)

    saved = services.budget_update(
        actor=admin(world),
        budget=budget,
        version=budget.version,
        frame="2000000",
        population_year=2025,
        lines=(),
    )

    assert amounts(saved)["FK"] == D("1000000.00")
    assert sum(amounts(saved).values()) == D("2000000.00")


# --- consultation and adoption (R-BUDGET, R-MEMBERS) --------------------------------------------


def test_consulting_every_member_makes_the_budget_consulted(world: Any) -> None:
    budget = make_budget(world.own)
    people = make_representatives(world.own)
    members = list(world.own.members.all())

    for member in members[:-1]:
        services.consultation_record(
            actor=admin(world),
            budget=budget,
            member=member,
            held_on=date(2026, 10, 1),
            representative=people[member.pk],
        )
        budget.refresh_from_db()
        assert budget.status == BudgetStatus.DRAFT
    services.consultation_record(
        actor=admin(world),
        budget=budget,
        member=members[-1],
        held_on=date(2026, 10, 2),
        representative=people[members[-1].pk],
        comments="Kommunen vill se fler insatser för unga.",
    )

    budget.refresh_from_db()
    assert budget.status == BudgetStatus.CONSULTED
    assert budget.consultations.count() == len(members)


def test_a_consultation_with_someone_who_is_not_the_members_representative_is_refused(world: Any) -> None:
    budget = make_budget(world.own)
    people = make_representatives(world.own)
    fk = Member.objects.get(association=world.own, kind=PartyKind.FK)
    af = Member.objects.get(association=world.own, kind=PartyKind.AF)

    with pytest.raises(RuleViolation) as refused:
        services.consultation_record(
            actor=admin(world),
            budget=budget,
            member=fk,
            held_on=date(2026, 10, 1),
            representative=people[af.pk],
        )

    assert codes(refused) == [("R-BUDGET", "representative")]
    assert not budget.consultations.exists()


def test_a_consultation_cannot_be_recorded_before_it_is_held(world: Any) -> None:
    budget = make_budget(world.own)
    people = make_representatives(world.own)
    fk = Member.objects.get(association=world.own, kind=PartyKind.FK)

    with pytest.raises(RuleViolation) as refused:
        services.consultation_record(
            actor=admin(world),
            budget=budget,
            member=fk,
            held_on=date(2099, 1, 1),
            representative=people[fk.pk],
        )

    assert codes(refused) == [("R-DATES", "held_on")]


def test_adoption_without_a_consultation_with_every_member_is_refused_naming_them(world: Any) -> None:
    budget = make_budget(world.own)
    people = make_representatives(world.own)
    fk = Member.objects.get(association=world.own, kind=PartyKind.FK)
    services.consultation_record(
        actor=admin(world), budget=budget, member=fk, held_on=date(2026, 10, 1), representative=people[fk.pk]
    )

    with pytest.raises(RuleViolation) as refused:
        services.budget_adopt(actor=admin(world), budget=budget, adopted_on=date(2026, 11, 20))

    assert codes(refused) == [("R-BUDGET", "adopted_on")]
    message = refused.value.message
    assert "Arbetsförmedlingen" in message and "Umeå kommun" in message and "Försäkringskassan" not in message
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.DRAFT and budget.adopted_on is None


def test_an_association_that_is_not_valid_cannot_adopt(world: Any) -> None:
    budget = make_budget(world.own, consult=True)
    Member.objects.filter(association=world.own, kind=PartyKind.AF).update(left=date(2026, 6, 30))

    with pytest.raises(RuleViolation) as refused:
        services.budget_adopt(actor=admin(world), budget=budget, adopted_on=date(2026, 11, 20))

    assert ("R-MEMBERS", "adopted_on") in codes(refused)
    budget.refresh_from_db()
    assert budget.status != BudgetStatus.ADOPTED


def test_adoption_by_the_thirtieth_of_november_is_on_time(world: Any) -> None:
    budget = make_budget(world.own, consult=True)

    adopted = services.budget_adopt(
        actor=admin(world), budget=budget, adopted_on=date(2026, 11, 30), reference="§ 12"
    )

    assert adopted.status == BudgetStatus.ADOPTED and not adopted.adopted_late
    assert adopted.adoption_reference == "§ 12"
    entry = AuditEntry.objects.get(action="budget.adopt", object_id=str(budget.pk))
    assert entry.details == {"late": False}


def test_adoption_after_the_thirtieth_of_november_is_allowed_and_flagged(world: Any) -> None:
    budget = make_budget(world.own, consult=True)

    adopted = services.budget_adopt(actor=admin(world), budget=budget, adopted_on=date(2026, 12, 1))

    assert adopted.status == BudgetStatus.ADOPTED and adopted.adopted_late


def test_an_adopted_budget_cannot_be_edited(world: Any) -> None:
    budget = make_budget(world.own, adopt_on=date(2026, 11, 20))

    with pytest.raises(RuleViolation) as refused:
        services.budget_update(
            actor=admin(world),
            budget=budget,
            version=budget.version,
            frame="1",
            population_year=2025,
            lines=(),
        )

    assert refused.value.code == "R-BUDGET"
    budget.refresh_from_db()
    assert budget.frame == D("1000000.00")


# --- outcome and equity ---------------------------------------------------------------------------


def _enter_outcome(world: Any, budget: Budget, actual: str = "400000", received: str | None = None) -> Budget:
    lines = list(budget.lines.all())
    contributions = list(budget.contributions.all())
    return services.outcome_update(
        actor=admin(world),
        budget=budget,
        version=budget.version,
        actuals={line.pk: actual for line in lines},
        received={c.pk: received if received is not None else c.amount for c in contributions},
    )


def test_outcome_is_entered_only_for_an_adopted_budget(world: Any) -> None:
    budget = make_budget(world.own)

    with pytest.raises(RuleViolation) as refused:
        _enter_outcome(world, budget)

    assert refused.value.code == "R-OUTCOME"


def test_closing_the_year_carries_the_result_to_equity_and_into_next_year(world: Any) -> None:
    last = make_budget(world.own, year=2025, adopt_on=date(2024, 11, 20))
    last.opening_equity = D("150000.00")
    last.save()
    following = make_budget(world.own, year=2026)
    last = _enter_outcome(world, last, actual="400000")  # two lines: costs 800 000 of 1 000 000 received

    outcome = services.outcome_close(actor=admin(world), budget=last, closed_on=date(2026, 2, 15))

    assert outcome.income == D("1000000.00") and outcome.costs == D("800000.00")
    assert outcome.result == D("200000.00")
    assert outcome.closing_equity == outcome.opening_equity + outcome.result == D("350000.00")
    following.refresh_from_db()
    assert following.opening_equity == D("350000.00")


def test_a_budget_created_after_the_close_opens_with_the_closing_equity(world: Any) -> None:
    last = make_budget(world.own, year=2025, adopt_on=date(2024, 11, 20))
    last = _enter_outcome(world, last, actual="450000")
    services.outcome_close(actor=admin(world), budget=last, closed_on=date(2026, 2, 15))
    make_populations(world.own, 2024)

    budget = services.budget_create(
        actor=admin(world), association=world.own, year=2026, frame="1000000", opening_equity="999"
    )

    assert budget.opening_equity == D("100000.00")  # carried, not what was typed


def test_the_year_is_not_closed_with_outcome_missing(world: Any) -> None:
    budget = make_budget(world.own, year=2025, adopt_on=date(2024, 11, 20))
    line = budget.lines.first()
    services.outcome_update(
        actor=admin(world), budget=budget, version=budget.version, actuals={line.pk: "100"}, received={}
    )
    budget.refresh_from_db()

    with pytest.raises(RuleViolation) as refused:
        services.outcome_close(actor=admin(world), budget=budget, closed_on=date(2026, 2, 15))

    assert [v.code for v in refused.value.violations] == ["R-OUTCOME", "R-OUTCOME"]
    assert not Outcome.objects.exists()


def test_the_year_is_not_closed_before_it_has_ended(world: Any) -> None:
    budget = make_budget(world.own, year=2026, adopt_on=date(2025, 11, 20))
    budget = _enter_outcome(world, budget)

    with pytest.raises(RuleViolation) as refused:
        services.outcome_close(actor=admin(world), budget=budget, closed_on=date(2026, 12, 31))

    assert ("R-OUTCOME", "closed_on") in codes(refused)


def test_the_previous_year_is_closed_first(world: Any) -> None:
    make_budget(world.own, year=2025, adopt_on=date(2024, 11, 20))
    budget = make_budget(world.own, year=2026, adopt_on=date(2025, 11, 20))
    budget = _enter_outcome(world, budget)

    with pytest.raises(RuleViolation) as refused:
        services.outcome_close(actor=admin(world), budget=budget, closed_on=date(2027, 1, 15))

    assert "Gör bokslutet för 2025 först" in refused.value.violations[-1].message


def test_outcome_with_bad_amounts_is_refused_on_each_field_and_nothing_is_saved(world: Any) -> None:
    budget = make_budget(world.own, year=2025, adopt_on=date(2024, 11, 20))
    line = budget.lines.first()
    contribution = budget.contributions.first()

    with pytest.raises(RuleViolation) as refused:
        services.outcome_update(
            actor=admin(world),
            budget=budget,
            version=budget.version,
            actuals={line.pk: "-10"},
            received={contribution.pk: "mycket"},
        )

    assert codes(refused) == [("R-INPUT", f"actual-{line.pk}"), ("R-INPUT", f"received-{contribution.pk}")]
    line.refresh_from_db()
    assert line.actual is None


def test_outcome_edits_are_locked_like_budget_edits(world: Any) -> None:
    budget = make_budget(world.own, year=2025, adopt_on=date(2024, 11, 20))
    line = budget.lines.first()
    opened = budget.version
    services.outcome_update(
        actor=admin(world), budget=budget, version=opened, actuals={line.pk: "1"}, received={}
    )

    with pytest.raises(RuleViolation) as refused:
        services.outcome_update(
            actor=admin(world), budget=budget, version=opened, actuals={line.pk: "2"}, received={}
        )

    assert refused.value.code == "R-CONFLICT"
    line.refresh_from_db()
    assert line.actual == D("1.00")


# --- populations ----------------------------------------------------------------------------------


def test_the_national_working_group_sets_any_population(world: Any) -> None:
    changed = services.population_set(
        actor=world.users[Role.NATIONAL_ADMIN], year=2025, figures={"2482": "76 500", "2480": ""}
    )

    assert changed == 1
    assert Population.objects.get(municipality__code="2482", year=2025).population == 76_500
    assert not Population.objects.filter(municipality__code="2480").exists()


def test_an_association_admin_sets_populations_of_its_own_municipalities_only(world: Any) -> None:
    services.population_set(actor=admin(world), year=2025, figures={"2480": "130000"})

    with pytest.raises(PermissionDenied):
        services.population_set(actor=admin(world), year=2025, figures={"2482": "76000"})
    assert not Population.objects.filter(municipality__code="2482").exists()


def test_a_bad_population_is_refused_on_its_field(world: Any) -> None:
    with pytest.raises(RuleViolation) as refused:
        services.population_set(actor=admin(world), year=2025, figures={"2480": "-1", "2460": "12,5"})

    assert codes(refused) == [("R-INPUT", "population-2480"), ("R-INPUT", "population-2460")]
    assert not Population.objects.exists()


def test_a_person_without_the_role_cannot_set_populations(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.population_set(actor=world.users[Role.BOARD_MEMBER], year=2025, figures={"2480": "1"})


def test_the_system_imports_populations_all_or_nothing(world: Any) -> None:
    with pytest.raises(RuleViolation):
        services.population_import(
            actor=SYSTEM,
            figures=[
                services.PopulationFigure("2480", 2025, 130_000),
                services.PopulationFigure("9999", 2025, 1),
            ],
        )
    assert not Population.objects.exists()

    counts = services.population_import(
        actor=SYSTEM, figures=[services.PopulationFigure("2480", 2025, 130_000)]
    )

    assert counts == {"rows": 1, "changed": 1, "years": 1}


def test_a_board_seat_person_is_not_a_representative(world: Any) -> None:
    """The representative must be registered as such: a board member of the member is not enough."""
    budget = make_budget(world.own)
    fk = Member.objects.get(association=world.own, kind=PartyKind.FK)
    board_person = Person.objects.filter(board_seats__member=fk).first()

    with pytest.raises(RuleViolation) as refused:
        services.consultation_record(
            actor=admin(world),
            budget=budget,
            member=fk,
            held_on=date(2026, 10, 1),
            representative=board_person,
        )

    assert codes(refused) == [("R-BUDGET", "representative")]


def test_a_new_association_member_after_january_is_not_part_of_that_years_budget(world: Any) -> None:
    association = make_association("Samordningsförbundet Prov", municipalities=("2418",))
    Member.objects.create(
        association=association,
        kind=PartyKind.MUNICIPALITY,
        municipality_id=Member.objects.get(
            association=world.other, municipality__code="2417"
        ).municipality_id,
        joined=date(2027, 3, 1),
    )

    budget = make_budget(association, year=2027)

    assert sorted(amounts(budget)) == sorted(["FK", "AF", "24", "2418"])


def test_a_new_draft_opens_with_last_years_forecast_closing_equity(world: Any) -> None:
    last = make_budget(world.own, year=2025)  # frame 1 000 000, lines 900 000: forecast result 100 000
    last.opening_equity = D("150000.00")
    last.save()
    make_populations(world.own, 2024)

    budget = services.budget_create(actor=admin(world), association=world.own, year=2026, frame="1000000")

    assert budget.opening_equity == D("250000.00")


def test_a_value_typed_for_the_opening_equity_wins_over_the_forecast_until_last_year_is_closed(
    world: Any,
) -> None:
    make_budget(world.own, year=2025)
    make_populations(world.own, 2024)
    budget = services.budget_create(
        actor=admin(world), association=world.own, year=2026, frame="1000000", opening_equity="42000"
    )
    assert budget.opening_equity == D("42000.00")


def test_after_an_empty_draft_the_opening_equity_carries_over_unchanged(world: Any) -> None:
    make_populations(world.own, 2023)
    empty = services.budget_create(
        actor=admin(world), association=world.own, year=2025, frame="1000000", opening_equity="80000"
    )
    assert selectors.equity_forecast(budget=empty) is None  # no lines, no outcome: nothing forecast
    make_populations(world.own, 2024)

    budget = services.budget_create(actor=admin(world), association=world.own, year=2026, frame="1000000")

    assert budget.opening_equity == D("80000.00")  # not 80 000 + the whole frame
