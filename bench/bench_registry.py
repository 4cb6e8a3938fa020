"""The association list (`registry.selectors.association_overview`, behind GET /api/v1/associations) for a
limited user, against the floor: one hand-written SQL query returning the same associations and members.

Scoping is where list endpoints lose their speed (a permission filter that turns into a slow join), so
the user here holds roles in a handful of the few hundred associations. A national viewer, who sees
them all, is measured too. The results of both sides are compared before timing.

Run with `make bench` (SQLite in memory), or with FINSAM_TEST_DATABASE_URL=postgres://… for PostgreSQL.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from typing import Any

from _common import environment, measure, members_of, test_database, write_section

ASSOCIATIONS = 300
LIMITED_ROLES = 5

Row = tuple[int, str, tuple[tuple[int, str, str, str], ...]]

FLOOR_SQL = """
SELECT a.id, a.name, m.id, m.kind, r.code, r.name, mu.code, mu.name
FROM registry_association a
JOIN registry_member m ON m.association_id = a.id
LEFT JOIN registry_region r ON r.id = m.region_id
LEFT JOIN registry_municipality mu ON mu.id = m.municipality_id
WHERE a.id IN (SELECT ra.association_id FROM accounts_roleassignment ra WHERE ra.user_id = %s)
   OR EXISTS (SELECT 1 FROM accounts_roleassignment ra WHERE ra.user_id = %s AND ra.association_id IS NULL)
ORDER BY a.name, m.kind, r.code, mu.code
"""


def populate() -> tuple[Any, Any]:
    """Associations with FK, AF, a region and one to six municipalities; a limited and a national user."""
    from django.contrib.auth import get_user_model
    from stdnum.se import orgnr

    from finsam.accounts.models import RoleAssignment
    from finsam.core.roles import Role
    from finsam.registry.models import Association, Member, Municipality

    rng = random.Random(20260101)
    municipalities = list(Municipality.objects.select_related("region"))
    associations = []
    for n in range(ASSOCIATIONS):
        body = f"222{n:06d}"
        associations.append(
            Association(
                name=f"Samordningsförbundet Bench {n:03d}",
                org_number=orgnr.format(body + orgnr.luhn.calc_check_digit(body)),
                seat=rng.choice(municipalities),
                founded=date(2005, 1, 1),
            )
        )
    Association.objects.bulk_create(associations)
    members = []
    for association in Association.objects.all():
        chosen = rng.sample(municipalities, rng.randint(1, 6))
        members += members_of(association, chosen)
    Member.objects.bulk_create(members)

    users = get_user_model().objects
    limited = users.create_user(username="bench-limited")
    picked = rng.sample(list(Association.objects.all()), LIMITED_ROLES)
    roles = [Role.ASSOCIATION_ADMIN, Role.BOARD_MEMBER, Role.AUDITOR, Role.MEMBER_REPRESENTATIVE]
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=limited, role=roles[i % len(roles)], association=a) for i, a in enumerate(picked)
    )
    national = users.create_user(username="bench-national")
    RoleAssignment.objects.create(user=national, role=Role.NATIONAL_VIEWER)
    return limited, national


def through_selector(user: Any) -> list[Row]:
    from finsam.registry.selectors import association_overview

    if hasattr(user, "_finsam_roles"):
        del user._finsam_roles  # a new request loads the roles again
    return [
        (a.id, a.name, tuple((m.id, m.kind, m.code, m.name) for m in a.members))
        for a in association_overview(user=user)
    ]


def through_sql(user: Any) -> list[Row]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, [user.pk, user.pk])
        rows = cursor.fetchall()
    names: dict[int, str] = {}
    members: dict[int, list[tuple[int, str, str, str]]] = defaultdict(list)
    for a_id, a_name, m_id, kind, r_code, r_name, mu_code, mu_name in rows:
        names[a_id] = a_name
        code = r_code or mu_code or kind.upper()
        name = r_name or mu_name or {"fk": "Försäkringskassan", "af": "Arbetsförmedlingen"}[kind]
        members[a_id].append((m_id, kind, code, name))
    return [(a_id, name, tuple(members[a_id])) for a_id, name in names.items()]


def same(left: list[Row], right: list[Row]) -> bool:
    def key(rows: list[Row]) -> dict[int, tuple[str, list[tuple[int, str, str, str]]]]:
        return {a_id: (name, sorted(ms)) for a_id, name, ms in rows}

    return key(left) == key(right)


def main() -> None:
    with test_database() as database:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from finsam.accounts.models import RoleAssignment
        from finsam.registry.models import Association, Member, Municipality, Region

        tables = {m._meta.db_table for m in (Association, Member, Region, Municipality, RoleAssignment)}
        assert all(table in FLOOR_SQL for table in tables), tables

        limited, national = populate()
        total_members = Member.objects.count()
        lines = [
            f"## Registry: the association list, {database}",
            "",
            f"`bench/bench_registry.py`, recorded {environment(database)}. {ASSOCIATIONS} associations with "
            f"{total_members} members. The selector side is `association_overview(user=…)` with each "
            "member's kind, code and name read, as the API does; the floor is one SQL query with the role "
            "check in subqueries, grouped into the same shape. Times are the median and the best of "
            "repeated runs; the ratio is taken from the best times, which a busy machine disturbs least.",
            "",
            "| user | associations | members | queries | selector, ms (median / best) "
            "| one SQL query, ms (median / best) | ratio |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for label, user in (
            (f"limited: {LIMITED_ROLES} roles in {LIMITED_ROLES} associations", limited),
            ("national_viewer: sees all", national),
        ):
            selected, floor = through_selector(user), through_sql(user)
            assert same(selected, floor), f"the selector and the SQL query disagree for {label}"
            with CaptureQueriesContext(connection) as queries:
                through_selector(user)
            app = measure(lambda user=user: through_selector(user))
            sql = measure(lambda user=user: through_sql(user))
            seen_members = sum(len(ms) for _, _, ms in selected)
            ratio = app.best_ms / sql.best_ms
            lines.append(
                f"| {label} | {len(selected)} | {seen_members} | {len(queries)} "
                f"| {app.median_ms:.2f} / {app.best_ms:.2f} | {sql.median_ms:.2f} / {sql.best_ms:.2f} "
                f"| {ratio:.1f} |"
            )
            print(
                f"{label}: {len(selected)} associations, {len(queries)} queries, selector "
                f"{app.best_ms:.2f} ms, SQL {sql.best_ms:.2f} ms (best), ratio {ratio:.1f}"
            )
        key = "registry-" + ("postgresql" if connection.vendor == "postgresql" else "sqlite")
        write_section(key, "\n".join(lines))


if __name__ == "__main__":
    main()
