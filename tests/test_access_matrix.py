"""The access matrix: every URL pattern and every API operation, with anonymous, each role of the own
association, a user of another association, and a signed-in user without roles.

A page view must carry a `page_access` rule and an API operation an `x-access` rule in the OpenAPI
document; an endpoint added without one fails here. URL parameters get sample values from SAMPLES; a
new parameter name needs a sample before the matrix can reach it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from finsam.api import api
from finsam.core.decorators import AUTHENTICATED, PUBLIC, AccessRule
from finsam.core.roles import GRANTS, Capability
from finsam.registry.models import BoardSeat, Director, Member, MemberRepresentative, PartyKind, Person
from tests.factories import followup_sample, governance_sample, make_budget
from tests.national.helpdesk_samples import helpdesk_sample

# Sample values for URL parameters: (own association's object, other association's object).
SAMPLES: dict[str, Callable[[Any], tuple[Any, Any]]] = {
    "association_id": lambda w: (w.own.pk, w.other.pk),
    # A municipality: a member that pays a contribution, so that its contribution letter exists.
    "member_id": lambda w: (
        Member.objects.filter(association=w.own, kind=PartyKind.MUNICIPALITY).first().pk,
        Member.objects.filter(association=w.other, kind=PartyKind.MUNICIPALITY).first().pk,
    ),
    "seat_id": lambda w: (
        BoardSeat.objects.filter(association=w.own).first().pk,
        BoardSeat.objects.filter(association=w.other).first().pk,
    ),
    "director_id": lambda w: (
        Director.objects.filter(association=w.own).first().pk,
        Director.objects.filter(association=w.other).first().pk,
    ),
    "representative_id": lambda w: (
        MemberRepresentative.objects.filter(member__association=w.own).first().pk,
        MemberRepresentative.objects.filter(member__association=w.other).first().pk,
    ),
    "person_id": lambda w: (
        Person.objects.filter(association=w.own).first().pk,
        Person.objects.filter(association=w.other).first().pk,
    ),
    "charter_id": lambda w: (w.own.charters.first().pk, w.other.charters.first().pk),
    "intervention_id": lambda w: (
        followup_sample(w.own).intervention.pk,
        followup_sample(w.other).intervention.pk,
    ),
    "participant_id": lambda w: (
        followup_sample(w.own).participant.pk,
        followup_sample(w.other).participant.pk,
    ),
    "participation_id": lambda w: (
        followup_sample(w.own).participation.pk,
        followup_sample(w.other).participation.pk,
    ),
    "question_id": lambda w: (followup_sample(w.own).question.pk, followup_sample(w.other).question.pk),
    "budget_id": lambda w: (make_budget(w.own).pk, make_budget(w.other).pk),
    "year": lambda w: (make_budget(w.own).year, make_budget(w.other).year),
    "meeting_id": lambda w: (governance_sample(w.own).meeting.pk, governance_sample(w.other).meeting.pk),
    "document_id": lambda w: (governance_sample(w.own).document.pk, governance_sample(w.other).document.pk),
    # The calendar feed authenticates by the secret in its address: the own association admin's.
    "feed_token": lambda w: (
        calendar_token(w.users["association_admin"]),
        calendar_token(w.users["association_admin"]),
    ),
    # A decided allocation of the year, in which both förbund have their row (and letter).
    "allocation_year": lambda w: (allocation_sample(w), allocation_sample(w)),
    "import_run_id": lambda w: (import_run_sample(w.own).pk, import_run_sample(w.other).pk),
    "helpdesk_question_id": lambda w: (
        helpdesk_sample(w.own).question.pk,
        helpdesk_sample(w.other).question.pk,
    ),
    "helpdesk_attachment_id": lambda w: (
        helpdesk_sample(w.own).attachment.pk,
        helpdesk_sample(w.other).attachment.pk,
    ),
    "faq_entry_id": lambda w: (helpdesk_sample(w.own).faq.pk, helpdesk_sample(w.own).faq.pk),
    "slug": lambda w: (handbook_sample().slug, handbook_sample().slug),
    # Conferences and the council's recommendations belong to no förbund: the same for everyone.
    "conference_id": lambda w: (conference_sample().pk, conference_sample().pk),
    "recommendation_id": lambda w: (recommendation_sample().pk, recommendation_sample().pk),
    "council_representative_id": lambda w: (council_representative_sample().pk,) * 2,
    "uidb64": lambda w: ("MQ", "MQ"),
    "handbook_chapter_id": lambda w: (handbook_sample().chapter_id, handbook_sample().chapter_id),
    "handbook_version": lambda w: (handbook_sample().version, handbook_sample().version),
    "code": lambda w: ("R-BUDGET", "R-BUDGET"),
    "token": lambda w: ("set-password", "set-password"),
    # The invitation's password page, reached without a link: it says the link is not valid.
    "invitation_token": lambda w: ("valj-losenord", "valj-losenord"),
    # A role held in the förbund (its auditor's): its page ends it.
    "assignment_id": lambda w: (role_sample(w.own), role_sample(w.other)),
    # An API token of the user without roles: they may revoke it, everyone else finds no such token.
    "token_id": lambda w: (api_token_sample(w), api_token_sample(w)),
}


def role_sample(association: Any) -> int:
    from finsam.accounts.models import RoleAssignment

    return RoleAssignment.objects.get(association=association, role="auditor").pk


def api_token_sample(w: Any) -> int:
    from finsam.accounts.models import ApiToken
    from tests.factories import token_for

    row = ApiToken.objects.filter(user=w.no_role).order_by("pk").first()
    if row is None:
        token_for(username=w.no_role.username, password="test-lösenord-123")
        row = ApiToken.objects.filter(user=w.no_role).order_by("pk").first()
    return row.pk


def calendar_token(user: Any) -> str:
    from finsam.governance.selectors import calendar_token as current
    from finsam.governance.services import calendar_feed_renew

    return current(user=user) or calendar_feed_renew(actor=user)


def allocation_sample(w: Any) -> int:
    from tests.national.allocation_data import YEAR, decision_for

    decision_for([w.own, w.other], YEAR)
    return YEAR


def conference_sample() -> Any:
    """A published conference open for registration, with places."""
    from datetime import timedelta

    from django.utils import timezone

    from finsam.core.access import SYSTEM
    from finsam.national.conferences.models import Conference
    from finsam.national.conferences.services import conference_create

    conference = Conference.objects.filter(title="Matrisens konferens").first()
    if conference is None:
        starts = timezone.now() + timedelta(days=30)
        conference = conference_create(
            actor=SYSTEM,
            title="Matrisens konferens",
            place="Umeå",
            starts_at=starts,
            ends_at=starts + timedelta(hours=6),
            capacity=500,
            registration_closes=timezone.localdate() + timedelta(days=20),
            published=True,
        )
    return conference


def recommendation_sample() -> Any:
    """A published recommendation of the council."""
    from datetime import date

    from finsam.core.access import SYSTEM
    from finsam.national.council.models import Recommendation
    from finsam.national.council.services import recommendation_create

    return Recommendation.objects.filter(status="published").first() or recommendation_create(
        actor=SYSTEM,
        kind="recommendation",
        title="Matrisens rekommendation",
        date=date(2026, 1, 1),
        status="published",
        text="Text.",
        rule_codes=["R-SAMRAD"],
    )


def council_representative_sample() -> Any:
    from datetime import date

    from finsam.core.access import SYSTEM
    from finsam.national.council.models import CouncilRepresentative
    from finsam.national.council.services import organisation_create, representative_create

    return CouncilRepresentative.objects.first() or representative_create(
        actor=SYSTEM,
        name="Anna Andersson",
        organisation=organisation_create(actor=SYSTEM, name="Försäkringskassan", short_name="FK"),
        body="council",
        role="member",
        start=date(2024, 1, 1),
    )


def import_run_sample(association: Any) -> Any:
    """A finished, refused import run of the association, with one error row."""
    from finsam.imports.models import ImportRun, ImportRunError

    run, created = ImportRun.objects.get_or_create(
        association=association, defaults={"status": "refused", "error_count": 1}
    )
    if created:
        ImportRunError.objects.create(run=run, row=2, column="startdatum", message="Ange ett datum.")
    return run


def handbook_sample() -> Any:
    """A page of the handbook (the same for everyone: the handbook is national)."""
    from finsam.core.access import SYSTEM
    from finsam.national.handbook import services
    from finsam.national.handbook.models import HandbookChapter, HandbookPage

    page = HandbookPage.objects.first()
    if page is None:
        chapter = HandbookChapter.objects.first() or services.chapter_create(
            actor=SYSTEM, number=1, title="Bakgrund och begrepp", slug="bakgrund-och-begrepp"
        )
        page = services.page_create(
            actor=SYSTEM, chapter=chapter, number=1, title="Begrepp", slug="begrepp", body="Se R-BUDGET."
        )
    return page


# Views of third-party apps, with the rule that applies to them.
EXTERNAL = {
    "admin": AccessRule(need=Capability.ADMIN_SITE),
}


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry.callback


def _page_routes() -> list[tuple[str, AccessRule]]:
    routes = []
    for route, namespace, callback in _walk(get_resolver().url_patterns):
        if route.startswith("api/"):
            continue
        if namespace in EXTERNAL:
            if route == "admin/":
                routes.append((route, EXTERNAL[namespace]))
            continue
        rule = getattr(callback, "access_rule", None)
        if rule is None:
            rule = getattr(getattr(callback, "view_class", None), "access_rule", None)
        assert rule is not None, f"/{route} has no access rule: decorate its view with page_access(...)"
        routes.append((route, rule))
    return routes


def _fill(route: str, world: Any, which: int) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group("name")
        assert name in SAMPLES, f"add a sample value for the URL parameter {name!r} to SAMPLES"
        return str(SAMPLES[name](world)[which])

    return "/" + re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, re.sub(r"\{(\w+)\}", r"<\1>", route))


def _expected(rule: AccessRule, role: str | None, *, outsider: bool, api: bool) -> set[int]:
    if rule.need == PUBLIC:
        return {200, 302} if not api else {200, 400}
    if role is None:
        return {401} if api else {302}
    if rule.need == AUTHENTICATED:
        # A user's own object (an API token) is found by its owner only: 404 for everyone else.
        return {200, 204, 302} | ({404} if rule.scoped else set())
    granted = role in GRANTS[Capability(rule.need)]
    if not granted:
        return {403}
    if outsider and rule.scoped:
        return {404}
    return {200, 201}


def _users(world: Any) -> Iterator[tuple[str, Any, bool, str | None]]:
    yield "anonymous", None, False, None
    yield "no role", world.no_role, False, "none"
    for role, user in world.users.items():
        yield f"own {role}", user, False, role
    for role, user in world.outsiders.items():
        yield f"other {role}", user, True, role


@pytest.mark.django_db
def test_every_page_answers_each_role_as_its_rule_says(world: Any) -> None:
    failures = []
    for route, rule in _page_routes():
        for label, user, outsider, role in _users(world):
            # Everyone asks for the own association's objects: for an outsider they are another's.
            url = _fill(route, world, 0)
            client = world.client(user)
            for method in rule.methods:
                response = client.get(url) if method == "GET" else client.post(url, {})
                expected = _expected(rule, None if role is None else role, outsider=outsider, api=False)
                if role == "none" and isinstance(rule.need, Capability):
                    expected = {403}
                if method == "POST" and rule.need != PUBLIC and 200 in expected:
                    # Access granted: the empty form itself is refused as bad input.
                    expected = expected | {400}
                if response.status_code not in expected:
                    failures.append(
                        f"{method} {url} as {label}: {response.status_code}, expected {sorted(expected)}"
                    )
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_every_page_answers_a_method_it_does_not_declare_with_405(world: Any) -> None:
    """Before sign-in and capability: the method is refused for anyone, with the declared ones in Allow."""
    failures = []
    for route, rule in _page_routes():
        if route == "admin/":
            continue
        url = _fill(route, world, 0)
        for label, user in (("anonymous", None), ("own association_admin", world.users["association_admin"])):
            client = world.client(user)
            for method in ("GET", "POST", "PUT", "DELETE"):
                if method in rule.methods:
                    continue
                response = client.generic(method, url)
                if response.status_code != 405:
                    failures.append(f"{method} {url} as {label}: {response.status_code}, expected 405")
                elif not set(rule.methods) <= {m.strip() for m in response["Allow"].split(",")}:
                    failures.append(f"{method} {url} as {label}: Allow {response['Allow']!r}")
    assert not failures, "\n".join(failures)


def _api_operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert "x-access" in operation, (
                f"{method.upper()} {path} has no access rule: register it with api_operation"
            )
            operations.append((path, method, operation))
    return operations


@pytest.mark.django_db
def test_every_api_operation_answers_each_role_as_its_rule_says(world: Any) -> None:
    from tests.api.samples import API_BODIES

    failures = []
    for path, method, operation in _api_operations():
        access = operation["x-access"]
        need = access["need"]
        rule = AccessRule(
            need=Capability(need) if need in Capability._value2member_map_ else need, scoped=access["scoped"]
        )
        key = f"{method.upper()} {path}"
        if method != "get":
            assert key in API_BODIES, f"add a sample request body for {key} to tests/api/samples.py"
        for label, user, outsider, role in _users(world):
            url = _fill(path.lstrip("/"), world, 0)
            client = world.client(None)
            headers = {}
            if user is not None:
                from tests.factories import token_for

                headers["HTTP_AUTHORIZATION"] = "Bearer " + token_for(
                    username=user.username, password="test-lösenord-123"
                )
            if method == "get":
                response = client.get(url, **headers)
            else:
                body = API_BODIES[key](world)
                response = client.generic(
                    method.upper(),
                    url,
                    data=__import__("json").dumps(body),
                    content_type="application/json",
                    **headers,
                )
            expected = _expected(rule, role, outsider=outsider, api=True)
            if role == "none" and isinstance(rule.need, Capability):
                expected = {403}
            if response.status_code not in expected:
                failures.append(f"{key} as {label}: {response.status_code}, expected {sorted(expected)}")
    assert not failures, "\n".join(failures)


# --- the auditor (issue 13, point 2): its förbund's audit log, statistics and finance, read-only ------

AUDITOR_PAGES = ("granskningslogg/", "ekonomi/", "uppfoljning/forbund/<int:association_id>/statistik/")


@pytest.mark.django_db
def test_the_auditor_reads_its_forbund_s_audit_log_statistics_and_finance_and_nothing_of_another_s(
    world: Any,
) -> None:
    from django.urls import reverse

    auditor = world.client(world.users["auditor"])
    make_budget(world.own)
    assert auditor.get(reverse("audit_log")).status_code == 200
    own_statistics = reverse("statistics:statistics_association", args=[world.own.pk])
    assert auditor.get(own_statistics).status_code == 200
    assert auditor.get(reverse("statistics:statistics_association", args=[world.other.pk])).status_code == 404
    assert auditor.get(reverse("finance:budget_list", args=[world.own.pk])).status_code == 200
    assert auditor.get(reverse("finance:budget_list", args=[world.other.pk])).status_code == 404
    # The statistics API: the own förbund's figures, and 404 for another's.
    from tests.factories import token_for

    bearer = {
        "HTTP_AUTHORIZATION": "Bearer " + token_for(username="own-auditor", password="test-lösenord-123")
    }
    assert auditor.get("/api/v1/statistics", **bearer).status_code == 200
    assert auditor.get("/api/v1/statistics", {"association": world.other.pk}, **bearer).status_code == 404
    # The menu's Statistik is the förbund's own statistics, not the national figures.
    menu = auditor.get(reverse("home")).content.decode().split("<main", 1)[0]
    assert f'href="{own_statistics}"' in menu
    assert f'href="{reverse("statistics:statistics_national")}"' not in menu


@pytest.mark.django_db
def test_the_auditor_s_pages_show_no_write_controls(world: Any) -> None:
    """Every page of the audit log, finance and statistics the auditor opens: no form that posts, and no
    link to a page the auditor may not open (an edit page, say)."""
    from finsam.core.decorators import may_open

    auditor = world.users["auditor"]
    client = world.client(auditor)
    make_budget(world.own)
    failures, visited = [], set()
    for route, rule in _page_routes():
        if not any(route.startswith(p.split("<")[0]) for p in AUDITOR_PAGES) or "GET" not in rule.methods:
            continue
        if rule.need not in (PUBLIC, AUTHENTICATED) and "auditor" not in GRANTS[Capability(rule.need)]:
            continue
        url = _fill(route, world, 0)
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        visited.add(route)
        main = response.content.decode().split("<main", 1)[1]
        if re.search(r'<form[^>]*method="post"', main, re.I):
            failures.append(f"{url}: a form that posts")
        for href in re.findall(r'href="(/[^"#?]*)', main):
            if not may_open(auditor, href):
                failures.append(f"{url}: a link to {href}")
    assert not failures, "\n".join(failures)
    assert {
        "granskningslogg/",
        "ekonomi/forbund/<int:association_id>/",
        "ekonomi/budget/<int:budget_id>/",
    } | {"uppfoljning/forbund/<int:association_id>/statistik/"} <= visited, sorted(visited)
