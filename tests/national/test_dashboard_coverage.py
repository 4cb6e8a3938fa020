"""Coverage (R-NATIONAL): which municipalities and regions are in a förbund on a chosen day."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from finsam.registry import selectors
from finsam.registry.models import Association, Member
from tests.factories import make_association

pytestmark = pytest.mark.django_db

DAY = date(2025, 6, 1)


def _by_code(coverage: selectors.Coverage) -> dict[str, selectors.MunicipalityCoverage]:
    return {m.code: m for m in coverage.municipalities}


def test_every_municipality_and_county_has_a_row_on_any_day(db: Any) -> None:
    make_association(municipalities=("2480",))
    for day in (date(1990, 1, 1), DAY):
        coverage = selectors.coverage(day=day)
        assert len(coverage.municipalities) == 290
        assert len(coverage.counties) == 21
        assert coverage.municipalities_total == 290
        assert coverage.regions_total == 21
    assert selectors.coverage(day=date(1990, 1, 1)).municipalities_covered == 0


def test_a_municipality_is_covered_by_every_forbund_it_is_a_member_of_that_day(db: Any) -> None:
    umea = make_association("Samordningsförbundet Umeåregionen", municipalities=("2480", "2460"))
    second = make_association("Samordningsförbundet Andra", municipalities=("2480",))
    coverage = selectors.coverage(day=DAY)
    municipalities = _by_code(coverage)
    assert [a.id for a in municipalities["2480"].associations] == [second.pk, umea.pk]  # by name
    assert [a.name for a in municipalities["2460"].associations] == ["Samordningsförbundet Umeåregionen"]
    assert not municipalities["0180"].covered
    assert coverage.municipalities_covered == 2


def test_a_municipality_whose_membership_ended_before_the_day_is_outside(db: Any) -> None:
    association = make_association(municipalities=("2480", "2460"))
    Member.objects.filter(association=association, municipality__code="2460").update(left=date(2025, 5, 31))
    assert _by_code(selectors.coverage(day=date(2025, 5, 31)))["2460"].covered  # the last day counts
    after = selectors.coverage(day=DAY)
    assert not _by_code(after)["2460"].covered
    assert "2460" in {m.code for m in after.outside_municipalities}
    assert _by_code(after)["2480"].covered


def test_nothing_is_covered_by_a_forbund_before_it_was_founded_or_after_it_was_dissolved(db: Any) -> None:
    association = make_association(municipalities=("2480",), founded=date(2010, 1, 1))
    assert not _by_code(selectors.coverage(day=date(2009, 12, 31)))["2480"].covered
    Association.objects.filter(pk=association.pk).update(dissolved=date(2020, 12, 31))
    assert _by_code(selectors.coverage(day=date(2020, 12, 31)))["2480"].covered
    gone = selectors.coverage(day=date(2021, 1, 1))
    assert not _by_code(gone)["2480"].covered
    assert gone.regions_covered == 0


def test_county_totals_count_the_covered_municipalities_and_the_region(db: Any) -> None:
    make_association(municipalities=("2480", "2460", "2482"), region="24")
    coverage = selectors.coverage(day=DAY)
    counties = {c.code: c for c in coverage.counties}
    vasterbotten = counties["24"]
    assert vasterbotten.name == "Västerbottens län"
    assert (vasterbotten.municipalities, vasterbotten.covered, vasterbotten.outside) == (15, 3, 12)
    assert vasterbotten.share_percent == pytest.approx(20)
    assert vasterbotten.region_covered
    assert not counties["01"].region_covered
    assert counties["01"].covered == 0
    assert coverage.regions_covered == 1
    assert len(coverage.outside_regions) == 20
    assert sum(c.municipalities for c in coverage.counties) == 290


def test_coverage_takes_two_queries_however_many_forbund(db: Any) -> None:
    for codes in (("2480", "2460"), ("2482", "2417"), ("2421", "2422", "2425")):
        make_association(municipalities=codes)
    with CaptureQueriesContext(connection) as queries:
        coverage = selectors.coverage(day=DAY)
    assert len(queries) == 2
    assert coverage.municipalities_covered == 7
