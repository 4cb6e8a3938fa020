"""`finsam synth`: national data at a tiny scale have the national shape (75 förbund over 273 of the 290
municipalities and every region, 1 100 interventions, 20 years of round(35 000 × scale) participations),
every förbund is valid, the budgets balance, the same seed gives the same rows, and a database that
already holds förbund is refused."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Sum
from stdnum.se import orgnr

from finsam import synth
from finsam.core.synth import SynthContext, apportion
from finsam.finance.models import Budget, Contribution, Outcome
from finsam.followup.models import IncomeSourceEntry, Participant, Participation
from finsam.interventions.models import Intervention
from finsam.registry import selectors as registry_selectors
from finsam.registry.models import Association, BoardSeat, Member, Municipality, Region
from finsam.registry.schemas import PartyKind

SCALE = 0.001  # 35 participations a year
LAST_YEAR = 2025


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: Any) -> Iterator[SynthContext]:
    """One build for the module, in a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        ctx = synth.build(seed=7, scale=SCALE, last_year=LAST_YEAR, out=io.StringIO(), show_progress=False)
        yield ctx
        transaction.set_rollback(True)


def _ids(ctx: SynthContext) -> list[int]:
    return [item.association.pk for item in ctx.associations]


@pytest.mark.django_db
def test_it_builds_75_associations_over_273_municipalities_and_every_region(built: SynthContext) -> None:
    associations = Association.objects.filter(pk__in=_ids(built))
    assert associations.count() == 75
    members = Member.objects.filter(association__in=associations)
    covered = set(members.filter(kind=PartyKind.MUNICIPALITY).values_list("municipality__code", flat=True))
    assert len(covered) == 273
    assert Municipality.objects.count() == 290
    regions = set(members.filter(kind=PartyKind.REGION).values_list("region_id", flat=True))
    assert regions == set(Region.objects.values_list("pk", flat=True))
    for association in associations.prefetch_related("members__municipality", "members__region"):
        assert orgnr.is_valid(association.org_number)
        kinds = Counter(m.kind for m in association.members.all())
        assert kinds[PartyKind.FK] == 1 and kinds[PartyKind.AF] == 1 and kinds[PartyKind.REGION] == 1
        assert 1 <= kinds[PartyKind.MUNICIPALITY] <= 12
        region = next(m.region for m in association.members.all() if m.kind == PartyKind.REGION)
        assert {m.municipality.region_id for m in association.members.all() if m.municipality} == {region.pk}


@pytest.mark.django_db
def test_every_association_is_valid_and_has_a_board_in_every_year(built: SynthContext) -> None:
    for association_id in _ids(built):
        for year in built.years:
            day = date(year, 6, 30)
            assert registry_selectors.association_is_valid(association_id=association_id, day=day)
            seated = set(
                BoardSeat.objects.filter(
                    association_id=association_id, start__lte=day, end__gte=day
                ).values_list("member_id", "role")
            )
            members = Member.objects.filter(association_id=association_id).values_list("pk", flat=True)
            assert seated == {(m, role) for m in members for role in ("member", "deputy")}


@pytest.mark.django_db
def test_it_builds_1100_interventions_and_the_participations_of_20_years(built: SynthContext) -> None:
    assert Intervention.objects.filter(association_id__in=_ids(built)).count() == 1100
    assert list(built.years) == list(range(LAST_YEAR - 19, LAST_YEAR + 1))
    per_year = dict(
        Participation.objects.filter(association_id__in=_ids(built))
        .values_list("start__year")
        .annotate(n=Count("pk"))
        .values_list("start__year", "n")
    )
    assert per_year == {year: round(35_000 * SCALE) for year in built.years}
    participations = Participation.objects.filter(association_id__in=_ids(built))
    assert Participant.objects.filter(association_id__in=_ids(built)).count() == participations.count()
    # Anonymous (or protected): no identity anywhere.
    assert not Participant.objects.filter(
        identity_hash__isnull=False, association_id__in=_ids(built)
    ).exists()
    for participation in participations.select_related("intervention"):
        intervention = participation.intervention
        assert intervention.kind == "individual"
        assert intervention.start <= participation.start
        assert intervention.end is None or (participation.exit or date.max) <= intervention.end
    sources = IncomeSourceEntry.objects.filter(participation__in=participations)
    assert sources.filter(phase="before").values("participation").distinct().count() == participations.count()
    assert sources.filter(phase="after").exists()


@pytest.mark.django_db
def test_every_year_has_an_adopted_budget_whose_contributions_make_the_frame_and_whose_equity_carries_over(
    built: SynthContext,
) -> None:
    budgets = Budget.objects.filter(association_id__in=_ids(built))
    assert budgets.count() == 75 * 20
    assert not budgets.exclude(status="adopted").exists()
    for budget in budgets.annotate(total=Sum("contributions__amount")):
        assert budget.total == budget.frame
    closing = {
        (o.budget.association_id, o.budget.year): o.closing_equity
        for o in Outcome.objects.filter(budget__in=budgets).select_related("budget")
    }
    assert len(closing) == 75 * 20
    for budget in budgets.filter(year__gt=built.years[0]):
        assert budget.opening_equity == closing[(budget.association_id, budget.year - 1)]
    fk = Contribution.objects.filter(budget__in=budgets, member__kind=PartyKind.FK).aggregate(
        s=Sum("amount")
    )["s"]
    assert fk * 2 == budgets.aggregate(s=Sum("frame"))["s"]  # R-SHARES: FK pays one half


@pytest.mark.django_db
def test_a_database_that_holds_associations_is_refused(built: SynthContext) -> None:
    with pytest.raises(CommandError, match="redan samordningsförbund"):
        call_command("synth", "--scale", "0.001", "--no-progress", stdout=io.StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize("scale", ["0", "-1", "abc", "1e9", "nan"])
def test_a_scale_that_is_not_a_positive_number_is_refused(scale: str) -> None:
    with pytest.raises(CommandError, match="--scale"):
        call_command("synth", "--scale", scale, "--no-progress", stdout=io.StringIO())


def test_apportion_splits_exactly_in_proportion() -> None:
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert apportion(35, [3, 1]) == [26, 9]
    assert sum(apportion(700_000, [Decimal(7), Decimal(3), Decimal(1)])) == 700_000
    assert apportion(0, [1, 2]) == [0, 0]
