"""The participant list that stays fast: paging, filters, sorting and finding one participant, on the
page and in the API; the query count does not grow with the data."""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from finsam.core.models import AuditEntry
from finsam.followup.models import Participant, Participation
from tests.factories import (
    exit_participation,
    make_intervention,
    make_participant,
    make_participation,
    valid_identity_number,
)
from tests.followup.test_api import api

NUMBER = valid_identity_number(date(1979, 5, 17), 412)
UNKNOWN = valid_identity_number(date(1990, 1, 2), 318)
WRONG_CHECK_DIGIT = NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10)


def _url(fu: Any) -> str:
    return reverse("followup:participant_list", args=[fu.world.own.pk])


def _ids(response: Any) -> list[int]:
    """The participant numbers in the page's table, in order."""
    return [int(n) for n in re.findall(r'href="/[^"]*deltagare/(\d+)/"', response.content.decode())]


def _bulk(intervention: Any, n: int, *, start_year: int = 2024) -> list[Participant]:
    """n anonymous participants, each with one participation: every third exited, every fifth of those
    exited as registered by mistake. Made in bulk: the set-up is not what these tests are about."""
    participants = Participant.objects.bulk_create(
        Participant(
            association=intervention.association,
            intervention=intervention,
            registration="anonymous",
            sex="woman" if i % 2 else "man",
            start_year=start_year,
            registered_on=date(start_year, 1, 1),
        )
        for i in range(n)
    )
    Participation.objects.bulk_create(
        Participation(
            association=intervention.association,
            intervention=intervention,
            participant=p,
            start=date(start_year, 1 + i % 12, 1 + i % 28),
            exit=date(start_year, 12, 31) if i % 3 == 0 else None,
            exit_reason=("registered_by_mistake" if i % 15 == 0 else "work") if i % 3 == 0 else "",
            employment_before="none",
            education_level="upper_secondary",
        )
        for i, p in enumerate(participants)
    )
    return participants


@pytest.fixture
def statuses(fu: Any) -> Any:
    """In X: one ongoing, one exited, one exited as registered by mistake, one never started; in Y (another
    coordinator's) one ongoing."""

    class S:
        ongoing = make_participant(fu.x, number=NUMBER)
        exited = make_participant(fu.x, anonymous=True)
        mistake = make_participant(fu.x, anonymous=True, sex="man")
        unstarted = make_participant(fu.x, anonymous=True)
        other = make_participant(fu.y, anonymous=True)

    make_participation(S.ongoing, start=date(2024, 3, 1))
    exit_participation(make_participation(S.exited, start=date(2024, 1, 10)), exit=date(2024, 2, 1))
    exit_participation(
        make_participation(S.mistake, start=date(2024, 5, 5)),
        exit=date(2024, 5, 6),
        reason="registered_by_mistake",
    )
    make_participation(S.other)
    return S


# --- the page ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_50_a_page_with_a_count_and_links_that_keep_the_filters(fu: Any) -> None:
    made = _bulk(fu.x, 60)
    client = fu.world.client(fu.coordinator)
    first = client.get(_url(fu), {"status": "ongoing", "sortering": "number"})
    ongoing = sorted(p.pk for i, p in enumerate(made) if i % 3)
    assert first.status_code == 200
    assert _ids(first) == ongoing[:50]
    html = first.content.decode()
    assert "40 deltagare" in html
    assert "sida 1 av 1" in html
    everyone = client.get(_url(fu), {"sortering": "number"})
    assert _ids(everyone) == sorted(p.pk for p in made)[:50]
    assert "sortering=number&amp;sida=2" in everyone.content.decode()
    second = client.get(_url(fu), {"sortering": "number", "sida": "2"})
    assert _ids(second) == sorted(p.pk for p in made)[50:]
    assert "Sida 2 av 2" in second.content.decode()


@pytest.mark.django_db
def test_each_status_filter_keeps_whom_it_says(fu: Any, statuses: Any) -> None:
    client = fu.world.client(fu.coordinator)

    def shown(**query: str) -> set[int]:
        response = client.get(_url(fu), query)
        assert response.status_code == 200
        return set(_ids(response))

    assert shown() == {statuses.ongoing.pk, statuses.exited.pk, statuses.mistake.pk, statuses.unstarted.pk}
    assert shown(status="ongoing") == {statuses.ongoing.pk}
    assert shown(status="exited") == {statuses.exited.pk, statuses.mistake.pk}
    assert shown(status="in_statistics") == {statuses.ongoing.pk, statuses.exited.pk}, (
        "registered by mistake and never started do not count, as in the statistics"
    )


@pytest.mark.django_db
def test_intervention_and_start_year_filters(fu: Any) -> None:
    z = make_intervention(fu.world.own, name="Arbetsträning", coordinators=[fu.coordinator])
    in_x = _bulk(fu.x, 2, start_year=2023)
    in_z = _bulk(z, 3, start_year=2025)
    client = fu.world.client(fu.coordinator)
    assert set(_ids(client.get(_url(fu), {"insats": z.pk}))) == {p.pk for p in in_z}
    assert set(_ids(client.get(_url(fu), {"startar": "2023"}))) == {p.pk for p in in_x}
    assert _ids(client.get(_url(fu), {"insats": fu.x.pk, "startar": "2025"})) == []


@pytest.mark.django_db
def test_sorting_by_number_start_and_intervention_both_ways(fu: Any, statuses: Any) -> None:
    z = make_intervention(fu.world.own, name="Arbetsträning", coordinators=[fu.coordinator])
    [early] = _bulk(z, 1, start_year=2023)
    client = fu.world.client(fu.coordinator)

    def order(sort: str) -> list[int]:
        return _ids(client.get(_url(fu), {"sortering": sort}))

    by_number = sorted(
        [early.pk, statuses.ongoing.pk, statuses.exited.pk, statuses.mistake.pk, statuses.unstarted.pk]
    )
    assert order("number") == by_number
    assert order("-number") == by_number[::-1]
    by_start = [early.pk, statuses.exited.pk, statuses.ongoing.pk, statuses.mistake.pk, statuses.unstarted.pk]
    assert order("start") == by_start, "the first start date; never started comes last"
    assert order("-start") == [
        statuses.mistake.pk,
        statuses.ongoing.pk,
        statuses.exited.pk,
        early.pk,
        statuses.unstarted.pk,
    ]
    assert order("intervention")[0] == early.pk, "Arbetsträning before Steget vidare"
    assert order("-intervention")[-1] == early.pk
    assert 'aria-sort="ascending"' in client.get(_url(fu), {"sortering": "start"}).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"startar": "tjugo"}, "Ange startåret med fyra siffror"),
        ({"startar": "1999"}, "från 2000"),
        ({"status": "borta"}, "Välj en status i listan."),
        ({"sortering": "namn"}, "Välj en sortering i listan."),
        ({"insats": "999999"}, "Välj en av dina insatser i listan."),
        ({"insats": "x"}, "Välj en av dina insatser i listan."),
    ],
)
def test_an_invalid_filter_answers_400_with_a_swedish_message(fu: Any, query: Any, message: str) -> None:
    response = fu.world.client(fu.coordinator).get(_url(fu), query)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_another_coordinators_intervention_cannot_be_filtered_on(fu: Any, statuses: Any) -> None:
    response = fu.world.client(fu.coordinator).get(_url(fu), {"insats": fu.y.pk})
    assert response.status_code == 400
    assert statuses.other.pk not in _ids(response)


@pytest.mark.django_db
def test_a_page_past_the_last_shows_the_last(fu: Any) -> None:
    made = _bulk(fu.x, 3)
    response = fu.world.client(fu.coordinator).get(_url(fu), {"sida": "99", "sortering": "number"})
    assert response.status_code == 200
    assert _ids(response) == [p.pk for p in made]


# --- finding one participant on the page -------------------------------------------------------------


@pytest.mark.django_db
def test_a_personnummer_search_finds_exactly_and_is_audited_without_the_number(
    fu: Any, statuses: Any, caplog: Any
) -> None:
    client = fu.world.client(fu.coordinator)
    with caplog.at_level(logging.DEBUG):
        response = client.post(_url(fu), {"sok": NUMBER.replace("-", "")[2:]})
    assert response.status_code == 200
    assert _ids(response) == [statuses.ongoing.pk]
    assert "Sökningen gav 1 träff." in response.content.decode()
    [entry] = AuditEntry.objects.filter(action="participant.identity.search")
    assert entry.actor_id == fu.coordinator.pk
    assert entry.association_id == fu.world.own.pk
    assert entry.details == {"participants": [statuses.ongoing.pk]}
    digits = NUMBER.replace("-", "")
    stored = str(entry.details) + entry.object_id
    assert digits[2:] not in stored and digits not in stored
    assert digits[2:] not in caplog.text
    assert not AuditEntry.objects.filter(action="participant.identity.read").exists(), "nothing decrypted"


@pytest.mark.django_db
def test_a_personnummer_search_that_misses_says_so_and_is_audited(fu: Any, statuses: Any) -> None:
    response = fu.world.client(fu.coordinator).post(_url(fu), {"sok": UNKNOWN})
    assert response.status_code == 200
    assert _ids(response) == []
    assert "Ingen av dina deltagare har det numret." in response.content.decode()
    assert AuditEntry.objects.get(action="participant.identity.search").details == {"participants": []}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (WRONG_CHECK_DIGIT, "Kontrollsiffran stämmer inte"),
        ("abc", "Ange ett personnummer"),
        ("", "Skriv ett"),
    ],
)
def test_an_invalid_search_answers_400_with_a_swedish_message(
    fu: Any, statuses: Any, text: str, message: str
) -> None:
    response = fu.world.client(fu.coordinator).post(_url(fu), {"sok": text})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditEntry.objects.filter(action="participant.identity.search").exists()


@pytest.mark.django_db
def test_a_search_never_finds_another_coordinators_or_forbunds_person(fu: Any, statuses: Any) -> None:
    same_person_in_y = make_participant(fu.y, number=NUMBER)
    elsewhere = make_intervention(fu.world.other, name="Annat förbund")
    make_participant(elsewhere, number=NUMBER)
    response = fu.world.client(fu.coordinator).post(_url(fu), {"sok": NUMBER})
    assert _ids(response) == [statuses.ongoing.pk]
    other = fu.world.client(fu.coordinator_y).post(_url(fu), {"sok": NUMBER})
    assert _ids(other) == [same_person_in_y.pk]


@pytest.mark.django_db
def test_a_participant_number_search_finds_own_participants_only(fu: Any, statuses: Any) -> None:
    client = fu.world.client(fu.coordinator)
    found = client.post(_url(fu), {"sok": str(statuses.exited.pk)})
    assert _ids(found) == [statuses.exited.pk]
    assert _ids(client.post(_url(fu), {"sok": str(statuses.other.pk)})) == []
    assert not AuditEntry.objects.filter(action="participant.identity.search").exists(), "not an identity"


@pytest.mark.django_db
def test_the_admin_does_not_reach_the_list(fu: Any) -> None:
    assert fu.world.client(fu.admin).get(_url(fu)).status_code == 403
    assert fu.world.client(fu.admin).post(_url(fu), {"sok": NUMBER}).status_code == 403


# --- the API -----------------------------------------------------------------------------------------


def _api_url(fu: Any, query: str = "") -> str:
    return f"/associations/{fu.world.own.pk}/participants" + (f"?{query}" if query else "")


@pytest.mark.django_db
def test_the_api_pages_with_headers_and_keeps_the_list_shape(fu: Any) -> None:
    made = sorted(p.pk for p in _bulk(fu.x, 60))
    client = api(fu.coordinator)
    default = client.get(_api_url(fu))
    assert default.status_code == 200
    rows = default.json()
    assert isinstance(rows, list)
    assert [r["id"] for r in rows] == made[::-1][:50], "newest first, 50 by default"
    assert default["X-Total-Count"] == "60"
    assert 'page=2&page_size=50>; rel="next"' in default["Link"]
    assert 'rel="prev"' not in default["Link"]
    second = client.get(_api_url(fu, "sort=number&page=2&page_size=25"))
    assert [r["id"] for r in second.json()] == made[25:50]
    assert "sort=number" in second["Link"] and 'rel="prev"' in second["Link"]
    assert 'page=3&page_size=25>; rel="last"' in second["Link"]
    past = client.get(_api_url(fu, "page=9"))
    assert past.status_code == 200 and past.json() == [] and past["X-Total-Count"] == "60"


@pytest.mark.django_db
def test_the_api_filters_like_the_page(fu: Any, statuses: Any) -> None:
    client = api(fu.coordinator)

    def ids(query: str) -> set[int]:
        response = client.get(_api_url(fu, query))
        assert response.status_code == 200
        return {r["id"] for r in response.json()}

    assert ids("status=ongoing") == {statuses.ongoing.pk}
    assert ids("status=exited") == {statuses.exited.pk, statuses.mistake.pk}
    assert ids("status=in_statistics") == {statuses.ongoing.pk, statuses.exited.pk}
    assert ids("start_year=2024") == {
        statuses.ongoing.pk,
        statuses.exited.pk,
        statuses.mistake.pk,
        statuses.unstarted.pk,
    }
    assert ids("start_year=2023") == set()
    assert ids(f"participant={statuses.exited.pk}") == {statuses.exited.pk}
    assert ids(f"participant={statuses.other.pk}") == set()
    assert ids(f"intervention={fu.y.pk}") == set()
    [first] = client.get(_api_url(fu, "sort=start&page_size=1")).json()
    assert first["id"] == statuses.exited.pk
    for bad in ("status=borta", "sort=namn", "page=0", "page_size=501", "start_year=1999"):
        assert client.get(_api_url(fu, bad)).status_code in (400, 422), bad


@pytest.mark.django_db
def test_the_api_finds_a_personnummer_by_post_body_and_audits_it(fu: Any, statuses: Any) -> None:
    make_participant(make_intervention(fu.world.other, name="Annat förbund"), number=NUMBER)
    client = api(fu.coordinator)
    url = f"/associations/{fu.world.own.pk}/participants/search"
    found = client.post(url, {"identity_number": NUMBER})
    assert found.status_code == 200
    assert [r["id"] for r in found.json()] == [statuses.ongoing.pk]
    assert "identity_number" not in found.json()[0]
    assert client.post(url, {"identity_number": UNKNOWN}).json() == []
    bad = client.post(url, {"identity_number": WRONG_CHECK_DIGIT})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["code"] == "R-IDENTITY"
    entries = AuditEntry.objects.filter(action="participant.identity.search").order_by("id")
    assert [e.details for e in entries] == [{"participants": [statuses.ongoing.pk]}, {"participants": []}]
    assert NUMBER[2:8] not in str([e.details for e in entries])
    assert api(fu.admin).post(url, {"identity_number": NUMBER}).status_code == 403


# --- the shape: queries independent of the data -------------------------------------------------------


def _queries(fn: Any) -> int:
    fn()  # once before: what is cached per session or token (the token's last use) is not the point
    with CaptureQueriesContext(connection) as queries:
        response = fn()
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_page_and_the_api_take_as_many_queries_for_60_participants_as_for_3(fu: Any) -> None:
    page = fu.world.client(fu.coordinator)
    client = api(fu.coordinator)
    calls = {
        "page": lambda: page.get(_url(fu)),
        "page filtered": lambda: page.get(
            _url(fu), {"status": "in_statistics", "sortering": "start", "startar": "2024"}
        ),
        "page search": lambda: page.post(_url(fu), {"sok": NUMBER}),
        "page number search": lambda: page.post(_url(fu), {"sok": "1"}),
        "api": lambda: client.get(_api_url(fu)),
        "api filtered": lambda: client.get(_api_url(fu, "status=exited&sort=-start&start_year=2024")),
        "api search": lambda: client.post(
            f"/associations/{fu.world.own.pk}/participants/search", {"identity_number": NUMBER}
        ),
    }
    make_participation(make_participant(fu.x, number=NUMBER))
    _bulk(fu.x, 2)
    few = {name: _queries(call) for name, call in calls.items()}
    _bulk(fu.x, 58)
    many = {name: _queries(call) for name, call in calls.items()}
    assert many == few
    # The search by personnummer: the session, the user, the roles, the audit entry, the interventions in
    # scope (read as a list of ids before the count and the page), the count, the page.
    assert max(few.values()) <= 13
