"""The help desk (R-NATIONAL): a förbund's users ask the working group, which assigns, answers, asks back
and closes; who sees what; the e-mail notices; publishing to the public FAQ anonymised; refused input."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.national.helpdesk import selectors, services
from finsam.national.helpdesk.models import FaqEntry, Question, QuestionAttachment, QuestionMessage
from finsam.national.helpdesk.rules import MAX_ATTACHMENT_BYTES
from tests.national.helpdesk_samples import ask, pdf

pytestmark = pytest.mark.django_db

DIRECTOR = Role.ASSOCIATION_ADMIN
GROUP = Role.NATIONAL_ADMIN


def detail(question: Question) -> str:
    return reverse("national:helpdesk_question_detail", args=[question.pk])


def post(client: Any, name: str, question: Question, data: dict[str, Any]) -> Any:
    return client.post(reverse(f"national:{name}", args=[question.pk]), data)


# --- the workflow end to end, through the pages ---------------------------------------------------------


def test_a_question_goes_from_new_to_closed_through_the_pages(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    asker = world.client(world.users[Role.BOARD_MEMBER])
    group = world.client(world.users[GROUP])
    with django_capture_on_commit_callbacks(execute=True):
        response = asker.post(
            reverse("national:helpdesk_question_create"),
            {
                "association": world.own.pk,
                "category": "economy",
                "title": "Hur redovisar vi ett överskott?",
                "body": "Rad ett.\nRad två.",
                "attachment": pdf(),
            },
        )
    question = Question.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(question)
    assert (question.status, question.association, question.asker) == (
        "new",
        world.own,
        world.users[Role.BOARD_MEMBER],
    )
    assert question.attachments.get().filename == "underlag.pdf"

    assert (
        post(
            group, "helpdesk_question_assign", question, {"assignee": world.users[GROUP].pk, "version": 1}
        ).status_code
        == 302
    )
    question.refresh_from_db()
    assert (question.status, question.assignee) == ("assigned", world.users[GROUP])

    post(
        group,
        "helpdesk_question_respond",
        question,
        {"kind": "ask_back", "body": "Vilket år gäller det?", "version": question.version},
    )
    question.refresh_from_db()
    assert question.status == "waiting_for_asker"

    post(asker, "helpdesk_question_reply", question, {"body": "Året 2025.", "version": question.version})
    question.refresh_from_db()
    assert question.status == "assigned"

    post(
        group,
        "helpdesk_question_respond",
        question,
        {"kind": "answer", "body": "Så här gör ni.", "version": question.version},
    )
    question.refresh_from_db()
    assert question.status == "answered"

    post(group, "helpdesk_question_close", question, {"version": question.version})
    question.refresh_from_db()
    assert question.status == "closed" and question.closed_at is not None
    assert list(question.messages.values_list("kind", flat=True)) == ["ask_back", "reply", "answer"]
    assert set(
        AuditEntry.objects.filter(action__startswith="helpdesk_question.").values_list("action", flat=True)
    ) == {
        "helpdesk_question.ask",
        "helpdesk_question.assign",
        "helpdesk_question.ask_back",
        "helpdesk_question.reply",
        "helpdesk_question.answer",
        "helpdesk_question.close",
    }

    # The asker and the förbund's director read the status and the answer; the thread keeps line breaks.
    for user in (world.users[Role.BOARD_MEMBER], world.users[DIRECTOR]):
        page = world.client(user).get(detail(question)).content.decode()
        assert "Så här gör ni." in page and "Stängd" in page
        assert "Rad ett.<br>Rad två." in page


def test_a_closed_question_takes_no_more_answers_or_replies(world: Any) -> None:
    question = ask(world.own, asker=world.users[DIRECTOR])
    services.question_close(actor=world.users[GROUP], question=question)
    with pytest.raises(RuleViolation) as refused:
        services.question_respond(actor=world.users[GROUP], question=question, kind="answer", body="Svar")
    assert refused.value.code == "R-HELPDESK-STATUS"
    response = post(
        world.client(world.users[DIRECTOR]),
        "helpdesk_question_reply",
        question,
        {"body": "Mer", "version": 2},
    )
    assert response.status_code == 400 and "Frågan är stängd." in response.content.decode()
    assert not QuestionMessage.objects.exists()


def test_a_question_can_only_be_assigned_to_the_working_group(world: Any) -> None:
    question = ask(world.own, asker=world.users[DIRECTOR])
    response = post(
        world.client(world.users[GROUP]),
        "helpdesk_question_assign",
        question,
        {"assignee": world.users[DIRECTOR].pk, "version": 1},
    )
    assert response.status_code == 400
    question.refresh_from_db()
    assert question.assignee is None and question.status == "new"


def test_an_answer_to_a_question_changed_meanwhile_is_refused_as_a_conflict(world: Any) -> None:
    question = ask(world.own, asker=world.users[DIRECTOR])
    services.question_assign(actor=world.users[GROUP], question=question, assignee_id=world.users[GROUP].pk)
    response = post(
        world.client(world.users[GROUP]),
        "helpdesk_question_respond",
        question,
        {"kind": "answer", "body": "Svar", "version": 1},
    )
    assert response.status_code == 409
    assert not QuestionMessage.objects.exists()


# --- who sees what ---------------------------------------------------------------------------------------


def test_every_user_of_the_forbund_and_the_working_group_see_a_question(world: Any) -> None:
    question = ask(world.own, asker=world.users[Role.AUDITOR])
    for role, user in world.users.items():
        response = world.client(user).get(detail(question))
        if role == Role.NATIONAL_VIEWER:
            assert response.status_code == 403, "the council does not read the questions"
        else:
            assert response.status_code == 200, role
            assert (
                question.title
                in world.client(user).get(reverse("national:helpdesk_question_list")).content.decode()
            )


def test_another_forbunds_user_gets_404_for_the_question_and_its_attachment(world: Any) -> None:
    question = ask(world.own, asker=world.users[DIRECTOR], attachment=pdf())
    attachment = question.attachments.get()
    for user in world.outsiders.values():
        client = world.client(user)
        assert client.get(detail(question)).status_code == 404
        assert client.get(reverse("national:helpdesk_attachment", args=[attachment.pk])).status_code == 404
        assert question.title not in client.get(reverse("national:helpdesk_question_list")).content.decode()


def test_the_attachment_is_served_to_the_forbunds_users_only_through_the_scoped_view(world: Any) -> None:
    question = ask(world.own, asker=world.users[DIRECTOR], attachment=pdf("beslut.pdf"))
    attachment = question.attachments.get()
    response = world.client(world.users[Role.MEMBER_REPRESENTATIVE]).get(
        reverse("national:helpdesk_attachment", args=[attachment.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert 'filename="beslut.pdf"' in response["Content-Disposition"]
    assert (
        world.client(None).get(reverse("national:helpdesk_attachment", args=[attachment.pk])).status_code
        == 302
    )


def test_anonymous_visitors_reach_the_faq_and_no_question(world: Any) -> None:
    question = ask(world.own, asker=world.users[DIRECTOR])
    anonymous = world.client(None)
    assert anonymous.get(reverse("national:faq_list")).status_code == 200
    for url in (
        reverse("national:helpdesk_question_list"),
        detail(question),
        reverse("national:helpdesk_question_create"),
        reverse("national:helpdesk_search") + "?q=fråga",
    ):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_only_the_working_group_answers_and_publishes(world: Any) -> None:
    question = ask(world.own, asker=world.users[DIRECTOR])
    director = world.client(world.users[DIRECTOR])
    for name in (
        "helpdesk_question_respond",
        "helpdesk_question_assign",
        "helpdesk_question_close",
        "helpdesk_faq_publish",
    ):
        assert (
            post(director, name, question, {"kind": "answer", "body": "x", "version": 1}).status_code == 403
        )
    with pytest.raises(PermissionDenied):
        services.question_respond(actor=world.users[DIRECTOR], question=question, kind="answer", body="x")


def test_a_user_asks_only_for_a_forbund_where_they_hold_a_role(world: Any) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        ask(world.other, asker=world.users[DIRECTOR])
    response = world.client(world.users[DIRECTOR]).post(
        reverse("national:helpdesk_question_create"),
        {"association": world.other.pk, "category": "law", "title": "Fråga", "body": "Text"},
    )
    assert response.status_code == 400
    assert not Question.objects.exists()


def test_the_working_group_filters_by_status_category_and_forbund(world: Any) -> None:
    a = ask(world.own, asker=world.users[DIRECTOR], title="Juridisk fråga", category="law")
    b = ask(world.other, asker=world.outsiders[DIRECTOR], title="Ekonomisk fråga", category="economy")
    services.question_respond(actor=world.users[GROUP], question=b, kind="answer", body="Svar")
    group = world.users[GROUP]
    assert list(selectors.question_list(user=group, category="law")) == [a]
    assert list(selectors.question_list(user=group, status="answered")) == [b]
    assert list(selectors.question_list(user=group, association_id=world.own.pk)) == [a]
    page = (
        world.client(group)
        .get(reverse("national:helpdesk_question_list") + f"?forbund={world.other.pk}")
        .content.decode()
    )
    assert "Ekonomisk fråga" in page and "Juridisk fråga" not in page


def test_a_long_list_is_paged(world: Any) -> None:
    for n in range(27):
        ask(world.own, asker=world.users[DIRECTOR], title=f"Fråga nummer {n:02d}")
    client = world.client(world.users[GROUP])
    first = client.get(reverse("national:helpdesk_question_list")).content.decode()
    second = client.get(reverse("national:helpdesk_question_list") + "?sida=2").content.decode()
    assert "Fråga nummer 26" in first and "Fråga nummer 00" not in first
    assert "Fråga nummer 00" in second and "Sida 2 av 2" in second


# --- notices ------------------------------------------------------------------------------------------------


def test_each_step_sends_its_notice_to_the_right_people_without_the_question_text(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    group, asker, director = world.users[GROUP], world.users[Role.BOARD_MEMBER], world.users[DIRECTOR]

    def step(call: Any) -> set[str]:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            call()
        return {address for message in mail.outbox for address in message.to}

    holder: dict[str, Any] = {}
    secret = "Personnummer 19121212-1212 hos Kalle"

    def new() -> None:
        holder["q"] = ask(world.own, asker=asker, body=secret)

    assert step(new) == {group.email}
    question = holder["q"]
    assert (
        step(lambda: services.question_assign(actor=group, question=question, assignee_id=group.pk)) == set()
    ), "no notice to oneself"
    other_member = world.users.get("other-group") or __import__(
        "tests.factories", fromlist=["make_user"]
    ).make_user("gruppmedlem", national_admin=True)
    assert step(
        lambda: services.question_assign(actor=group, question=question, assignee_id=other_member.pk)
    ) == {other_member.email}
    assert step(
        lambda: services.question_respond(actor=group, question=question, kind="ask_back", body="Vad?")
    ) == {
        asker.email,
        director.email,
    }
    assert step(lambda: services.question_reply(actor=asker, question=question, body="Detta.")) == {
        other_member.email
    }
    assert step(
        lambda: services.question_respond(actor=group, question=question, kind="answer", body="Svar.")
    ) == {
        asker.email,
        director.email,
    }
    assert step(lambda: services.question_close(actor=group, question=question)) == {asker.email}
    message = mail.outbox[0]
    assert f"#{question.pk}" in message.subject and question.title not in message.subject
    assert secret not in message.body and "Vad?" not in message.body
    assert detail(question) in message.body


# --- the public FAQ -----------------------------------------------------------------------------------------


def answered(world: Any) -> Question:
    question = ask(
        world.own,
        asker=world.users[DIRECTOR],
        title="Får Umeåregionen anställa en egen jurist?",
        body="Vi på Samordningsförbundet Umeåregionen undrar …",
    )
    services.question_respond(
        actor=world.users[GROUP], question=question, kind="answer", body="Ja, det får ni."
    )
    question.refresh_from_db()
    return question


def test_an_answered_question_is_published_anonymised_and_the_public_sees_no_asker_or_forbund(
    world: Any,
) -> None:
    question = answered(world)
    group = world.client(world.users[GROUP])
    form = group.get(reverse("national:helpdesk_faq_publish", args=[question.pk])).content.decode()
    assert "Ja, det får ni." in form, "the answer is offered for editing"
    response = post(
        group,
        "helpdesk_faq_publish",
        question,
        {
            "category": "organisation",
            "title": "Får ett förbund anställa en egen jurist?",
            "question_text": "Ett förbund undrar om det får anställa en jurist.",
            "answer_text": "Ja, det får förbundet.",
        },
    )
    entry = FaqEntry.objects.get()
    assert response.status_code == 302 and entry.published and entry.published_by == world.users[GROUP]
    anonymous = world.client(None)
    for url in (reverse("national:faq_list"), reverse("national:faq_detail", args=[entry.pk])):
        page = anonymous.get(url).content.decode()
        assert "Får ett förbund anställa en egen jurist?" in page
        for identifying in (world.own.name, "Umeåregionen", world.users[DIRECTOR].username, question.title):
            assert identifying not in page, (url, identifying)
        assert reverse("national:helpdesk_question_detail", args=[question.pk]) not in page


def test_a_text_that_still_names_the_asker_or_the_forbund_is_not_published(world: Any) -> None:
    question = answered(world)
    response = post(
        world.client(world.users[GROUP]),
        "helpdesk_faq_publish",
        question,
        {
            "category": "law",
            "title": "En fråga",
            "question_text": f"{world.own.name} undrar om juristen.",
            "answer_text": "Ja.",
        },
    )
    assert response.status_code == 400 and "R-HELPDESK-ANON" in response.content.decode()
    assert not FaqEntry.objects.exists()


def test_a_question_without_an_answer_cannot_be_published(world: Any) -> None:
    question = ask(world.own, asker=world.users[DIRECTOR])
    with pytest.raises(RuleViolation) as refused:
        services.faq_publish(
            actor=world.users[GROUP],
            question=question,
            category="law",
            title="T",
            question_text="F",
            answer_text="S",
        )
    assert refused.value.code == "R-HELPDESK-STATUS"


def test_an_unpublished_entry_disappears_for_the_public_and_the_category_filter_works(world: Any) -> None:
    question = answered(world)
    entry = services.faq_publish(
        actor=world.users[GROUP],
        question=question,
        category="law",
        title="Om jurister",
        question_text="Får ett förbund anställa en jurist?",
        answer_text="Ja.",
    )
    anonymous = world.client(None)
    assert "Om jurister" in anonymous.get(reverse("national:faq_list") + "?kategori=law").content.decode()
    assert (
        "Om jurister"
        not in anonymous.get(reverse("national:faq_list") + "?kategori=economy").content.decode()
    )
    response = world.client(world.users[GROUP]).post(
        reverse("national:faq_edit", args=[entry.pk]),
        {
            "category": "law",
            "title": "Om jurister",
            "question_text": "F?",
            "answer_text": "Ja.",
            "version": 1,
        },
    )
    assert response.status_code == 302
    assert "published" in AuditEntry.objects.get(action="faq_entry.update").details["fields"]
    assert anonymous.get(reverse("national:faq_detail", args=[entry.pk])).status_code == 404
    assert "Om jurister" not in anonymous.get(reverse("national:faq_list")).content.decode()
    assert (
        world.client(world.users[GROUP]).get(reverse("national:faq_detail", args=[entry.pk])).status_code
        == 200
    )


# --- refused input writes nothing ---------------------------------------------------------------------------


def refused_upload(world: Any, attachment: Any, **fields: Any) -> Any:
    data = {"association": world.own.pk, "category": "law", "title": "Fråga", "body": "Text", **fields}
    if attachment is not None:
        data["attachment"] = attachment
    return world.client(world.users[DIRECTOR]).post(reverse("national:helpdesk_question_create"), data)


@pytest.mark.parametrize(
    ("attachment", "message"),
    [
        (
            SimpleUploadedFile("stor.pdf", b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES),
            "Bilagan är för stor: högst 10 MB.",
        ),
        (SimpleUploadedFile("program.exe", b"MZ\x90\x00"), "Den filtypen tas inte emot."),
        (SimpleUploadedFile("falsk.pdf", b"MZ\x90\x00 not a pdf"), "Bilagan är inte en giltig pdf-fil."),
    ],
    ids=["too-large", "refused-type", "renamed"],
)
def test_a_refused_attachment_gives_a_swedish_error_and_nothing_is_written(
    world: Any, attachment: Any, message: str, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    response = refused_upload(world, attachment)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Question.objects.exists() and not QuestionAttachment.objects.exists()
    assert not AuditEntry.objects.filter(action="helpdesk_question.ask").exists()
    assert not any(tmp_path.rglob("*.*")), "no file is left in the storage"


def test_script_in_a_question_is_refused_with_a_swedish_error(world: Any) -> None:
    response = refused_upload(world, None, body="Hej <script>alert('x')</script>")
    page = response.content.decode()
    assert response.status_code == 400 and "R-HELPDESK-TEXT" in page
    assert "Skriv som vanlig text." in page
    assert "<script>alert" not in page
    assert not Question.objects.exists()


def test_markup_that_is_stored_is_always_shown_escaped(world: Any) -> None:
    question = ask(
        world.own,
        asker=world.users[DIRECTOR],
        title="<b>Fet</b> rubrik & 5 < 6",
        body='<img src=x alt="bild"> <a href="http://x">länk</a>',
    )
    services.question_respond(actor=world.users[GROUP], question=question, kind="answer", body="<i>svar</i>")
    for user in (world.users[DIRECTOR], world.users[GROUP]):
        client = world.client(user)
        for url in (
            detail(question),
            reverse("national:helpdesk_question_list"),
            reverse("national:helpdesk_search") + "?q=rubrik",
        ):
            page = client.get(url).content.decode()
            assert "<b>Fet</b>" not in page and "<img src=x" not in page and "<i>svar</i>" not in page, url
        assert "&lt;b&gt;Fet&lt;/b&gt;" in client.get(detail(question)).content.decode()


def test_the_national_front_page_leads_the_forbunds_users_and_the_working_group_to_the_questions(
    world: Any,
) -> None:
    url = reverse("national:helpdesk_question_list")
    for role, user in world.users.items():
        assert (
            f'href="{reverse("national:home")}"' in world.client(user).get(reverse("home")).content.decode()
        )
        page = world.client(user).get(reverse("national:home")).content.decode()
        assert (f'href="{url}"' in page) is (role != Role.NATIONAL_VIEWER), role


def test_the_list_and_the_thread_take_as_many_queries_for_many_rows_as_for_few(world: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    question = ask(world.own, asker=world.users[DIRECTOR], attachment=pdf())
    services.question_reply(actor=world.users[DIRECTOR], question=question, body="Tillägg", attachment=pdf())
    client = world.client(world.users[GROUP])

    def count(url: str) -> int:
        client.get(url)  # the session and the user are read once before
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = (count(reverse("national:helpdesk_question_list")), count(detail(question)))
    for n in range(5):
        ask(world.own, asker=world.users[Role.AUDITOR], title=f"Fråga {n}")
        services.question_respond(
            actor=world.users[GROUP], question=question, kind="answer", body=f"Svar {n}"
        )
        services.question_reply(
            actor=world.users[DIRECTOR], question=question, body=f"Tack {n}", attachment=pdf()
        )
    many = (count(reverse("national:helpdesk_question_list")), count(detail(question)))
    assert many == few


def test_every_page_links_the_public_faq_for_anonymous_visitors_too(world: Any) -> None:
    page = world.client(None).get(reverse("login")).content.decode()
    assert f'href="{reverse("national:faq_list")}"' in page


def test_the_forms_on_the_working_groups_page_have_ids_of_their_own(world: Any) -> None:
    import re

    question = ask(world.own, asker=world.users[DIRECTOR])
    page = world.client(world.users[GROUP]).get(detail(question)).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
