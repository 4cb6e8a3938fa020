"""The home page per role (issue 13, point 9): what needs doing (the annual cycle's obligations due and
overdue, questions awaiting the working group's answer, imports with errors, budget consultations to
hold, meetings coming), the förbund's key figures and the ways onward. Its query count is pinned in
tests/test_list_queries.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from finsam.core import money
from finsam.core.roles import Role
from finsam.imports.models import ImportRun
from tests.factories import followup_sample, make_budget, make_consultation, make_populations
from tests.national.helpdesk_samples import ask

pytestmark = pytest.mark.django_db


def _home(world: Any, role: str) -> str:
    response = world.client(world.users[role]).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode().split("<main", 1)[1]


def test_the_director_sees_what_needs_doing_and_the_forbund_s_key_figures(world: Any) -> None:
    today = timezone.localdate()
    followup_sample(world.own)  # one participation, ongoing
    make_populations(world.own, today.year - 2)
    this_year = make_budget(world.own, year=today.year, frame="1500000.00")
    make_populations(world.own, today.year - 1)
    next_year = make_budget(world.own, year=today.year + 1)
    meeting = make_consultation([world.own], day=today + timedelta(days=10), title="Vårens medlemssamråd")

    page = _home(world, Role.ASSOCIATION_ADMIN)
    # Key figures of the förbund.
    assert f"Pågående deltaganden {today.year}" in page
    assert (
        f'href="{reverse("finance:budget_detail", args=[this_year.pk])}">{money.format_tkr(1500000)}</a>'
        in page
    )
    assert "Eget kapital vid årets slut" in page
    # What needs doing: the annual cycle's obligations, with the overdue ones marked.
    assert "Årscykelns skyldigheter" in page and "Försenad" in page
    assert reverse("governance:annual_cycle", args=[world.own.pk]) in page
    # The consultations on next year's budget not yet held, by member.
    assert "Budgetsamråd att hålla" in page
    assert (
        f'href="{reverse("finance:budget_detail", args=[next_year.pk])}">Budget {today.year + 1}</a>' in page
    )
    # The meetings coming.
    assert (
        f'href="{reverse("governance:meeting_detail", args=[meeting.pk])}">Vårens medlemssamråd</a>' in page
    )


def test_the_working_group_sees_the_questions_awaiting_its_answer(world: Any) -> None:
    question = ask(world.own, title="Hur räknas medlemsavgiften?")
    page = _home(world, Role.NATIONAL_ADMIN)
    assert "1 fråga väntar på svar" in page
    link = reverse("national:helpdesk_question_detail", args=[question.pk])
    assert f'href="{link}">Hur räknas medlemsavgiften?</a>' in page
    # The förbund's own users do not answer: no such list for them.
    assert "väntar på svar" not in _home(world, Role.ASSOCIATION_ADMIN)


def test_the_coordinator_sees_the_imports_with_errors(world: Any) -> None:
    run = ImportRun.objects.create(association=world.own, status="refused", error_count=3)
    ImportRun.objects.create(association=world.own, status="done")
    page = _home(world, Role.PARTICIPANT_COORDINATOR)
    assert "Inläsningar med fel" in page
    assert reverse("imports:import_run", args=[run.pk]) in page and "3 fel" in page
    assert "Inläsningar med fel" not in _home(world, Role.AUDITOR)


def test_the_auditor_sees_the_key_figures_and_nothing_to_write(world: Any) -> None:
    today = timezone.localdate()
    make_populations(world.own, today.year - 2)
    make_budget(world.own, year=today.year)
    make_populations(world.own, today.year - 1)
    make_budget(world.own, year=today.year + 1)
    page = _home(world, Role.AUDITOR)
    assert f"Budget {today.year}" in page and f"Pågående deltaganden {today.year}" in page
    assert "Budgetsamråd att hålla" not in page  # the administration holds them
    assert f'href="{reverse("audit_log")}"' in page
    assert reverse("statistics:statistics_association", args=[world.own.pk]) in page


def test_a_member_representative_sees_no_figures_it_may_not_read(world: Any) -> None:
    today = timezone.localdate()
    make_populations(world.own, today.year - 2)
    make_budget(world.own, year=today.year)
    page = _home(world, Role.MEMBER_REPRESENTATIVE)
    assert world.own.name in page
    assert "Pågående deltaganden" not in page and f"Budget {today.year}" not in page


def test_a_user_of_another_forbund_sees_nothing_of_this_one(world: Any) -> None:
    ask(world.own, title="Hur räknas medlemsavgiften?")
    ImportRun.objects.create(association=world.own, status="refused", error_count=3)
    make_consultation(
        [world.own], day=timezone.localdate() + timedelta(days=10), title="Vårens medlemssamråd"
    )
    response = world.client(world.outsiders[Role.ASSOCIATION_ADMIN]).get(reverse("home"))
    page = response.content.decode()
    assert world.own.name not in page and "Vårens medlemssamråd" not in page
    assert "medlemsavgiften" not in page


# The home page's queries per role, with its lists full: the session and user, the roles, and a few per
# section. They do not grow with the data (tests/test_list_queries.py); this pins how many they are.
QUERY_BUDGET = 30


@pytest.mark.parametrize("role", list(Role))
def test_the_home_page_reads_in_a_bounded_number_of_queries(world: Any, role: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    followup_sample(world.own)
    make_populations(world.own, today.year - 2)
    make_budget(world.own, year=today.year)
    make_consultation([world.own], day=today + timedelta(days=10), title="Vårens medlemssamråd")
    ask(world.own, title="Hur räknas medlemsavgiften?")
    ImportRun.objects.create(association=world.own, status="refused", error_count=3)
    client = world.client(world.users[role])
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    assert len(captured) <= QUERY_BUDGET, f"{role}: {len(captured)} queries"
