"""The statistics kept in the process (statistics.outcomes `_kept`, the API's JSON beside it) under the
summaries' stamps: a repeated request reads the stamps and the names, not the summaries, and a write that
changes a cell is in the very next answer — whichever process wrote it, since the key is read from the
database and nothing in the process is told of the write."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from finsam.core.access import SYSTEM
from finsam.core.roles import Role
from finsam.followup import services, summaries
from finsam.followup.models import Participation, StartedSummary, SummaryStamp
from finsam.statistics import api as statistics_api
from finsam.statistics import outcomes as statistics
from tests.factories import make_association, make_intervention, token_for
from tests.statistics.test_statistics import build_data, enrol

pytestmark = pytest.mark.django_db

YEAR = 2025


def _getter(world: Any, user: Any, url: str) -> Any:
    token = token_for(username=user.username)
    client = world.client(None)

    def get() -> dict[str, Any]:
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/json; charset=utf-8"
        body: dict[str, Any] = response.json()
        return body

    get()  # a token's first use is recorded, once
    return get


def _cells(body: dict[str, Any], key: str) -> dict[tuple[tuple[str, str], ...], int | None]:
    [table] = [t for t in body["tables"] if t["key"] == key]
    return {tuple(sorted(c["labels"].items())): c["value"] for c in table["cells"]}


def _from_rows(association: Any, which: str) -> Counter[tuple[tuple[str, str], ...]]:
    """The förbund's started or exited participations of YEAR per intervention and sex, from the rows."""
    rows = Participation.objects.for_statistics().filter(association=association)
    rows = rows.filter(start__year=YEAR) if which == "started" else rows.filter(exit__year=YEAR)
    counted: Counter[tuple[tuple[str, str], ...]] = Counter()
    for intervention, sex in rows.values_list("intervention_id", "participant__sex"):
        counted[(("intervention", str(intervention)), ("sex", sex))] += 1
    return counted


def _inner(cells: dict[tuple[tuple[str, str], ...], int | None]) -> Counter[tuple[tuple[str, str], ...]]:
    return Counter(
        {labels: value for labels, value in cells.items() if value and "total" not in dict(labels).values()}
    )


def _fresh(get: Any) -> dict[str, Any]:
    """The answer built anew: what the process keeps dropped first."""
    statistics.forget_kept()
    statistics_api.forget_kept()
    body: dict[str, Any] = get()
    return body


def test_a_write_is_in_the_next_answer_of_a_förbunds_own_statistics(world: Any) -> None:
    data = build_data(world)
    get = _getter(world, world.users[Role.ASSOCIATION_ADMIN], f"/api/v1/statistics?year={YEAR}")
    first = get()
    assert get() == first  # kept
    for which in ("started", "exited"):
        assert _inner(_cells(first, which)) == _from_rows(world.own, which)

    # Writes through the services: a start, then the exit of another participation.
    enrol(data["b"], sex="man", start=date(YEAR, 6, 1))
    after_start = get()
    assert (
        _inner(_cells(after_start, "started"))
        == _from_rows(world.own, "started")
        != _inner(_cells(first, "started"))
    )
    ongoing = data["a"].participations.filter(exit__isnull=True).order_by("start").first()
    services.participation_exit(
        actor=SYSTEM,
        participation=ongoing,
        exit=date(YEAR, 10, 1),
        exit_reason="work",
        employment_after="work",
        income_after=[("salary", 100)],
        today=date(2026, 11, 1),
    )
    after_exit = get()
    assert (
        _inner(_cells(after_exit, "exited"))
        == _from_rows(world.own, "exited")
        != _inner(_cells(after_start, "exited"))
    )
    assert after_exit == _fresh(get)


def test_a_write_is_in_the_next_national_answer(world: Any) -> None:
    data = build_data(world)
    get = _getter(world, world.users[Role.NATIONAL_VIEWER], f"/api/v1/statistics/national?year={YEAR}")
    first = get()
    for n in range(6):
        enrol(data["c"], sex="woman", start=date(YEAR, 6, 1 + n))
    for n in range(4):
        enrol(data["c"], sex="man", start=date(YEAR, 7, 1 + n))
    after = get()
    assert after != first
    assert after == _fresh(get)
    started = Participation.objects.for_statistics().filter(start__year=YEAR).count()
    assert _cells(after, "started")[(("association", "total"), ("sex", "total"))] == started


def test_a_repeated_request_reads_the_stamps_and_names_not_the_summaries(world: Any) -> None:
    build_data(world)
    for user, url in (
        (world.users[Role.ASSOCIATION_ADMIN], f"/api/v1/statistics?year={YEAR}"),
        (world.users[Role.NATIONAL_VIEWER], f"/api/v1/statistics/national?year={YEAR}"),
    ):
        get = _getter(world, user, url)
        statistics.forget_kept()
        statistics_api.forget_kept()
        with CaptureQueriesContext(connection) as built:
            first = get()
        with CaptureQueriesContext(connection) as kept:
            assert get() == first
        assert len(kept) < len(built), url
        read = " ".join(q["sql"] for q in kept.captured_queries)
        stamps = SummaryStamp._meta.db_table
        assert stamps in read, url
        assert "summary" not in read.replace(stamps, ""), url


def test_a_change_of_the_stamps_in_the_database_alone_builds_anew(world: Any) -> None:
    """What another process's write leaves behind: new cells and a new stamp, and nothing in this
    process. Here a cell is changed without the services, as `summaries.add` does it."""
    data = build_data(world)
    get = _getter(world, world.users[Role.ASSOCIATION_ADMIN], f"/api/v1/statistics?year={YEAR}")
    first = get()
    cells = summaries.Cells()
    cells.add(StartedSummary, (YEAR, world.own.pk, data["b"].pk, "woman"), 5)
    summaries.add(cells)
    changed = get()
    started = (("intervention", str(data["b"].pk)), ("sex", "woman"))
    assert _cells(changed, "started")[started] == (_cells(first, "started")[started] or 0) + 5

    # The stamp alone set anew (the same cells): built again, the same answer.
    SummaryStamp.objects.filter(association_id=world.own.pk).update(stamp=12345)
    with CaptureQueriesContext(connection) as rebuilt:
        assert get() == changed
    assert any("summary" in q["sql"].replace(SummaryStamp._meta.db_table, "") for q in rebuilt)


def test_a_rolled_back_write_leaves_no_kept_answer_behind(world: Any) -> None:
    data = build_data(world)
    get = _getter(world, world.users[Role.ASSOCIATION_ADMIN], f"/api/v1/statistics?year={YEAR}")
    before = get()

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        enrol(data["b"], sex="woman", start=date(YEAR, 7, 1))
        assert get() != before  # read inside the write's transaction, and kept under its stamp
        raise RolledBack
    assert get() == before
    # A new write after the rollback has a stamp of its own, not the rolled back one's.
    enrol(data["b"], sex="man", start=date(YEAR, 7, 1))
    assert _inner(_cells(get(), "started")) == _from_rows(world.own, "started")


def test_the_kept_answer_follows_the_names(world: Any) -> None:
    data = build_data(world)
    get = _getter(world, world.users[Role.ASSOCIATION_ADMIN], f"/api/v1/statistics?year={YEAR}")
    first = get()
    intervention = data["a"]
    intervention.name = "Steget längre"
    intervention.save(update_fields=["name"])
    [table] = [t for t in get()["tables"] if t["key"] == "started"]
    assert table["names"]["intervention"][str(intervention.pk)] == "Steget längre"
    assert first != get()


def test_a_write_of_a_later_year_leaves_the_years_before_kept(world: Any) -> None:
    """The stamps are per förbund and year: a registration of this year does not make the figures of last
    year be built again, while this year's answer has it at once."""
    data = build_data(world)
    admin = world.users[Role.ASSOCIATION_ADMIN]
    viewer = world.users[Role.NATIONAL_VIEWER]
    own_last = _getter(world, admin, f"/api/v1/statistics?year={YEAR}")
    own_this = _getter(world, admin, f"/api/v1/statistics?year={YEAR + 1}")
    national_last = _getter(world, viewer, f"/api/v1/statistics/national?year={YEAR}")
    before = (own_last(), own_this(), national_last())

    enrol(data["b"], sex="woman", start=date(YEAR + 1, 3, 1))

    stamps = SummaryStamp._meta.db_table
    for get, kept_answer in ((own_last, before[0]), (national_last, before[2])):
        with CaptureQueriesContext(connection) as read:
            assert get() == kept_answer
        assert "summary" not in " ".join(q["sql"] for q in read.captured_queries).replace(stamps, "")
    this_year = own_this()
    started = (("intervention", str(data["b"].pk)), ("sex", "woman"))
    assert _cells(this_year, "started")[started] == (_cells(before[1], "started").get(started) or 0) + 1
    # And what was kept is what would be built now.
    assert own_last() == _fresh(own_last)
    assert national_last() == _fresh(national_last)


def test_a_correction_of_an_earlier_year_is_in_that_years_next_answer(world: Any) -> None:
    """A write to last year's cells sets last year's stamp: the kept answer of last year and of the years
    after it (which read last year's cells too: ongoing, people taking part) is built anew."""
    data = build_data(world)
    admin = world.users[Role.ASSOCIATION_ADMIN]
    own_last = _getter(world, admin, f"/api/v1/statistics?year={YEAR}")
    own_this = _getter(world, admin, f"/api/v1/statistics?year={YEAR + 1}")
    before_last, before_this = own_last(), own_this()

    enrol(data["b"], sex="man", start=date(YEAR, 4, 1))

    assert _inner(_cells(own_last(), "started")) == _from_rows(world.own, "started")
    assert own_last() != before_last
    ongoing = (("intervention", str(data["b"].pk)), ("sex", "man"))
    assert _cells(own_this(), "ongoing")[ongoing] == (_cells(before_this, "ongoing").get(ongoing) or 0) + 1


def test_the_national_tables_of_a_year_list_the_förbund_that_had_started_by_then(world: Any) -> None:
    """A förbund whose first participant starts after the year is not a row of zeros in that year's
    national tables (and its first start leaves them kept); it is a row from the year of that start."""
    build_data(world)
    newcomer = make_association("Samordningsförbundet Nykomlingen")
    late = make_intervention(newcomer, name="Första steget", start=date(2020, 1, 1))
    viewer = world.users[Role.NATIONAL_VIEWER]
    last_year = _getter(world, viewer, f"/api/v1/statistics/national?year={YEAR}")
    before = last_year()

    for n in range(6):
        enrol(late, sex="woman", start=date(YEAR + 1, 2, 1 + n))

    assert last_year() == before == _fresh(last_year)
    [started] = [t for t in before["tables"] if t["key"] == "started"]
    assert str(newcomer.pk) not in started["names"]["association"]
    this_year = _getter(world, viewer, f"/api/v1/statistics/national?year={YEAR + 1}")()
    [started] = [t for t in this_year["tables"] if t["key"] == "started"]
    assert started["names"]["association"][str(newcomer.pk)] == "Samordningsförbundet Nykomlingen"
