"""The participant list of one large förbund (`followup.selectors.participant_list` behind the page
/uppfoljning/forbund/<id>/deltagare/ and GET /api/v1/associations/{id}/participants), as a participant
coordinator, against the floor: one hand-written SQL query giving the same 50 rows and the count of hits.

The förbund has 40 000 participants in ten interventions; the coordinator is assigned to eight of them,
so the scoping is part of every query. Measured: the whole page (request to rendered HTML, through the
test client, as a logged-in coordinator: session, scoping, count, page and template), the page's own
queries alone (the selector's count and one page of rows), and the API page. The ids of each page are
checked against the floor's before timing.

Run with `make bench` (SQLite in memory), or with FINSAM_TEST_DATABASE_URL=postgres://… for PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import random
from datetime import date, timedelta
from typing import Any

from _common import (
    api_token,
    environment,
    measure,
    members_of,
    signed_in_client,
    test_database,
    write_section,
)

PARTICIPANTS = 40_000
INTERVENTIONS = 10
COORDINATED = 8
PAGE = 50

FLOOR_SQL = """
SELECT q.id, q.name, q.sex, q.birth_year, q.start_year, q.registration, q.has_identity, q.identity_removal,
       (SELECT o.start FROM followup_participation o WHERE o.participant_id = q.id AND o.exit IS NULL),
       (SELECT max(e.exit) FROM followup_participation e WHERE e.participant_id = q.id),
       q.total
FROM (
    SELECT p.id, i.name, p.sex, p.birth_year, p.start_year, p.registration,
           p.identity_hash IS NOT NULL AS has_identity, p.identity_removal,
           count(*) OVER () AS total, row_number() OVER (ORDER BY {order}) AS position
    FROM followup_participant p
    JOIN interventions_intervention i ON i.id = p.intervention_id
    WHERE p.association_id = %(association)s
      AND p.intervention_id IN (
          SELECT c.intervention_id FROM interventions_intervention_coordinators c WHERE c.user_id = %(user)s)
      {where}
    ORDER BY {order}
    LIMIT 50 OFFSET %(offset)s
) q
ORDER BY q.position
"""

FIRST_START = "(SELECT min(f.start) FROM followup_participation f WHERE f.participant_id = p.id)"
IN_STATISTICS = (
    "AND EXISTS (SELECT 1 FROM followup_participation s WHERE s.participant_id = p.id "
    "AND s.exit_reason <> 'registered_by_mistake')"
)
ONGOING = (
    "AND EXISTS (SELECT 1 FROM followup_participation s WHERE s.participant_id = p.id AND s.exit IS NULL)"
)


def number_of(serial: int) -> str:
    """A valid personnummer (12 digits) for the serial: born 1960–1999."""
    from stdnum import luhn

    birth = date(1960, 1, 1) + timedelta(days=serial % 14_600)
    tail = f"{serial // 14_600 % 1000:03d}"  # distinct numbers up to 14 600 000 serials
    body = f"{birth:%y%m%d}{tail}"
    return f"{birth:%Y%m%d}{tail}{luhn.calc_check_digit(body)}"


def populate(rng: random.Random) -> tuple[Any, int, list[int]]:
    """One förbund with 40 000 participants (60 % identified), one or two participations each (a third
    open, 2 % of the exits "registered by mistake"); returns the coordinator, the förbund's id and the
    coordinated interventions' ids."""
    from django.contrib.auth import get_user_model
    from stdnum.se import orgnr

    from finsam.accounts.models import RoleAssignment
    from finsam.core.roles import Role
    from finsam.followup import identity
    from finsam.followup.models import Participant, Participation
    from finsam.interventions.models import Intervention
    from finsam.registry.models import Association, Member, Municipality

    municipalities = list(Municipality.objects.select_related("region").order_by("code"))
    body = "224000001"
    association = Association.objects.create(
        name="Samordningsförbundet Deltagarlista",
        org_number=orgnr.format(body + orgnr.luhn.calc_check_digit(body)),
        seat=municipalities[0],
        founded=date(2008, 1, 1),
    )
    Member.objects.bulk_create(members_of(association, municipalities[:4]))
    coordinator = get_user_model().objects.create_user(username="bench-coordinator")
    RoleAssignment.objects.create(
        user=coordinator, role=Role.PARTICIPANT_COORDINATOR, association=association
    )
    interventions = Intervention.objects.bulk_create(
        Intervention(
            association=association,
            kind="individual",
            name=f"Insats {chr(ord('A') + k)}",
            start=date(2018, 1, 1),
            status="active",
        )
        for k in range(INTERVENTIONS)
    )
    coordinated = [i.pk for i in interventions[:COORDINATED]]
    for intervention in interventions[:COORDINATED]:
        intervention.coordinators.add(coordinator)

    token = identity.encrypt(number_of(0))  # never decrypted here: one token stands for all
    participants = []
    for n in range(PARTICIPANTS):
        identified = n % 5 < 3
        number = number_of(n + 1)
        participants.append(
            Participant(
                association=association,
                intervention=interventions[rng.randrange(INTERVENTIONS)],
                registration="identified" if identified else "anonymous",
                identity_ciphertext=token if identified else None,
                identity_hash=identity.keyed_hash(number) if identified else None,
                sex="man" if int(number[10]) % 2 else "woman",
                birth_year=int(number[:4]) if identified else None,
                start_year=rng.randint(2020, 2025),
                registered_on=date(2020, 1, 1),
            )
        )
    Participant.objects.bulk_create(participants, batch_size=2000)
    participations = []
    for participant in Participant.objects.filter(association=association).only(
        "id", "intervention_id", "start_year"
    ):
        start = date(participant.start_year, 1, 1) + timedelta(days=rng.randrange(300))
        periods = 2 if rng.random() < 0.2 else 1
        for k in range(periods):
            last = k == periods - 1
            open_ = last and rng.random() < 0.33
            exit_ = None if open_ else start + timedelta(days=rng.randint(30, 400))
            reason = "" if open_ else ("registered_by_mistake" if rng.random() < 0.02 else "completed")
            participations.append(
                Participation(
                    association=association,
                    intervention_id=participant.intervention_id,
                    participant_id=participant.pk,
                    start=start,
                    exit=exit_,
                    exit_reason=reason,
                    employment_before="none",
                    education_level="upper_secondary",
                )
            )
            if exit_ is not None:
                start = exit_ + timedelta(days=rng.randint(1, 60))
    Participation.objects.bulk_create(participations, batch_size=5000)
    return coordinator, association.pk, coordinated


def floor(
    coordinator: Any, association_id: int, *, where: str, order: str, offset: int = 0, **params: Any
) -> tuple[list[int], int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            FLOOR_SQL.format(where=where, order=order),
            {"association": association_id, "user": coordinator.pk, "offset": offset, **params},
        )
        rows = cursor.fetchall()
    return [row[0] for row in rows], (rows[0][-1] if rows else 0)


class Counted:
    """Counts the queries of one request: the test client resets Django's query log when a request
    starts, so the log cannot be used across it."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.n += 1
        return execute(sql, params, many, context)


def count_queries(fn: Any) -> int:
    from django.db import connection

    counter = Counted()
    with connection.execute_wrapper(counter):
        fn()
    return counter.n


def load_average() -> str:
    one = os.getloadavg()[0]
    return f"{one:.1f}"


def main() -> None:
    global PARTICIPANTS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="40 000 participants × this",
    )
    args = parser.parse_args()
    PARTICIPANTS = round(40_000 * args.scale)
    with test_database() as database:
        import re

        from django.db import connection
        from django.db.models import Subquery
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from finsam.followup import selectors
        from finsam.followup.models import Participant

        coordinator, association_id, coordinated = populate(random.Random(20261207))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # as autovacuum would after such a load
        coordinator.set_password("bench-password-1")
        coordinator.save()
        client = signed_in_client(coordinator)
        bearer = {"HTTP_AUTHORIZATION": "Bearer " + api_token(coordinator, "bench-password-1")}
        url = reverse("followup:participant_list", args=[association_id])
        api_url = f"/api/v1/associations/{association_id}/participants"
        visible = Participant.objects.filter(association_id=association_id, intervention_id__in=coordinated)
        one = visible.filter(identity_hash__isnull=False).order_by("pk").first()
        assert one is not None
        searched_number = next(
            number_of(n + 1)
            for n in range(PARTICIPANTS)
            if selectors.identity_keyed_hash(number_of(n + 1)) == one.identity_hash
        )
        first_intervention = coordinated[0]

        cases: list[dict[str, Any]] = [
            {
                "label": "first page, newest first",
                "get": {},
                "api": "",
                "floor": {"where": "", "order": "p.id DESC"},
            },
            {
                "label": "page 400, by number",
                "get": {"sortering": "number", "sida": "400"},
                "api": "sort=number&page=400",
                "floor": {"where": "", "order": "p.id ASC", "offset": 399 * PAGE},
            },
            {
                "label": "in statistics, start year 2024, by first start",
                "get": {"status": "in_statistics", "startar": "2024", "sortering": "start"},
                "api": "status=in_statistics&start_year=2024&sort=start",
                "floor": {
                    "where": IN_STATISTICS + " AND p.start_year = 2024",
                    "order": f"{FIRST_START} ASC NULLS LAST, p.id ASC",
                },
            },
            {
                "label": "one intervention, ongoing, by intervention",
                "get": {"insats": str(first_intervention), "status": "ongoing", "sortering": "intervention"},
                "api": f"intervention={first_intervention}&status=ongoing&sort=intervention",
                "floor": {
                    "where": ONGOING + " AND p.intervention_id = %(intervention)s",
                    "order": "i.name ASC, p.id ASC",
                    "intervention": first_intervention,
                },
            },
        ]
        total_participants = Participant.objects.filter(association_id=association_id).count()
        scale_flag = f" --scale {args.scale:g}" if args.scale != 1 else ""
        lines = [
            f"## Participant list: one förbund of {total_participants} participants, {database}",
            "",
            f"`bench/bench_participant_list.py{scale_flag}`, recorded {environment(database)}. "
            "One förbund with "
            f"{total_participants} participants in {INTERVENTIONS} interventions (60 % with a keyed hash), "
            "one or two participations each; the participant coordinator is assigned to "
            f"{COORDINATED} of them ({visible.count()} participants). *Page* is the whole request as the "
            "coordinator, from the test client to the rendered HTML (session, scoping, count, 50 rows, "
            "template); *queries* the page's own database work alone (the selector's count and one page of "
            "rows); *API* the same page of GET /api/v1/associations/{id}/participants with its "
            "participations (bearer token). The floor is one SQL query giving the same 50 ids with the count "
            "of hits (`count(*) OVER ()`), checked against the page's ids before timing. The personnummer "
            "search is the page's POST (keyed hash, audit entry written, list) and the API's "
            "POST …/participants/search. Times in ms, median / best of repeated runs; the ratio is the "
            "page's median over the floor's. Load average (1 min) read after each row.",
            "",
            "| case | hits | page queries | page, ms | queries, ms | API, ms | floor, ms | ratio | load |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for case in cases:
            params = dict(case["floor"])
            ids, hits = floor(coordinator, association_id, **params)
            response = client.get(url, case["get"])
            assert response.status_code == 200, case["label"]
            page_ids = [int(n) for n in re.findall(r'deltagare/(\d+)/"', response.content.decode())]
            assert page_ids == ids, f"{case['label']}: the page and the SQL query disagree"
            api_ids = [row["id"] for row in client.get(f"{api_url}?{case['api']}", **bearer).json()]
            assert api_ids == ids, f"{case['label']}: the API and the SQL query disagree"
            n_queries = count_queries(lambda case=case: client.get(url, case["get"]))
            filters = selectors_arguments(case["get"])
            sida = int(case["get"].get("sida", "1"))

            def own_queries(filters: dict[str, Any] = filters, sida: int = sida) -> object:
                qs = selectors.participant_list(
                    user=coordinator, association_id=association_id, with_participations=False, **filters
                )
                pages = selectors.ParticipantPages(qs)
                pages.count()
                return pages[(sida - 1) * PAGE : sida * PAGE]

            if os.environ.get("BENCH_EXPLAIN") and connection.vendor == "postgresql":
                qs = selectors.participant_list(
                    user=coordinator, association_id=association_id, with_participations=False, **filters
                )
                ids = qs.values("pk")[(sida - 1) * PAGE : sida * PAGE]
                print(qs.filter(pk__in=Subquery(ids)).explain(analyze=True))
                with CaptureQueriesContext(connection) as counted:
                    qs.count()
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN ANALYZE " + counted[-1]["sql"])
                    print("\n".join(row[0] for row in cursor.fetchall()))
            page = measure(lambda case=case: client.get(url, case["get"]))
            own = measure(own_queries)
            api = measure(lambda case=case: client.get(f"{api_url}?{case['api']}", **bearer))
            sql = measure(lambda params=params: floor(coordinator, association_id, **params))
            lines.append(
                f"| {case['label']} | {hits} | {n_queries} | {page.median_ms:.1f} / {page.best_ms:.1f} "
                f"| {own.median_ms:.1f} / {own.best_ms:.1f} | {api.median_ms:.1f} / {api.best_ms:.1f} "
                f"| {sql.median_ms:.1f} / {sql.best_ms:.1f} | {page.median_ms / sql.median_ms:.1f} "
                f"| {load_average()} |"
            )
            print(lines[-1])

        search_ids, _ = floor(
            coordinator,
            association_id,
            where="AND p.identity_hash = %(hash)s",
            order="p.id",
            hash=one.identity_hash,
        )
        response = client.post(url, {"sok": searched_number})
        assert [int(n) for n in re.findall(r'deltagare/(\d+)/"', response.content.decode())] == search_ids
        n_queries = count_queries(lambda: client.post(url, {"sok": searched_number}))
        page = measure(lambda: client.post(url, {"sok": searched_number}))
        api = measure(
            lambda: client.post(
                f"{api_url}/search",
                {"identity_number": searched_number},
                content_type="application/json",
                **bearer,
            )
        )
        sql = measure(
            lambda: floor(
                coordinator,
                association_id,
                where="AND p.identity_hash = %(hash)s",
                order="p.id",
                hash=one.identity_hash,
            )
        )
        lines.append(
            f"| personnummer search (POST) | {len(search_ids)} | {n_queries} "
            f"| {page.median_ms:.1f} / {page.best_ms:.1f} "
            f"| – | {api.median_ms:.1f} / {api.best_ms:.1f} | {sql.median_ms:.1f} / {sql.best_ms:.1f} "
            f"| {page.median_ms / sql.median_ms:.1f} | {load_average()} |"
        )
        print(lines[-1])
        key = "participant-list-" + ("postgresql" if connection.vendor == "postgresql" else "sqlite")
        if args.scale != 1:
            key += f"-scale-{args.scale:g}"
        write_section(key, "\n".join(lines))


def selectors_arguments(query: dict[str, str]) -> dict[str, Any]:
    return {
        "intervention_id": int(query["insats"]) if "insats" in query else None,
        "status": query.get("status"),
        "start_year": int(query["startar"]) if "startar" in query else None,
        "sort": query.get("sortering", "-number"),
    }


if __name__ == "__main__":
    main()
