"""The demo's handbook: the chapters of the council's handbook, written by the working group's demo user,
with the pages the förbund need most and a page saved twice so that history and difference show."""

from __future__ import annotations

import io
from typing import Any

import pytest

from finsam.core.rulebook import CODE_PATTERN, rule_for
from finsam.national.handbook.demo import handbook_step
from finsam.national.handbook.models import HandbookChapter, HandbookPage, HandbookVersion
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def test_the_demo_handbook_follows_the_councils_chapters_and_covers_the_key_rules(demo_data: Any) -> None:
    assert list(HandbookChapter.objects.values_list("title", flat=True)) == [
        "Bakgrund och begrepp",
        "Syftet",
        "Lagen",
        "Styrning",
        "Ekonomi",
        "Uppföljning",
    ]
    text = {page.slug: page.body for page in HandbookPage.objects.all()}
    assert {"R-BUDGET", "R-SHARES"} <= set(CODE_PATTERN.findall(text["budgetprocessen"]))
    assert "30 november" in text["budgetprocessen"]
    assert {f"R-SAMRAD-{n}" for n in range(1, 7)} <= set(CODE_PATTERN.findall(text["medlemssamrad"]))
    assert {"R-CONSENT", "R-FOLLOWUP", "R-SUPPRESS"} <= set(
        CODE_PATTERN.findall(text["uppfoljning-och-samtycke"])
    )
    every_code = {code for body in text.values() for code in CODE_PATTERN.findall(body)}
    assert all(rule_for(code) is not None for code in every_code), every_code


def test_every_demo_page_is_written_by_the_working_group_and_one_has_two_versions(demo_data: Any) -> None:
    author = demo_data.users["arbetsgrupp"]
    assert not HandbookVersion.objects.exclude(author=author).exists()
    budget = HandbookPage.objects.get(slug="budgetprocessen")
    assert budget.version == 2
    assert list(budget.versions.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_running_the_step_again_adds_nothing(demo_data: Any) -> None:
    before = HandbookVersion.objects.count()
    handbook_step(type(demo_data)(password="x", out=io.StringIO(), users=demo_data.users))
    assert HandbookVersion.objects.count() == before


def test_the_member_consultation_page_links_to_the_councils_recommendation(demo_data: Any) -> None:
    from django.test import Client
    from django.urls import reverse

    from finsam.national.council.models import Recommendation

    recommendation = Recommendation.objects.get(title="Nationella rådets rekommendation om medlemssamråd")
    url = reverse("national:recommendation_detail", args=[recommendation.pk])
    client = Client()
    sign_in(client, demo_data.users["umea-chef"])
    page = client.get(reverse("national:handbook_page", kwargs={"slug": "medlemssamrad"})).content.decode()
    assert f'href="{url}"' in page
    assert client.get(url).status_code == 200
