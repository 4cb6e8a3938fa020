"""Search across the questions a user may see, the public FAQ and the handbook: PostgreSQL full-text search
with the Swedish configuration and ranking, a simpler every-word search on SQLite."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from finsam.core.roles import Role
from finsam.national.helpdesk import rules, selectors, services
from tests.national.helpdesk_samples import ask, handbook_sample

pytestmark = pytest.mark.django_db
GROUP = Role.NATIONAL_ADMIN
DIRECTOR = Role.ASSOCIATION_ADMIN


@pytest.fixture
def corpus(world: Any) -> Any:
    own = ask(
        world.own,
        asker=world.users[DIRECTOR],
        title="Budgetsamråd med medlemmarna",
        body="När ska budgetsamrådet hållas med medlemmarna?",
        category="economy",
    )
    mentions = ask(
        world.own,
        asker=world.users[DIRECTOR],
        title="Protokoll från styrelsen",
        body="Gäller samma regler för budgetsamrådet som för styrelsens protokoll?",
    )
    other = ask(
        world.other,
        asker=world.outsiders[DIRECTOR],
        title="Budgetsamråd i ett annat förbund",
        body="Budgetsamrådet hos oss.",
    )
    services.question_respond(actor=world.users[GROUP], question=own, kind="answer", body="Före 30 november.")
    own.refresh_from_db()
    faq = services.faq_publish(
        actor=world.users[GROUP],
        question=own,
        category="economy",
        title="När hålls budgetsamrådet?",
        question_text="När ska ett förbund hålla budgetsamråd med medlemmarna?",
        answer_text="Innan styrelsen fastställer budgeten, senast 30 november.",
    )
    page = handbook_sample()
    page.body = "Budgetsamrådet hålls med alla medlemmar innan budgeten fastställs."
    page.save()
    return {"own": own, "mentions": mentions, "other": other, "faq": faq, "page": page}


def titles(hits: list[Any]) -> list[str]:
    return [hit.title for hit in hits]


def test_a_forbunds_user_finds_its_own_questions_the_faq_and_the_handbook_but_not_another_forbunds(
    world: Any, corpus: Any
) -> None:
    results = selectors.search(user=world.users[Role.AUDITOR], query="budgetsamrådet")
    assert corpus["other"].title not in titles(results.questions)
    assert corpus["own"].title in titles(results.questions)
    assert titles(results.faq) == ["När hålls budgetsamrådet?"]
    assert titles(results.handbook) == [corpus["page"].title]


def test_the_working_group_finds_every_forbunds_questions(world: Any, corpus: Any) -> None:
    results = selectors.search(user=world.users[GROUP], query="budgetsamrådet")
    assert corpus["other"].title in titles(results.questions)


def test_the_council_and_anonymous_visitors_get_no_questions(world: Any, corpus: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    council = selectors.search(user=world.users[Role.NATIONAL_VIEWER], query="budgetsamrådet")
    assert council.questions == [] and council.faq
    anonymous = selectors.search(user=AnonymousUser(), query="budgetsamrådet")
    assert anonymous.questions == [] and anonymous.handbook == [] and anonymous.faq


def test_the_search_page_links_each_hit_and_the_handbook_page_opens(world: Any, corpus: Any) -> None:
    client = world.client(world.users[DIRECTOR])
    page = client.get(reverse("national:helpdesk_search"), {"q": "budgetsamrådet"}).content.decode()
    handbook_url = reverse("national:handbook_page", kwargs={"slug": corpus["page"].slug})
    assert reverse("national:helpdesk_question_detail", args=[corpus["own"].pk]) in page
    assert reverse("national:faq_detail", args=[corpus["faq"].pk]) in page
    assert handbook_url in page
    assert "<mark>" in page
    assert corpus["page"].title in client.get(handbook_url).content.decode()


def test_the_public_faq_page_searches_the_faq_only(world: Any, corpus: Any) -> None:
    page = world.client(None).get(reverse("national:faq_list"), {"q": "budgetsamrådet"}).content.decode()
    assert "När hålls budgetsamrådet?" in page
    assert corpus["own"].title not in page and corpus["page"].title not in page


def test_an_empty_search_finds_nothing(world: Any, corpus: Any) -> None:
    assert selectors.search(user=world.users[GROUP], query='  "  ').count == 0


def test_the_database_s_own_search_answers(world: Any, corpus: Any) -> None:
    """PostgreSQL searches with the Swedish configuration and ranks; SQLite, the embedded default, has the
    simple search. Each database is held to its own behaviour, so neither run skips a test."""
    if connection.vendor == "postgresql":
        _postgresql_stems_and_ranks(world, corpus)
    else:
        _sqlite_matches_every_word_and_puts_title_hits_first(world, corpus)


def _sqlite_matches_every_word_and_puts_title_hits_first(world: Any, corpus: Any) -> None:
    results = selectors.search(user=world.users[DIRECTOR], query="budgetsamråd medlemmarna")
    assert titles(results.questions) == [corpus["own"].title]
    results = selectors.search(user=world.users[DIRECTOR], query="protokoll budgetsamrådet")
    assert titles(results.questions) == [corpus["mentions"].title]
    results = selectors.search(user=world.users[DIRECTOR], query="budgetsamråd")
    assert titles(results.questions) == [corpus["own"].title, corpus["mentions"].title], "title hits first"


def _postgresql_stems_and_ranks(world: Any, corpus: Any) -> None:
    body_only = ask(
        world.own, asker=world.users[DIRECTOR], title="Ett annat ärende", body="En fråga från medlemmarna."
    )
    # "medlemmar" finds "medlemmarna" through the Swedish stemmer; a title hit (weight A) outranks a hit in
    # the text only (weight B).
    results = selectors.search(user=world.users[DIRECTOR], query="medlemmar")
    assert titles(results.questions) == [corpus["own"].title, body_only.title]
    # websearch syntax: a minus leaves out what has the word.
    results = selectors.search(user=world.users[DIRECTOR], query="medlemmar -budgetsamråd")
    assert titles(results.questions) == [body_only.title]
    assert ("medlemmarna", True) in results.questions[0].snippet, "the headline marks the hit"


def test_a_snippet_marks_the_hits_and_keeps_the_text_plain() -> None:
    pieces = rules.snippet("Ett <b>budgetsamråd</b> hålls", ["budgetsamråd"])
    assert ("budgetsamråd", True) in pieces
    assert "".join(text for text, _ in pieces) == "Ett <b>budgetsamråd</b> hålls"
    assert rules.marked_pieces("a ⟦b⟧ c", "⟦", "⟧") == [("a ", False), ("b", True), (" c", False)]
