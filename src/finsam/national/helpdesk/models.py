"""The help desk (R-NATIONAL): a förbund's users ask the national working group; the working group assigns,
answers, asks back and closes; an answered question may be published, anonymised, to the public FAQ.

A question belongs to one förbund and is seen by that förbund's users and the working group only
(HELPDESK_VIEW, scoped in the selectors). Its attachments are stored privately in the default storage and
served only through a scoped view. An FAQ entry holds its own edited texts: it never shows the question's
asker, förbund or original wording.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from finsam.national.helpdesk.schemas import MessageKind, QuestionCategory, QuestionStatus


class Question(models.Model):
    association = models.ForeignKey(
        "registry.Association",
        on_delete=models.PROTECT,
        related_name="helpdesk_questions",
        verbose_name="förbund",
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="frågeställare"
    )
    category = models.CharField("kategori", max_length=16, choices=QuestionCategory.choices)
    title = models.CharField("rubrik", max_length=200)
    body = models.TextField("fråga", max_length=20_000)
    status = models.CharField(
        "status", max_length=20, choices=QuestionStatus.choices, default=QuestionStatus.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="handläggare i arbetsgruppen",
    )
    created_at = models.DateTimeField("ställd")
    updated_at = models.DateTimeField("senast ändrad")
    closed_at = models.DateTimeField("stängd", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = "fråga till arbetsgruppen"
        verbose_name_plural = "frågor till arbetsgruppen"
        indexes = [
            models.Index(fields=["association", "status"], name="helpdesk_question_assoc_status"),
            models.Index(fields=["status", "updated_at"], name="helpdesk_question_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class QuestionMessage(models.Model):
    """One step of the thread after the question: the working group's answer or ask-back, or the asker's
    reply."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField("slag", max_length=16, choices=MessageKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("text", max_length=20_000)
    created_at = models.DateTimeField("skrivet")

    class Meta:
        ordering = ["question", "created_at", "id"]
        verbose_name = "meddelande i en fråga"
        verbose_name_plural = "meddelanden i frågor"

    def __str__(self) -> str:
        return f"{self.question_id}:{self.kind}"


class QuestionAttachment(models.Model):
    """A file sent with the question or with one message; private, served by a scoped view only."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        QuestionMessage, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField("fil", max_length=300)
    filename = models.CharField("filnamn", max_length=200)
    content_type = models.CharField("filtyp", max_length=100)
    size = models.PositiveIntegerField("storlek (byte)")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("uppladdad")

    class Meta:
        ordering = ["question", "uploaded_at", "id"]
        verbose_name = "bilaga"
        verbose_name_plural = "bilagor"

    def __str__(self) -> str:
        return self.filename


class FaqEntry(models.Model):
    """A question and answer published to the public FAQ, in the working group's anonymised wording. It
    keeps a link to the question it came from (for the working group); the public never sees it."""

    question = models.OneToOneField(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="faq_entry"
    )
    category = models.CharField("kategori", max_length=16, choices=QuestionCategory.choices)
    title = models.CharField("rubrik", max_length=200)
    question_text = models.TextField("fråga", max_length=20_000)
    answer_text = models.TextField("svar", max_length=20_000)
    published = models.BooleanField("publicerad", default=True)
    published_at = models.DateTimeField("publicerad den")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="publicerad av"
    )
    updated_at = models.DateTimeField("senast ändrad")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "fråga och svar"
        verbose_name_plural = "frågor och svar"
        indexes = [models.Index(fields=["published", "category"], name="faq_published_category")]

    def __str__(self) -> str:
        return self.title
