"""The outcome statistics (`statistics.outcomes`) and the economy (`statistics.economics`) of a national data
set, against the floor: one hand-written SQL query over the participation rows producing the same core
counts.

The statistics read the follow-up's summary tables (`followup.summaries`), kept current as participations
are written; the floor reads the rows. Two data sets:

- by default, the benchmark's own: 80 förbund with their members (five of them small, whose counts the
  national statistics hide), 3–8 individual-level interventions each (and one structural one, which the
  statistics leave out), about 200 000 participations of five years (2021–2025) as recorded at the end of
  January 2026, with income sources before and after, and a share registered by mistake; bulk loaded, so
  the summaries are then built with `finsam rebuild-statistics`'s service (timed);
- with `--synth SCALE`, the national data of `finsam synth --scale SCALE --seed 1` (75 förbund, 20 years
  ending 2025, 35 000 × SCALE participations a year), written through the participant import, whose hook
  fills the summaries; the rebuild then checks that they equal the rows.

Measured for the year 2025, each with its number of queries:

- the national statistics through the API (`GET /api/v1/statistics/national`) for a national viewer
  (bearer token), and the selector alone (`national_statistics`), against started and exited
  participations per förbund and sex;
- a förbund's own statistics through the API (`GET /api/v1/statistics?association=`) as its director
  (association_admin) and as a participant coordinator, against started and exited participations per
  intervention and sex of that förbund (the largest);
- the förbund's economy (`association_economy`), against the people taking part during the year per
  intervention and the capped public-support sums of those who exited.

The floor's counts are compared with the selectors' unsuppressed counts before timing, and every cell the
national statistics show is checked against the floor.

Run with `make bench` (SQLite in memory), or with FINSAM_TEST_DATABASE_URL=postgres://… for PostgreSQL;
add `--synth 0.1` (or 1) for the national data.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from _common import Timing, environment, measure, members_of, test_database, write_section

ASSOCIATIONS = 80
SMALL = 5  # förbund with 12–40 participants in five years
FIRST_PARTICIPATIONS = 185_000  # plus about 8 % second participations: some 200 000 in all
FIRST_YEAR, YEAR = 2021, 2025
RECORDED_UNTIL = date(2026, 1, 31)  # the data as a national report for 2025 would find it
MISTAKE_SHARE = 0.02
BATCH = 5000

FIRST, LAST = date(YEAR, 1, 1), date(YEAR, 12, 31)
NOT_COUNTED = "registered_by_mistake"

Cells = dict[tuple[str, str], int]
Economy = dict[int, tuple[int, int, int, int]]

NATIONAL_SQL = """
SELECT p.association_id, pt.sex,
       SUM(CASE WHEN p.start BETWEEN %s AND %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.exit BETWEEN %s AND %s THEN 1 ELSE 0 END)
FROM followup_participation p
JOIN interventions_intervention i ON i.id = p.intervention_id
JOIN followup_participant pt ON pt.id = p.participant_id
WHERE i.kind = 'individual' AND p.exit_reason <> %s
  AND (p.start BETWEEN %s AND %s OR p.exit BETWEEN %s AND %s)
GROUP BY p.association_id, pt.sex
"""

ASSOCIATION_SQL = """
SELECT p.intervention_id, pt.sex,
       SUM(CASE WHEN p.start BETWEEN %s AND %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.exit BETWEEN %s AND %s THEN 1 ELSE 0 END)
FROM followup_participation p
JOIN interventions_intervention i ON i.id = p.intervention_id
JOIN followup_participant pt ON pt.id = p.participant_id
WHERE p.association_id = %s AND i.kind = 'individual' AND p.exit_reason <> %s
  AND (p.start BETWEEN %s AND %s OR p.exit BETWEEN %s AND %s)
GROUP BY p.intervention_id, pt.sex
"""

# The participations open at some time in the year; for those exited in the year, their public support
# before and after (the sum of the extents of the public-support sources, from the unique index on
# participation, phase and source); then per intervention: distinct people, exits in the year, and the
# exits' support capped at 100 % per participation (MATERIALIZED, so that each subquery runs once per
# participation rather than once per reference).
ECONOMY_SQL = """
WITH x AS MATERIALIZED (
    SELECT p.intervention_id, p.participant_id,
           CASE WHEN p.exit BETWEEN %s AND %s THEN 1 ELSE 0 END AS exited,
           CASE WHEN p.exit BETWEEN %s AND %s THEN (
               SELECT COALESCE(SUM(e.extent), 0) FROM followup_incomesourceentry e
               WHERE e.participation_id = p.id AND e.phase = 'before' AND e.source IN ({sources})
           ) ELSE 0 END AS before,
           CASE WHEN p.exit BETWEEN %s AND %s THEN (
               SELECT COALESCE(SUM(e.extent), 0) FROM followup_incomesourceentry e
               WHERE e.participation_id = p.id AND e.phase = 'after' AND e.source IN ({sources})
           ) ELSE 0 END AS after
    FROM followup_participation p
    JOIN interventions_intervention i ON i.id = p.intervention_id
    WHERE p.association_id = %s AND i.kind = 'individual' AND p.exit_reason <> %s
      AND p.start <= %s AND (p.exit IS NULL OR p.exit >= %s)
)
SELECT x.intervention_id,
       COUNT(DISTINCT x.participant_id),
       SUM(x.exited),
       SUM(CASE WHEN x.before > 100 THEN 100 ELSE x.before END),
       SUM(CASE WHEN x.after > 100 THEN 100 ELSE x.after END)
FROM x
GROUP BY x.intervention_id
"""

# --- the data set ------------------------------------------------------------------------------------

INCOME_BEFORE = {
    "social_assistance": 24,
    "sickness_benefit": 17,
    "activity_support": 12,
    "activity_compensation": 10,
    "none": 8,
    "sickness_compensation": 5,
    "unemployment_benefit": 5,
    "salary": 5,
    "establishment_benefit": 4,
    "other": 4,
    "subsidised_salary": 3,
    "student_aid": 3,
}
INCOME_AFTER = {
    "salary": 18,
    "social_assistance": 17,
    "sickness_benefit": 12,
    "activity_support": 11,
    "subsidised_salary": 9,
    "activity_compensation": 8,
    "student_aid": 7,
    "none": 5,
    "unemployment_benefit": 5,
    "sickness_compensation": 4,
    "other": 3,
    "establishment_benefit": 1,
}
EXIT_REASONS = {
    "completed": 34,
    "work": 14,
    "studies": 8,
    "other_intervention": 13,
    "ill_health": 10,
    "own_request": 8,
    "no_contact": 7,
    "moved": 3,
    "other": 3,
}
EMPLOYMENT_BEFORE = {"none": 70, "seeking_work": 20, "studies": 5, "work": 5}
EMPLOYMENT_AFTER = {"none": 40, "work": 24, "seeking_work": 18, "studies": 14, "": 4}
EDUCATION = {
    "primary_short": 10,
    "primary": 27,
    "upper_secondary": 38,
    "post_secondary_short": 9,
    "post_secondary": 8,
    "unknown": 8,
}
YEAR_WEIGHTS = {2021: 85, 2022: 92, 2023: 100, 2024: 106, 2025: 112}


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def start_date(rng: random.Random) -> date:
    """A start in 2021–2025, more in later years, fewer in July."""
    year = rng.choices(list(YEAR_WEIGHTS), weights=list(YEAR_WEIGHTS.values()))[0]
    while True:
        day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        if day.month != 7 or rng.random() < 0.35:
            return day


def duration(rng: random.Random) -> int:
    """Days in the intervention: log-normal around half a year, at most four years."""
    return min(1460, max(7, round(math.exp(rng.gauss(math.log(190), 0.75)))))


@dataclass
class Period:
    start: date
    exit: date | None
    reason: str


def periods(rng: random.Random) -> list[Period]:
    """One participant's participations: mostly one, sometimes a second one after the first."""
    start = start_date(rng)
    out: list[Period] = []
    while True:
        if rng.random() < MISTAKE_SHARE:
            out.append(Period(start, start + timedelta(days=rng.randrange(15)), NOT_COUNTED))
        else:
            exit_ = start + timedelta(days=duration(rng))
            if exit_ > RECORDED_UNTIL:
                out.append(Period(start, None, ""))
                return out
            out.append(Period(start, exit_, pick(rng, EXIT_REASONS)))
        last_exit = out[-1].exit
        assert last_exit is not None
        again = last_exit + timedelta(days=rng.randint(30, 400))
        if again > RECORDED_UNTIL or again.year > YEAR or len(out) == 2 or rng.random() > 0.09:
            return out
        start = again


def sources(rng: random.Random, weights: dict[str, int]) -> list[tuple[str, int]]:
    """One or two income sources with their extents."""
    first = pick(rng, weights)
    if rng.random() < 0.7:
        return [(first, rng.choice((100, 100, 100, 75, 50)))]
    second = pick(rng, weights)
    while second == first:
        second = pick(rng, weights)
    split = rng.choice(((50, 50), (75, 25), (50, 25), (100, 25)))
    return [(first, split[0]), (second, split[1])]


def synthetic_number(birth_year: int, serial: int) -> str:
    """A 12-digit number shaped like a samordningsnummer (day 61–88), unique per birth year for serials
    below 210 000 (the least common multiple of 12, 28 and 10 000)."""
    return f"{birth_year}{1 + serial % 12:02d}{61 + serial % 28:02d}{serial % 10_000:04d}"


def populate(rng: random.Random) -> tuple[Any, Any, int]:
    """The data set; returns a national viewer, the administrator of the largest förbund and its id."""
    from django.contrib.auth import get_user_model
    from stdnum.se import orgnr

    from finsam.accounts.models import RoleAssignment
    from finsam.core.roles import Role
    from finsam.followup import identity
    from finsam.followup.models import IncomeSourceEntry, Participant, Participation
    from finsam.interventions.models import Intervention
    from finsam.registry.models import Association, Member, Municipality

    municipalities = list(Municipality.objects.select_related("region"))
    associations = []
    for n in range(ASSOCIATIONS):
        body = f"223{n:06d}"
        associations.append(
            Association(
                name=f"Samordningsförbundet Statistik {n:02d}",
                org_number=orgnr.format(body + orgnr.luhn.calc_check_digit(body)),
                seat=rng.choice(municipalities),
                founded=date(2005 + n % 12, 1, 1),
            )
        )
    Association.objects.bulk_create(associations)
    associations = list(Association.objects.order_by("pk"))
    by_region: dict[int, list[Any]] = {}
    for m in municipalities:
        by_region.setdefault(m.region_id, []).append(m)
    members = []
    for association in associations:
        region_municipalities = rng.choice(list(by_region.values()))
        chosen = rng.sample(region_municipalities, min(len(region_municipalities), rng.randint(1, 6)))
        members += members_of(association, chosen)
    Member.objects.bulk_create(members)

    interventions = []
    for association in associations:
        for k in range(rng.randint(3, 8)):
            interventions.append(
                Intervention(
                    association=association,
                    kind="individual",
                    name=f"Insats {k + 1}",
                    start=date(rng.randint(2014, 2020), 1, 1),
                    status="active",
                )
            )
        interventions.append(
            Intervention(
                association=association,
                kind="structural",
                name="Kompetensutveckling",
                start=date(2019, 1, 1),
                status="active",
            )
        )
    Intervention.objects.bulk_create(interventions)
    by_association: dict[int, list[Intervention]] = {}
    for intervention in Intervention.objects.filter(kind="individual").order_by("pk"):
        by_association.setdefault(intervention.association_id, []).append(intervention)

    # Förbund sizes are skewed (a few large ones, and SMALL förbund with a few participants a year, whose
    # counts the national statistics hide), interventions within one too.
    size_weights = [rng.lognormvariate(0, 1.0) for _ in associations[SMALL:]]
    scale = FIRST_PARTICIPATIONS / sum(size_weights)
    sizes = [rng.randint(12, 40) for _ in associations[:SMALL]] + [round(w * scale) for w in size_weights]
    plan: list[tuple[Intervention, str, int | None, str, list[Period]]] = []
    for association, size in zip(associations, sizes, strict=True):
        own = by_association[association.pk]
        intervention_weights = [rng.uniform(0.3, 1.0) for _ in own]
        for _ in range(size):
            intervention = rng.choices(own, weights=intervention_weights)[0]
            spans = periods(rng)
            sex = "woman" if rng.random() < 0.57 else "man"
            registration = rng.choices(
                ["identified", "withdrawn", "anonymous", "protected"], weights=[70, 4, 23, 3]
            )[0]
            age = min(66, max(16, round(rng.gauss(35, 11))))
            birth_year = spans[0].start.year - age if registration in ("identified", "withdrawn") else None
            plan.append((intervention, sex, birth_year, registration, spans))

    participants = []
    for serial, (intervention, sex, birth_year, registration, spans) in enumerate(plan):
        first_start = spans[0].start
        participant = Participant(
            association_id=intervention.association_id,
            intervention=intervention,
            registration="identified" if registration == "withdrawn" else registration,
            sex=sex,
            birth_year=birth_year,
            start_year=first_start.year,
            registered_on=first_start,
        )
        if registration == "identified":
            assert birth_year is not None
            number = synthetic_number(birth_year, serial)
            participant.identity_ciphertext = identity.encrypt(number)
            participant.identity_hash = identity.keyed_hash(number)
        elif registration == "withdrawn":
            participant.identity_removed_on = first_start + timedelta(days=rng.randint(10, 200))
            participant.identity_removal = "withdrawn"
        participants.append(participant)
    Participant.objects.bulk_create(participants, batch_size=BATCH)

    participations = []
    for participant, (intervention, _, _, _, spans) in zip(participants, plan, strict=True):
        for span in spans:
            exited = span.exit is not None
            participations.append(
                Participation(
                    association_id=intervention.association_id,
                    intervention=intervention,
                    participant=participant,
                    start=span.start,
                    exit=span.exit,
                    exit_reason=span.reason,
                    employment_before=pick(rng, EMPLOYMENT_BEFORE),
                    employment_after=pick(rng, EMPLOYMENT_AFTER)
                    if exited and span.reason != NOT_COUNTED
                    else "",
                    education_level=pick(rng, EDUCATION),
                )
            )
    Participation.objects.bulk_create(participations, batch_size=BATCH)

    entries = []
    for participation in participations:
        if rng.random() < 0.97:
            entries += [
                IncomeSourceEntry(participation=participation, phase="before", source=s, extent=e)
                for s, e in sources(rng, INCOME_BEFORE)
            ]
        counted_exit = participation.exit is not None and participation.exit_reason != NOT_COUNTED
        if counted_exit and rng.random() < 0.95:
            entries += [
                IncomeSourceEntry(participation=participation, phase="after", source=s, extent=e)
                for s, e in sources(rng, INCOME_AFTER)
            ]
    IncomeSourceEntry.objects.bulk_create(entries, batch_size=BATCH)

    largest = Counter(p.association_id for p in participations).most_common(1)[0][0]
    users = get_user_model().objects
    national, _ = users.get_or_create(username="bench-national")
    RoleAssignment.objects.get_or_create(user=national, role=Role.NATIONAL_VIEWER)
    admin, _ = users.get_or_create(username="bench-admin")
    RoleAssignment.objects.get_or_create(user=admin, role=Role.ASSOCIATION_ADMIN, association_id=largest)
    return national, admin, largest


# --- the floor ---------------------------------------------------------------------------------------


def fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def by_sex(rows: list[tuple[Any, ...]]) -> tuple[Cells, Cells]:
    started: Cells = {}
    exited: Cells = {}
    for group, sex, n_started, n_exited in rows:
        if n_started:
            started[(str(group), sex)] = int(n_started)
        if n_exited:
            exited[(str(group), sex)] = int(n_exited)
    return started, exited


def national_floor() -> tuple[Cells, Cells]:
    return by_sex(fetch(NATIONAL_SQL, [FIRST, LAST, FIRST, LAST, NOT_COUNTED, FIRST, LAST, FIRST, LAST]))


def association_floor(association_id: int) -> tuple[Cells, Cells]:
    params = [FIRST, LAST, FIRST, LAST, association_id, NOT_COUNTED, FIRST, LAST, FIRST, LAST]
    return by_sex(fetch(ASSOCIATION_SQL, params))


def economy_sql() -> str:
    from finsam.followup.rules import PUBLIC_SUPPORT

    return ECONOMY_SQL.format(sources=", ".join(f"'{code}'" for code in PUBLIC_SUPPORT))


def economy_floor(association_id: int) -> Economy:
    params = [FIRST, LAST, FIRST, LAST, FIRST, LAST, association_id, NOT_COUNTED, LAST, FIRST]
    rows = fetch(economy_sql(), params)
    return {row[0]: (int(row[1]), int(row[2]), int(row[3]), int(row[4])) for row in rows}


# --- the selectors -----------------------------------------------------------------------------------


def fresh(user: Any) -> Any:
    if hasattr(user, "_finsam_roles"):
        del user._finsam_roles  # a new request loads the roles again
    return user


def national(user: Any) -> Any:
    from finsam.statistics import outcomes as statistics

    return statistics.national_statistics(user=fresh(user), year=YEAR)


def association(user: Any, association_id: int) -> Any:
    from finsam.statistics import outcomes as statistics

    return statistics.association_statistics(user=fresh(user), association_id=association_id, year=YEAR)


def economy(user: Any, association_id: int) -> Any:
    from finsam.statistics import economics

    return economics.association_economy(user=fresh(user), association_id=association_id, year=YEAR)


def grouped_unsuppressed(queryset: Any) -> Cells:
    """The counts behind the national tables, before suppression: the selector's own querysets, grouped."""
    from django.db.models import Count

    rows = queryset.order_by().values("association_id", "participant__sex").annotate(n=Count("id"))
    return {(str(row["association_id"]), row["participant__sex"]): row["n"] for row in rows}


def table_cells(table: Any) -> tuple[Cells, int, int]:
    """The inner cells of a published two-way table as {(row, column): value} (hidden cells left out),
    with the number of inner cells and of hidden ones."""
    shown: Cells = {}
    inner = hidden = 0
    for cell in table.cells:
        key = cell.key
        if "total" in key:
            continue
        inner += 1
        if cell.suppressed:
            hidden += 1
        elif cell.value:
            shown[key] = cell.value
    return shown, inner, hidden


def check_national(result: Any, floor: tuple[Cells, Cells]) -> tuple[int, int]:
    from finsam.followup import selectors as followup

    started, exited = floor
    assert grouped_unsuppressed(followup.participations_started_in(year=YEAR)) == started, (
        "national: started differ"
    )
    assert grouped_unsuppressed(followup.participations_exited_in(year=YEAR)) == exited, (
        "national: exited differ"
    )
    inner = hidden = 0
    for key, counts in (("started", started), ("exited", exited)):
        table = result.table(key).table
        for cell in table.cells:
            if "total" in cell.key or cell.suppressed:
                continue
            assert cell.value == counts.get(cell.key, 0), f"national {key}: shown cell {cell.key} differs"
        _, n, h = table_cells(table)
        inner, hidden = inner + n, hidden + h
    return inner, hidden


def check_association(result: Any, floor: tuple[Cells, Cells]) -> None:
    for key, counts in zip(("started", "exited"), floor, strict=True):
        shown, _, hidden = table_cells(result.table(key).table)
        assert hidden == 0, "a förbund's own statistics are not suppressed"
        assert shown == counts, f"association {key}: the selector and the SQL query disagree"


def check_economy(result: Any, floor: Economy) -> None:
    selected = {
        row.intervention_id: (
            row.participants,
            row.estimate.participations,
            row.estimate.before_percent,
            row.estimate.after_percent,
        )
        for row in result.rows
        if row.participants or row.estimate.participations
    }
    assert selected == floor, "economy: the selector and the SQL query disagree"


# --- measuring ---------------------------------------------------------------------------------------


def timed(fn: Callable[[], object]) -> Timing:
    """`measure`, with fewer runs for what takes long."""
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    if once > 1.0:
        return measure(fn, seconds=0, min_runs=5, warmup=1)
    if once > 0.2:
        return measure(fn, seconds=2.0, min_runs=8, warmup=1)
    return measure(fn)


def queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def synth_data(scale: float) -> tuple[Any, Any, int, bool]:
    """`finsam synth` data; returns a national viewer, the director of the largest förbund and its id, and
    whether the data were kept from an earlier run."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from finsam.accounts.models import RoleAssignment
    from finsam.core.roles import Role
    from finsam.followup.models import Participation
    from finsam.registry.models import Association
    from finsam.synth import build

    reused = Association.objects.exists()
    if reused:
        print("reusing the national data kept by an earlier run (--keep)", flush=True)
    else:
        build(seed=1, scale=scale, last_year=YEAR, out=sys.stdout, show_progress=True)
    largest = (
        Participation.objects.values("association_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("association_id", flat=True)
        .first()
    )
    assert largest is not None
    users = get_user_model().objects
    national, _ = users.get_or_create(username="bench-national")
    RoleAssignment.objects.get_or_create(user=national, role=Role.NATIONAL_VIEWER)
    admin, _ = users.get_or_create(username="bench-admin")
    RoleAssignment.objects.get_or_create(user=admin, role=Role.ASSOCIATION_ADMIN, association_id=largest)
    return national, admin, largest, reused


PASSWORD = "bench-password-1"  # noqa: S105 - a throw-away user of the throw-away test database


def bearer(user: Any) -> dict[str, str]:
    from _common import api_token

    user.set_password(PASSWORD)
    user.save()
    return {"HTTP_AUTHORIZATION": "Bearer " + api_token(user, PASSWORD)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synth", type=float, default=None, help="finsam synth data at this scale")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="with --synth on PostgreSQL: keep the database (test_finsam_synth_<scale>) for the next run",
    )
    args = parser.parse_args()
    if args.keep and args.synth is None:
        parser.error("--keep goes with --synth")
    name = f"test_finsam_synth_{args.synth:g}".replace(".", "_") if args.keep else None
    with test_database(keep=args.keep, name=name) as database:
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client

        from finsam.accounts.models import RoleAssignment
        from finsam.core import suppression
        from finsam.core.access import SYSTEM
        from finsam.core.roles import Role
        from finsam.followup import selectors as followup
        from finsam.followup import services
        from finsam.followup.models import IncomeSourceEntry, Participant, Participation
        from finsam.interventions.models import Intervention
        from finsam.statistics import api as statistics_api
        from finsam.statistics import outcomes

        for model in (Participation, Participant, Intervention, IncomeSourceEntry):
            assert model._meta.db_table in NATIONAL_SQL + ECONOMY_SQL, model._meta.db_table

        postgresql = connection.vendor == "postgresql"
        began = time.perf_counter()
        reused = False
        if args.synth is not None:
            national_viewer, admin, association_id, reused = synth_data(args.synth)
        else:
            national_viewer, admin, association_id = populate(random.Random(20251231))
        loaded = time.perf_counter() - began
        rebuilt = time.perf_counter()
        # Kept data were checked when they were built (at scale 10 the check takes minutes).
        differences = {} if reused else services.statistics_rebuild(actor=SYSTEM)
        rebuilt = time.perf_counter() - rebuilt
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after such a load: planner statistics
        total = Participation.objects.count()
        print(f"populated {total} participations in {loaded:.1f} s; summaries rebuilt in {rebuilt:.1f} s")
        if args.synth is not None:
            assert not differences, f"the import's summaries differ from the rows: {differences}"
        coordinator, _ = get_user_model().objects.get_or_create(username="bench-coordinator")
        RoleAssignment.objects.get_or_create(
            user=coordinator, role=Role.PARTICIPANT_COORDINATOR, association_id=association_id
        )
        mistakes = Participation.objects.filter(exit_reason=NOT_COUNTED).count()
        entries = IncomeSourceEntry.objects.count()
        associations = Participation.objects.values("association_id").distinct().count()
        started_n = followup.participations_started_in(year=YEAR).count()
        exited_n = followup.participations_exited_in(year=YEAR).count()
        own_started = followup.participations_started_in(year=YEAR, association_id=association_id).count()
        own_exited = followup.participations_exited_in(year=YEAR, association_id=association_id).count()
        own_interventions = Intervention.objects.filter(
            association_id=association_id, kind="individual"
        ).count()
        own_total = Participation.objects.filter(association_id=association_id).count()

        # Same results first.
        national_result = national(national_viewer)
        inner, hidden = check_national(national_result, national_floor())
        check_association(association(admin, association_id), association_floor(association_id))
        check_association(association(coordinator, association_id), association_floor(association_id))
        economy_result = economy(admin, association_id)
        economy_rows = economy_floor(association_id)
        check_economy(economy_result, economy_rows)
        during = sum(participants for participants, _, _, _ in economy_rows.values())

        client = Client()
        as_national, as_director, as_coordinator = (
            bearer(user) for user in (national_viewer, admin, coordinator)
        )

        def api(url: str, headers: dict[str, str]) -> Callable[[], object]:
            def get() -> object:
                response = client.get(url, **headers)  # type: ignore[arg-type]
                assert response.status_code == 200, response.content[:200]
                return response

            return get

        def forget_kept() -> None:
            """What a write does to what the process keeps: it is built anew at the next request."""
            statistics_api.forget_kept()
            outcomes.forget_kept()

        national_api = api(f"/api/v1/statistics/national?year={YEAR}", as_national)
        own_url = f"/api/v1/statistics?association={association_id}&year={YEAR}"
        api_cells = national_api().json()  # type: ignore[attr-defined]
        assert api_cells["year"] == YEAR and api_cells["tables"], "national statistics: empty answer"

        own = f"({own_interventions} interventions)"
        measurements: list[tuple[str, int, Callable[[], object], Callable[[], object]]] = [
            (
                "national statistics through the API (`GET /api/v1/statistics/national`), national_viewer; "
                "floor: started and exited per förbund × sex",
                started_n + exited_n,
                national_api,
                national_floor,
            ),
            (
                "national statistics through the API, the first request after the counts changed (the "
                "suppression worked out, not kept from the previous request); same floor",
                started_n + exited_n,
                lambda: (suppression._suppressed.cache_clear(), forget_kept(), national_api()),
                national_floor,
            ),
            (
                "national statistics, the selector alone (`national_statistics`); same floor",
                started_n + exited_n,
                lambda: national(national_viewer),
                national_floor,
            ),
            (
                "a förbund's own statistics through the API (`GET /api/v1/statistics`), its director; "
                f"floor: started and exited per intervention × sex {own}",
                own_started + own_exited,
                api(own_url, as_director),
                lambda: association_floor(association_id),
            ),
            (
                "a förbund's own statistics through the API, its director, the first request after the "
                "counts changed (built anew, not kept from the previous request); same floor",
                own_started + own_exited,
                lambda: (forget_kept(), api(own_url, as_director)()),
                lambda: association_floor(association_id),
            ),
            (
                "a förbund's own statistics through the API, a participant coordinator; same floor",
                own_started + own_exited,
                api(own_url, as_coordinator),
                lambda: association_floor(association_id),
            ),
            (
                "the förbund's economy (`association_economy`), its director; floor: people during the year "
                "per intervention, exits and capped public support before/after",
                during,
                lambda: economy(admin, association_id),
                lambda: economy_floor(association_id),
            ),
        ]
        before = load_average()
        rows: list[str] = []
        for label, n_rows, selector, floor in measurements:
            n_queries = queries(selector)
            app = timed(selector)
            sql = timed(floor)
            ratio = app.median_ms / sql.median_ms
            rows.append(
                f"| {label} | {n_rows} | {n_queries} | {app.median_ms:.1f} / {app.best_ms:.1f} "
                f"| {sql.median_ms:.1f} / {sql.best_ms:.1f} | {ratio:.2f} |"
            )
            print(
                f"{label.split(';')[0]}: {n_rows} rows, {n_queries} queries, {app.median_ms:.1f} ms "
                f"(median), floor {sql.median_ms:.1f} ms, ratio {ratio:.2f}"
            )
        after = load_average()
        if args.synth is not None:
            data = (
                f"`finsam synth --scale {args.synth:g} --seed 1` data (last year {YEAR}): "
                f"{associations} förbund, {total} participations ({mistakes} registered by mistake) "
                f"with {entries} income-source entries, written through the participant import, whose "
                f"hook filled the summaries (`finsam rebuild-statistics` then found no cell differing "
                + (
                    "from the rows when the data were built; kept from that run, `--keep`)."
                    if reused
                    else f"from the rows: {rebuilt:.1f} s)."
                )
            )
        else:
            data = (
                f"The benchmark's own data: {ASSOCIATIONS} förbund, {total} participations "
                f"{FIRST_YEAR}–{YEAR} ({mistakes} registered by mistake) with {entries} income-source "
                f"entries, bulk loaded; the summaries built from the rows by the rebuild service in "
                f"{rebuilt:.1f} s."
            )
        lines = [
            f"## Follow-up statistics from the summary tables, {database}"
            + (f", `finsam synth --scale {args.synth:g}`" if args.synth is not None else ", own data"),
            "",
            f"`bench/bench_statistics.py{f' --synth {args.synth:g}' if args.synth is not None else ''}`, "
            f"recorded {environment(database)}. {data} The year measured is {YEAR}; the förbund measured is "
            f"the largest ({own_total} participations). Rows are the participations behind the compared "
            f"counts (started plus exited in {YEAR}; for the economy, people taking part at some time in "
            f"{YEAR}). The floor is one SQL query over the participation rows giving the core counts; "
            "before timing, its counts are checked against the selectors' unsuppressed ones, and every cell "
            f"the national statistics show against the floor ({hidden} of the {inner} inner cells of the "
            "national started/exited tables are hidden). The statistics do more than the floor (every "
            "table, suppression, regions, the API's JSON) but read the summary tables, not the rows. What "
            "is built (the tables after suppression, and the API's JSON) is kept in the process under the "
            "summaries' stamps, which every write that changes a cell sets anew: a repeated request reads "
            'the stamps and the names; the rows "the first request after the counts changed" drop what is '
            "kept (and the suppression's cache) before every request, as after a write. Times "
            "are the median and the best of repeated runs; the ratio is taken from the medians. Load "
            f"average (1, 5, 15 min) {before} before the timings, {after} after.",
            "",
            "| measurement | rows | queries | statistics, ms (median / best) "
            "| one SQL query over the rows, ms (median / best) | ratio |",
            "|---|---:|---:|---:|---:|---:|",
            *rows,
        ]
        key = "statistics-" + ("postgresql" if postgresql else "sqlite")
        if args.synth is not None:
            key += f"-synth-{args.synth:g}"
        write_section(key, "\n".join(lines))


if __name__ == "__main__":
    main()
