"""Every write of the help desk. Keyword-only, atomic, authorised against the actor's scope, audited.

A refused input (R-INPUT, R-HELPDESK-TEXT, R-HELPDESK-FILE, R-HELPDESK-STATUS) raises RuleViolation before
anything is written, attachments included. Each step queues an e-mail notice after commit (tasks.py):
a new question → the working group; an assignment → the assignee; an answer or ask-back → the asker and
the förbund's director(s); the asker's reply → the assignee (or the working group); closing → the asker.
A notice carries no question text, only the question's number, what happened and a link.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from finsam.accounts import selectors as account_selectors
from finsam.core import audit
from finsam.core.access import Actor, require
from finsam.core.errors import RuleViolation, Violation, check_version, raise_if_any
from finsam.core.roles import Capability, Role
from finsam.core.updates import model_update
from finsam.national.audit_actions import AuditAction
from finsam.national.helpdesk import rules, selectors
from finsam.national.helpdesk.models import FaqEntry, Question, QuestionAttachment, QuestionMessage
from finsam.national.helpdesk.schemas import MessageKind, QuestionCategory

logger = logging.getLogger(__name__)

ASK = Capability.HELPDESK_ASK
ANSWER = Capability.HELPDESK_ANSWER


class Event:
    NEW = "new"
    ASSIGNED = "assigned"
    ANSWER = "answer"
    ASK_BACK = "ask_back"
    REPLY = "reply"
    CLOSED = "closed"


SUBJECTS = {
    Event.NEW: "Ny fråga till arbetsgruppen (#{id})",
    Event.ASSIGNED: "Fråga #{id} har tilldelats dig",
    Event.ANSWER: "Arbetsgruppen har svarat på fråga #{id}",
    Event.ASK_BACK: "Arbetsgruppen har en motfråga om fråga #{id}",
    Event.REPLY: "Frågeställaren har kompletterat fråga #{id}",
    Event.CLOSED: "Fråga #{id} har stängts",
}


def _category_violations(category: str) -> list[Violation]:
    if category not in QuestionCategory.values:
        return [Violation("R-INPUT", _("Välj en kategori."), "category")]
    return []


def _checked_attachment(attachment: UploadedFile | None) -> tuple[str, str, str] | Violation | None:
    """(safe file name, extension, content type) of an upload, or why it is refused."""
    if attachment is None:
        return None
    filename = rules.safe_filename(attachment.name or "")
    attachment.seek(0)
    head = attachment.read(8)
    attachment.seek(0)
    kind = rules.attachment_type(filename=filename, size=attachment.size or 0, head=head)
    if isinstance(kind, Violation):
        return kind
    return filename, kind[0], kind[1]


def _notify(event: str, question: Question, user_ids: Iterable[int], actor: Actor, *, notify: bool) -> None:
    recipients = sorted({uid for uid in user_ids if uid is not None and uid != actor.pk})
    if notify and recipients:
        transaction.on_commit(partial(_enqueue, question.pk, event, recipients))


def _enqueue(question_id: int, event: str, user_ids: list[int]) -> None:
    from finsam.national.helpdesk import tasks  # the task module calls back into this one

    tasks.helpdesk_notice.enqueue(question_id=question_id, event=event, user_ids=user_ids)


def _working_group_ids() -> list[int]:
    return list(
        account_selectors.national_role_holders(role=Role.NATIONAL_ADMIN, with_email=True).values_list(
            "pk", flat=True
        )
    )


def _directors(question: Question) -> list[int]:
    return [
        row.user_id
        for row in account_selectors.role_holders_with_email(association_ids=[question.association_id])
        if row.role == Role.ASSOCIATION_ADMIN
    ]


@transaction.atomic
def question_ask(
    *,
    actor: Actor,
    association_id: int,
    category: str,
    title: str,
    body: str,
    attachment: UploadedFile | None = None,
    notify: bool = True,
) -> Question:
    """A förbund's user asks the working group, on behalf of a förbund where they hold a role."""
    association = selectors.association_for_asking(user=actor, association_id=association_id)
    violations = _category_violations(category)
    violations += rules.text_violations(title, field="title", what=_("en rubrik"), max_length=rules.MAX_TITLE)
    violations += rules.text_violations(body, field="body", what=_("din fråga"))
    checked = _checked_attachment(attachment)
    if isinstance(checked, Violation):
        violations.append(checked)
    raise_if_any(violations)
    now = timezone.now()
    question = Question.objects.create(
        association=association,
        asker_id=actor.pk,
        category=category,
        title=title.strip(),
        body=body.strip(),
        created_at=now,
        updated_at=now,
    )
    if attachment is not None and isinstance(checked, tuple):
        _attach(actor=actor, question=question, message=None, attachment=attachment, checked=checked)
    audit.record(
        actor=actor,
        action=AuditAction.HELPDESK_QUESTION_ASK,
        target=question,
        association_id=association.pk,
        details={"category": category, "attachment": attachment is not None},
    )
    _notify(Event.NEW, question, _working_group_ids(), actor, notify=notify)
    return question


def _attach(
    *,
    actor: Actor,
    question: Question,
    message: QuestionMessage | None,
    attachment: UploadedFile,
    checked: tuple[str, str, str],
) -> QuestionAttachment:
    filename, extension, content_type = checked
    stored = default_storage.save(
        f"helpdesk/{question.association_id}/{uuid.uuid4().hex}.{extension}", attachment
    )
    try:
        with transaction.atomic():
            return QuestionAttachment.objects.create(
                question=question,
                message=message,
                file=stored,
                filename=filename,
                content_type=content_type,
                size=attachment.size or 0,
                uploaded_by_id=actor.pk,
                uploaded_at=timezone.now(),
            )
    except BaseException:
        default_storage.delete(stored)
        raise


def _locked(question: Question, version: int | None) -> Question:
    locked = Question.objects.select_for_update().get(pk=question.pk)
    check_version(locked.version, version, _("frågan"))
    return locked


def _save(locked: Question, **values: Any) -> None:
    for name, value in values.items():
        setattr(locked, name, value)
    locked.updated_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=[*values, "updated_at", "version"])


@transaction.atomic
def question_assign(
    *, actor: Actor, question: Question, assignee_id: int, version: int | None = None, notify: bool = True
) -> Question:
    """The working group gives the question to one of its members."""
    require(actor, ANSWER)
    locked = _locked(question, version)
    violations: list[Violation] = []
    if not selectors.assignees().filter(pk=assignee_id).exists():
        violations.append(Violation("R-INPUT", _("Välj en person i arbetsgruppen."), "assignee"))
    status = rules.status_after_assign(locked.status)
    if isinstance(status, Violation):
        violations.append(status)
    raise_if_any(violations)
    assert isinstance(status, str)
    _save(locked, assignee_id=assignee_id, status=status)
    audit.record(
        actor=actor,
        action=AuditAction.HELPDESK_QUESTION_ASSIGN,
        target=locked,
        association_id=locked.association_id,
        details={"assignee": assignee_id, "status": status},
    )
    _notify(Event.ASSIGNED, locked, [assignee_id], actor, notify=notify)
    return locked


def _message(
    *,
    actor: Actor,
    question: Question,
    kind: str,
    body: str,
    attachment: UploadedFile | None,
    version: int | None,
) -> tuple[Question, QuestionMessage]:
    locked = _locked(question, version)
    violations = rules.text_violations(body, field="body", what=_("en text"))
    status = rules.status_after_message(locked.status, kind, assigned=locked.assignee_id is not None)
    if isinstance(status, Violation):
        violations.append(status)
    checked = _checked_attachment(attachment)
    if isinstance(checked, Violation):
        violations.append(checked)
    raise_if_any(violations)
    assert isinstance(status, str)
    message = QuestionMessage.objects.create(
        question=locked, kind=kind, author_id=actor.pk, body=body.strip(), created_at=timezone.now()
    )
    if attachment is not None and isinstance(checked, tuple):
        _attach(actor=actor, question=locked, message=message, attachment=attachment, checked=checked)
    values: dict[str, Any] = {"status": status}
    if kind != MessageKind.REPLY and locked.assignee_id is None:
        values["assignee_id"] = actor.pk  # who answers a question unassigned takes it
    _save(locked, **values)
    return locked, message


@transaction.atomic
def question_respond(
    *,
    actor: Actor,
    question: Question,
    kind: str,
    body: str,
    attachment: UploadedFile | None = None,
    version: int | None = None,
    notify: bool = True,
) -> QuestionMessage:
    """The working group answers (status answered) or asks back (status waiting for the asker)."""
    require(actor, ANSWER)
    if kind not in (MessageKind.ANSWER, MessageKind.ASK_BACK):
        raise RuleViolation("R-INPUT", _("Välj svar eller motfråga."), "kind")
    locked, message = _message(
        actor=actor, question=question, kind=kind, body=body, attachment=attachment, version=version
    )
    action = (
        AuditAction.HELPDESK_QUESTION_ANSWER
        if kind == MessageKind.ANSWER
        else AuditAction.HELPDESK_QUESTION_ASK_BACK
    )
    audit.record(
        actor=actor,
        action=action,
        target=locked,
        association_id=locked.association_id,
        details={"message": message.pk, "status": locked.status},
    )
    event = Event.ANSWER if kind == MessageKind.ANSWER else Event.ASK_BACK
    _notify(event, locked, [locked.asker_id, *_directors(locked)], actor, notify=notify)
    return message


@transaction.atomic
def question_reply(
    *,
    actor: Actor,
    question: Question,
    body: str,
    attachment: UploadedFile | None = None,
    version: int | None = None,
    notify: bool = True,
) -> QuestionMessage:
    """A user of the question's förbund (the asker, say, after an ask-back) adds to the question; it goes
    back to the working group."""
    require(actor, ASK, question.association_id)
    locked, message = _message(
        actor=actor,
        question=question,
        kind=MessageKind.REPLY,
        body=body,
        attachment=attachment,
        version=version,
    )
    audit.record(
        actor=actor,
        action=AuditAction.HELPDESK_QUESTION_REPLY,
        target=locked,
        association_id=locked.association_id,
        details={"message": message.pk, "status": locked.status},
    )
    to = [locked.assignee_id] if locked.assignee_id else _working_group_ids()
    _notify(Event.REPLY, locked, to, actor, notify=notify)
    return message


@transaction.atomic
def question_close(
    *, actor: Actor, question: Question, version: int | None = None, notify: bool = True
) -> Question:
    require(actor, ANSWER)
    locked = _locked(question, version)
    status = rules.status_after_close(locked.status)
    if isinstance(status, Violation):
        raise RuleViolation(violations=[status])
    previous = locked.status
    _save(locked, status=status, closed_at=timezone.now())
    audit.record(
        actor=actor,
        action=AuditAction.HELPDESK_QUESTION_CLOSE,
        target=locked,
        association_id=locked.association_id,
        details={"from": previous},
    )
    _notify(Event.CLOSED, locked, [locked.asker_id], actor, notify=notify)
    return locked


def _identifying_names(question: Question | None) -> list[str]:
    """The names a published text must not hold: the asker's (full name and user name) and the förbund's."""
    if question is None:
        return []
    asker = question.asker
    return [asker.get_full_name(), asker.get_username(), question.association.name]


def _faq_violations(
    *, category: str, title: str, question_text: str, answer_text: str, question: Question | None
) -> list[Violation]:
    violations = _category_violations(category)
    violations += rules.text_violations(title, field="title", what=_("en rubrik"), max_length=rules.MAX_TITLE)
    violations += rules.text_violations(question_text, field="question_text", what=_("frågan"))
    violations += rules.text_violations(answer_text, field="answer_text", what="svaret")
    texts = {"title": title, "question_text": question_text, "answer_text": answer_text}
    violations += rules.identifying_violations(texts, _identifying_names(question))
    return violations


@transaction.atomic
def faq_publish(
    *, actor: Actor, question: Question, category: str, title: str, question_text: str, answer_text: str
) -> FaqEntry:
    """Publishes an answered question to the public FAQ in the working group's anonymised wording: the
    texts given here, never the asker's name or förbund."""
    require(actor, ANSWER)
    locked = Question.objects.select_for_update().select_related("asker", "association").get(pk=question.pk)
    violations = _faq_violations(
        category=category, title=title, question_text=question_text, answer_text=answer_text, question=locked
    )
    refusal = rules.publishable(
        locked.status, answers=locked.messages.filter(kind=MessageKind.ANSWER).count()
    )
    if refusal is not None:
        violations.append(refusal)
    if FaqEntry.objects.filter(question=locked).exists():
        violations.append(
            Violation(
                "R-HELPDESK-FAQ", _("Frågan är redan publicerad; ändra den publicerade texten i stället.")
            )
        )
    raise_if_any(violations)
    now = timezone.now()
    entry = FaqEntry.objects.create(
        question=locked,
        category=category,
        title=title.strip(),
        question_text=question_text.strip(),
        answer_text=answer_text.strip(),
        published=True,
        published_at=now,
        published_by_id=actor.pk,
        updated_at=now,
    )
    audit.record(
        actor=actor, action=AuditAction.FAQ_ENTRY_PUBLISH, target=entry, details={"question": locked.pk}
    )
    return entry


@transaction.atomic
def faq_update(
    *,
    actor: Actor,
    entry: FaqEntry,
    category: str,
    title: str,
    question_text: str,
    answer_text: str,
    published: bool,
    version: int | None = None,
) -> FaqEntry:
    """Edits a published entry, or takes it down (`published` False) and puts it up again."""
    require(actor, ANSWER)
    locked = FaqEntry.objects.select_for_update().get(pk=entry.pk)
    locked.question = (
        Question.objects.select_related("asker", "association").filter(pk=locked.question_id).first()
        if locked.question_id
        else None
    )
    check_version(locked.version, version, _("texten"))
    raise_if_any(
        _faq_violations(
            category=category,
            title=title,
            question_text=question_text,
            answer_text=answer_text,
            question=locked.question,
        )
    )
    values: dict[str, Any] = {
        "category": category,
        "title": title.strip(),
        "question_text": question_text.strip(),
        "answer_text": answer_text.strip(),
        "published": published,
    }
    if not any(getattr(locked, name) != value for name, value in values.items()):
        return locked
    now = timezone.now()
    values["updated_at"] = now
    if published and not locked.published:  # put up again: by whom and when
        values.update(published_at=now, published_by_id=actor.pk)
    model_update(
        actor=actor, instance=locked, values=values, action=AuditAction.FAQ_ENTRY_UPDATE, association_id=None
    )
    return locked


# --- notices ---------------------------------------------------------------------------------------


def question_url(question_id: int) -> str:
    return settings.SITE_URL + reverse("national:helpdesk_question_detail", args=[question_id])


def notice_send(*, question_id: int, event: str, user_ids: Iterable[int]) -> int:
    """Sends the notice of one step to each of the users (their current address; one message each, so that
    no one sees another's address). Carries no question text: it may hold personal data. Returns how many
    went out; a refused message is logged and the others still go."""
    if event not in SUBJECTS:
        return 0
    subject = SUBJECTS[event].format(id=question_id)
    body = "\n".join(
        [
            "Hej!",
            "",
            f"{subject}.",
            "",
            f"Logga in i Finsam för att läsa: {question_url(question_id)}",
            "",
            "Finsam – frågor till den nationella arbetsgruppen",
        ]
    )
    sent = 0
    for user in account_selectors.users_by_id(user_ids=user_ids).exclude(email="").order_by("pk"):
        try:
            EmailMessage(subject=subject, body=body, to=[user.email]).send()
            sent += 1
        except Exception:
            logger.exception(
                "The notice %s of question %s to user %s could not be sent", event, question_id, user.pk
            )
    return sent
