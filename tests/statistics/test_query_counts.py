"""The statistics pages and API operations make as many queries for a little data as for more: more
participations, interventions, years and förbund add rows to the summary tables, never a query (an N+1
or a per-förbund read cannot come back unnoticed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from finsam.core.roles import Role
from finsam.statistics import api as statistics_api
from finsam.statistics import outcomes
from tests.factories import PASSWORD, make_association, make_intervention, token_for
from tests.statistics.test_statistics import build_data, enrol

pytestmark = pytest.mark.django_db

YEAR = 2025


def _more_data(world: Any, data: Any) -> None:
    """More of everything the statistics group by: participations in several years, exits with other
    outcomes and durations, a new intervention and a new förbund."""
    for n in range(6):
        enrol(
            data["a"],
            sex="man" if n % 2 else "woman",
            start=date(2024 + n % 2, 1 + n, 3),
            exit=date(2025, 8 + n % 3, 1),
            reason=("work", "studies", "completed")[n % 3],
            employment_after=("work", "studies", "none")[n % 3],
            income_after=[("salary", 50), ("activity_support", 50)],
            birth=date(1970 + 5 * n, 1, 9),
        )
    extra = make_intervention(world.own, name="Ny väg", start=date(2020, 1, 1))
    for n in range(4):
        enrol(extra, sex="woman", start=date(2025, 2, 1 + n), exit=date(2025, 6, 1) if n % 2 else None)
    third = make_association("Samordningsförbundet Norra Lappland", municipalities=("2584",))
    elsewhere = make_intervention(third, name="Vägen ut", start=date(2020, 1, 1))
    for n in range(7):
        enrol(elsewhere, sex="man", start=date(2025, 1 + n, 2), exit=date(2025, 11, 1) if n < 3 else None)


def _pages(world: Any) -> list[tuple[str, Any, Callable[[], Any]]]:
    own = world.own.pk
    director = world.users[Role.ASSOCIATION_ADMIN]
    coordinator = world.users[Role.PARTICIPANT_COORDINATOR]
    viewer = world.users[Role.NATIONAL_VIEWER]

    def page(user: Any, name: str, *args: int) -> Callable[[], Any]:
        return lambda: world.client(user).get(reverse(name, args=args), {"ar": YEAR})

    def api(user: Any, url: str) -> Callable[[], Any]:
        token = token_for(username=user.username, password=PASSWORD)
        return lambda: world.client(None).get(url, HTTP_AUTHORIZATION=f"Bearer {token}")

    return [
        ("own statistics page, director", director, page(director, "statistics:statistics_association", own)),
        (
            "own statistics page, coordinator",
            coordinator,
            page(coordinator, "statistics:statistics_association", own),
        ),
        ("economy page, director", director, page(director, "statistics:economy_association", own)),
        ("national statistics page", viewer, page(viewer, "statistics:statistics_national")),
        (
            "own statistics API, director",
            director,
            api(director, f"/api/v1/statistics?association={own}&year={YEAR}"),
        ),
        (
            "own statistics API, coordinator",
            coordinator,
            api(coordinator, f"/api/v1/statistics?association={own}&year={YEAR}"),
        ),
        ("national statistics API", viewer, api(viewer, f"/api/v1/statistics/national?year={YEAR}")),
    ]


def _counts(pages: list[tuple[str, Any, Callable[[], Any]]], *, kept: bool) -> dict[str, int]:
    """Queries per page: built anew, or (`kept`) answered from what the process keeps."""
    counts = {}
    for label, _, get in pages:
        get()  # once first: a token's first use is recorded, and that only once
        if not kept:
            outcomes.forget_kept()
            statistics_api.forget_kept()
        with CaptureQueriesContext(connection) as captured:
            response = get()
        assert response.status_code == 200, label
        counts[label] = len(captured)
    return counts


@pytest.mark.parametrize("kept", [False, True], ids=["built", "kept"])
def test_statistics_pages_and_api_make_the_same_queries_for_more_data(world: Any, kept: bool) -> None:
    data = build_data(world)
    pages = _pages(world)
    few = _counts(pages, kept=kept)
    _more_data(world, data)
    many = _counts(pages, kept=kept)
    assert many == few


def test_statistics_read_the_summaries_not_the_participations(world: Any) -> None:
    build_data(world)
    for label, _, get in _pages(world):
        outcomes.forget_kept()
        with CaptureQueriesContext(connection) as captured:
            get()
        tables = " ".join(q["sql"] for q in captured.captured_queries)
        assert "summary" in tables, label
        assert "followup_participation" not in tables, label
        assert "followup_incomesourceentry" not in tables, label
