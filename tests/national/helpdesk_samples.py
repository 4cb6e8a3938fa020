"""Help desk data for the tests and the access matrix: a question of a förbund, answered by the working
group, with an attachment, and a published FAQ entry."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from finsam.core.roles import Role
from finsam.national.handbook.models import HandbookChapter, HandbookPage
from finsam.national.helpdesk import services
from finsam.national.helpdesk.models import FaqEntry, Question
from tests.factories import MINIMAL_PDF, make_user

SAMPLE_TITLE = "Får förbundet finansiera insatser för unga vuxna?"


def pdf(name: str = "underlag.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def working_group_member() -> Any:
    """A user of the working group (national_admin), made once."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username="arbetsgrupp-prov").first()
    return user or make_user("arbetsgrupp-prov", **{Role.NATIONAL_ADMIN: True})


def asker_of(association: Any) -> Any:
    """A director (association_admin) of the förbund, made once per förbund."""
    from django.contrib.auth import get_user_model

    username = f"chef-prov-{association.pk}"
    user = get_user_model().objects.filter(username=username).first()
    return user or make_user(username, **{Role.ASSOCIATION_ADMIN: association})


def ask(association: Any, *, asker: Any | None = None, title: str = SAMPLE_TITLE, **extra: Any) -> Question:
    values = {
        "category": "law",
        "body": "Vi undrar om förbundet får finansiera en insats för unga vuxna 18–24 år.",
        **extra,
    }
    return services.question_ask(
        actor=asker or asker_of(association), association_id=association.pk, title=title, **values
    )


def helpdesk_sample(association: Any) -> Any:
    """The same answered question (with an attachment) of the förbund on every call, and a published FAQ
    entry: the access matrix's samples."""
    question = Question.objects.filter(association=association, title=SAMPLE_TITLE).first()
    if question is None:
        question = ask(association, attachment=pdf())
        services.question_respond(
            actor=working_group_member(), question=question, kind="answer", body="Ja, om samordnad."
        )
        question.refresh_from_db()
    entry = FaqEntry.objects.filter(published=True).first()
    if entry is None:
        entry = services.faq_publish(
            actor=working_group_member(),
            question=question,
            category="law",
            title="Unga vuxna i insatser",
            question_text="Får ett förbund finansiera en insats för unga vuxna?",
            answer_text="Ja, om insatsen är samordnad mellan minst två av parterna.",
        )
    return SimpleNamespace(question=question, attachment=question.attachments.first(), faq=entry)


def handbook_sample() -> HandbookPage:
    from django.utils import timezone

    chapter, _ = HandbookChapter.objects.get_or_create(
        number=3, defaults={"title": "Lagen om finansiell samordning", "slug": "lagen"}
    )
    page, _ = HandbookPage.objects.get_or_create(
        slug="parterna",
        defaults={
            "chapter": chapter,
            "number": 1,
            "title": "Parterna i ett samordningsförbund",
            "body": "Försäkringskassan, Arbetsförmedlingen, region och kommun är **parter** i förbundet.",
            "updated_at": timezone.now(),
        },
    )
    return page
