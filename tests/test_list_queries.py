"""The query count of every list page and API list operation does not grow with the data (issue 11,
point 5): each is read with some rows, then again after twice as many more were added, and takes the
same number of queries both times. An N+1 (a query per row) or a list read row by row cannot come back
unnoticed. The national lists grow by förbund (each with its members, board, an intervention and a
participant); a förbund's lists grow by the rows they list.

Pinned in the modules of their apps and not repeated here: the participant list (page and API,
tests/followup), the registry's board and people pages (tests/registry/test_views.py), the budget list
and finance overview (tests/finance), the meeting list (tests/governance), the helpdesk and conference
lists (tests/national), the interventions API (tests/interventions) and the statistics and national
report (tests/statistics).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import count
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from finsam.core.access import SYSTEM
from finsam.core.roles import Role
from finsam.registry.models import Director, Member, MemberRepresentative, Municipality, Person
from tests.factories import (
    PASSWORD,
    followup_sample,
    make_association,
    make_budget,
    make_consultation,
    make_document,
    make_intervention,
    make_populations,
    sign_in,
    token_for,
)

pytestmark = pytest.mark.django_db

_n = count(1)


# --- growing the data ------------------------------------------------------------------------------


def more_forbund(world: Any, n: int) -> None:
    for _ in range(n):
        association = make_association(municipalities=("2480", "2460"))
        followup_sample(association)


def more_interventions(world: Any, n: int) -> None:
    for _ in range(n):
        make_intervention(world.own, name=f"Insats {next(_n)}", start=date(2024, 1, 1))


def more_members(world: Any, n: int) -> None:
    taken = set(world.own.members.values_list("municipality_id", flat=True))
    free = Municipality.objects.exclude(pk__in=[pk for pk in taken if pk]).order_by("code")[:n]
    Member.objects.bulk_create(
        Member(association=world.own, kind="municipality", municipality=m, joined=date(2015, 1, 1))
        for m in free
    )


def more_directors(world: Any, n: int) -> None:
    for _ in range(n):
        i = next(_n)
        person = Person.objects.create(first_name="Chef", last_name=f"Tidigare{i}", association=world.own)
        Director.objects.create(
            association=world.own,
            person=person,
            start=date(1990 + i % 10, 1, 1),
            end=date(1990 + i % 10, 12, 31),
        )


def more_representatives(world: Any, n: int) -> None:
    members = list(world.own.members.all())
    for k in range(n):
        i = next(_n)
        person = Person.objects.create(first_name="Rep", last_name=f"Tidigare{i}", association=world.own)
        MemberRepresentative.objects.create(
            member=members[k % len(members)], person=person, start=date(2006, 1, 1), end=date(2007, 1, 1)
        )


def more_charters(world: Any, n: int) -> None:
    from finsam.registry.models import Charter

    latest = Charter.objects.filter(association=world.own).order_by("-version").first()
    assert latest is not None
    for k in range(1, n + 1):
        Charter.objects.create(
            association=world.own,
            version=latest.version + k,
            adopted=date(2010 + latest.version + k, 1, 1),
            valid_from=date(2010 + latest.version + k, 1, 1),
        )


def more_budgets(world: Any, n: int) -> None:
    have = set(world.own.budgets.values_list("year", flat=True))
    years = [y for y in range(2010, 2040) if y not in have][:n]
    for year in years:
        make_populations(world.own, year - 2)
        make_budget(world.own, year=year)


def more_meetings(world: Any, n: int) -> None:
    for _ in range(n):
        make_consultation([world.own], day=date(2024, 1, 1 + next(_n) % 28), title=f"Samråd {next(_n)}")


def more_documents(world: Any, n: int) -> None:
    for _ in range(n):
        make_document(world.own, year=2000 + next(_n) % 25)


def more_questions(world: Any, n: int) -> None:
    from finsam.followup.models import FollowUpQuestion

    FollowUpQuestion.objects.bulk_create(
        FollowUpQuestion(association=world.own, text=f"Fråga {next(_n)}?", answer_kind="scale")
        for _ in range(n)
    )


def more_recommendations(world: Any, n: int) -> None:
    from finsam.national.council import services

    for _ in range(n):
        services.recommendation_create(
            actor=SYSTEM,
            kind="recommendation",
            title=f"Rekommendation {next(_n)}",
            date=date(2017, 3, 1),
            status="published",
            text="## Rekommendation\n\n- Minst ett medlemssamråd årligen.",
            rule_codes=["R-SAMRAD"],
        )


def more_handbook_pages(world: Any, n: int) -> None:
    from finsam.national.handbook import services

    for _ in range(n):
        i = next(_n)
        chapter = services.chapter_create(
            actor=SYSTEM, number=100 + i, title=f"Kapitel {i}", slug=f"kapitel-{i}"
        )
        for p in (1, 2):
            services.page_create(
                actor=SYSTEM,
                chapter=chapter,
                number=p,
                title=f"Sida {i}.{p}",
                slug=f"sida-{i}-{p}",
                body="Senast 30 november (R-BUDGET).",
            )


def more_audit_entries(world: Any, n: int) -> None:
    from finsam.core import audit
    from finsam.registry.audit_actions import AuditAction

    for _ in range(n):
        audit.record(
            actor=SYSTEM, action=AuditAction.ASSOCIATION_UPDATE, target=world.own, association_id=world.own.pk
        )


def more_audit_entries_of_every_kind(world: Any, n: int) -> None:
    """Entries naming objects of many kinds (each a new object): the log describes them a kind at a time."""
    from finsam.core import audit
    from finsam.finance.audit_actions import AuditAction as FinanceAction
    from finsam.followup.audit_actions import AuditAction as FollowupAction
    from finsam.governance.audit_actions import AuditAction as GovernanceAction
    from finsam.governance.models import Minutes
    from finsam.interventions.audit_actions import AuditAction as InterventionAction
    from finsam.registry.audit_actions import AuditAction as RegistryAction

    admin = world.users[Role.ASSOCIATION_ADMIN]
    have = set(world.own.budgets.values_list("year", flat=True))
    years = [y for y in range(2010, 2040) if y not in have][:n]
    for year in years:
        i = next(_n)
        meeting = make_consultation([world.own], day=date(2024, 1, 1 + i % 28), title=f"Samråd {i}")
        minutes = Minutes.objects.create(meeting=meeting)
        make_populations(world.own, year - 2)
        budget = make_budget(world.own, year=year)
        intervention = make_intervention(world.own, name=f"Insats {i}", start=date(2024, 1, 1))
        person = Person.objects.create(first_name="Anna", last_name=f"Berg {i}", association=world.own)
        participant = followup_sample(make_association(municipalities=("2480",))).participant
        for action, target in (
            (GovernanceAction.MINUTES_LOCK, minutes),
            (GovernanceAction.MEETING_UPDATE, meeting),
            (FinanceAction.BUDGET_UPDATE, budget),
            (InterventionAction.INTERVENTION_UPDATE, intervention),
            (RegistryAction.PERSON_UPDATE, person),
            (FollowupAction.PARTICIPANT_IDENTITY_READ, participant),
        ):
            audit.record(actor=admin, action=action, target=target, association_id=world.own.pk)


def more_todo(world: Any, n: int) -> None:
    """What the home page lists: meetings coming, questions to the working group, imports with errors."""
    from datetime import timedelta

    from django.utils import timezone

    from finsam.imports.models import ImportRun
    from tests.national.helpdesk_samples import ask

    today = timezone.localdate()
    for _ in range(n):
        i = next(_n)
        make_consultation([world.own], day=today + timedelta(days=i % 60 + 1), title=f"Samråd {i}")
        ask(world.own, title=f"Fråga {i}")
        ImportRun.objects.create(association=world.own, status="refused", error_count=i)
    if not world.own.budgets.filter(year=today.year).exists():
        make_populations(world.own, today.year - 2)
        make_budget(world.own, year=today.year)


# --- the lists ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    role: str
    path: str  # {own}: the first förbund's id
    grow: Callable[[Any, int], None]
    api: bool = False

    def url(self, world: Any) -> str:
        return self.path.format(own=world.own.pk)


LISTINGS: dict[str, Listing] = {
    # national lists: one row per förbund
    "home": Listing(Role.NATIONAL_VIEWER, "/", more_forbund),
    "association list page": Listing(Role.NATIONAL_VIEWER, "/register/forbund/", more_forbund),
    "association list api": Listing(Role.NATIONAL_VIEWER, "/api/v1/associations", more_forbund, api=True),
    "national overview": Listing(Role.NATIONAL_ADMIN, "/styrning/nationell-oversikt/", more_forbund),
    "national dashboard": Listing(Role.NATIONAL_ADMIN, "/nationellt/oversikt/", more_forbund),
    "open data index": Listing(Role.NATIONAL_VIEWER, "/open-data/", more_forbund),
    "audit log": Listing(Role.NATIONAL_ADMIN, "/granskningslogg/", more_audit_entries),
    "audit log in words": Listing(Role.NATIONAL_ADMIN, "/granskningslogg/", more_audit_entries_of_every_kind),
    "audit log of the auditor": Listing(Role.AUDITOR, "/granskningslogg/", more_audit_entries_of_every_kind),
    "home of the director": Listing(Role.ASSOCIATION_ADMIN, "/", more_todo),
    "home of the working group": Listing(Role.NATIONAL_ADMIN, "/", more_todo),
    "home of the coordinator": Listing(Role.PARTICIPANT_COORDINATOR, "/", more_todo),
    "home of the auditor": Listing(Role.AUDITOR, "/", more_todo),
    "home of the board": Listing(Role.BOARD_MEMBER, "/", more_todo),
    # a förbund's lists
    "association page": Listing(Role.ASSOCIATION_ADMIN, "/register/forbund/{own}/", more_members),
    "members api": Listing(
        Role.ASSOCIATION_ADMIN, "/api/v1/associations/{own}/members", more_members, api=True
    ),
    "board api": Listing(Role.ASSOCIATION_ADMIN, "/api/v1/associations/{own}/board", more_forbund, api=True),
    "charters page": Listing(
        Role.ASSOCIATION_ADMIN, "/register/forbund/{own}/forbundsordning/", more_charters
    ),
    "directors page": Listing(
        Role.ASSOCIATION_ADMIN, "/register/forbund/{own}/forbundschef/", more_directors
    ),
    "representatives page": Listing(
        Role.ASSOCIATION_ADMIN, "/register/forbund/{own}/medlemsrepresentanter/", more_representatives
    ),
    "interventions page": Listing(Role.ASSOCIATION_ADMIN, "/insatser/forbund/{own}/", more_interventions),
    "budgets api": Listing(
        Role.ASSOCIATION_ADMIN, "/api/v1/associations/{own}/budgets", more_budgets, api=True
    ),
    "meetings api": Listing(
        Role.ASSOCIATION_ADMIN, "/api/v1/associations/{own}/meetings", more_meetings, api=True
    ),
    "obligations api": Listing(
        Role.ASSOCIATION_ADMIN, "/api/v1/associations/{own}/obligations", more_documents, api=True
    ),
    "documents page": Listing(Role.ASSOCIATION_ADMIN, "/styrning/forbund/{own}/dokument/", more_documents),
    "annual cycle": Listing(Role.ASSOCIATION_ADMIN, "/styrning/forbund/{own}/arscykel/", more_meetings),
    "follow-up questions page": Listing(
        Role.ASSOCIATION_ADMIN, "/uppfoljning/forbund/{own}/fragor/", more_questions
    ),
    # national support: lists of the whole country
    "council page": Listing(Role.ASSOCIATION_ADMIN, "/nationellt/radet/", more_recommendations),
    "council api": Listing(
        Role.ASSOCIATION_ADMIN, "/api/v1/council/recommendations", more_recommendations, api=True
    ),
    "handbook page": Listing(Role.AUDITOR, "/nationellt/handbok/", more_handbook_pages),
    "handbook api": Listing(Role.AUDITOR, "/api/v1/handbook/pages", more_handbook_pages, api=True),
    "questions api": Listing(Role.NATIONAL_ADMIN, "/api/v1/questions", more_forbund, api=True),
    "conferences api": Listing(Role.ASSOCIATION_ADMIN, "/api/v1/conferences", more_forbund, api=True),
}


def queries(listing: Listing, world: Any) -> int:
    user = world.users[listing.role]
    client = Client()
    headers = {}
    if listing.api:
        headers["Authorization"] = f"Bearer {token_for(username=user.username, password=PASSWORD)}"
    else:
        sign_in(client, user)
    url = listing.url(world)
    assert client.get(url, headers=headers).status_code == 200  # warms the session and the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", list(LISTINGS))
def test_a_list_takes_as_many_queries_with_three_times_the_rows(world: Any, name: str) -> None:
    listing = LISTINGS[name]
    listing.grow(world, 1)
    with_some = queries(listing, world)
    listing.grow(world, 2)
    with_three_times = queries(listing, world)

    assert with_three_times == with_some, f"{name}: {with_some} queries, then {with_three_times}"
