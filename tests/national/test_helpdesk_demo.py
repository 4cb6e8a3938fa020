"""The help desk part of `finsam demo`: questions from the Västerbotten förbund in every status, a few
published to the public FAQ, and a second run that adds nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from finsam import demo
from finsam.national.helpdesk.demo import helpdesk_step
from finsam.national.helpdesk.models import FaqEntry, Question
from finsam.national.helpdesk.schemas import QuestionCategory, QuestionStatus

pytestmark = pytest.mark.django_db

STEPS = [
    demo.Step("Förbund", demo.registry_step),
    demo.Step("Användare", demo.users_step),
    demo.Step("Frågor", helpdesk_step),
]


def build() -> Any:
    return demo.build(out=io.StringIO(), password="demo-lösenord-123", show_progress=False, steps=STEPS)


def test_the_demo_has_questions_in_every_status_and_a_public_faq() -> None:
    ctx = build()
    assert set(Question.objects.values_list("status", flat=True)) == set(QuestionStatus.values)
    assert {
        QuestionCategory.LAW,
        QuestionCategory.ECONOMY,
        QuestionCategory.ORGANISATION,
        QuestionCategory.FOLLOWUP,
    } <= set(Question.objects.values_list("category", flat=True))
    assert Question.objects.filter(association=ctx.associations["umea"]).count() >= 5
    assert FaqEntry.objects.filter(published=True).count() == 3
    page = Client().get("/nationellt/fragor-och-svar/").content.decode()
    assert "Hur stort eget kapital är rimligt att ha kvar vid årets slut?" in page
    assert "Umeåregionen" not in page and "Burström" not in page


def test_running_the_demo_again_adds_nothing() -> None:
    build()
    before = (Question.objects.count(), FaqEntry.objects.count())
    build()
    assert (Question.objects.count(), FaqEntry.objects.count()) == before
