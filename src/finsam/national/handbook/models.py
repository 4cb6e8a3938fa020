"""The handbook: chapters and pages in Markdown, every save a version (R-NATIONAL: the council's
Handbok för finansiell samordning is the model for the chapters)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext


class HandbookChapter(models.Model):
    number = models.PositiveSmallIntegerField("nummer", unique=True)
    title = models.CharField("rubrik", max_length=200)
    slug = models.SlugField("adress", max_length=80, unique=True)
    intro = models.TextField("inledning (Markdown)", max_length=20_000, blank=True)
    version = models.PositiveIntegerField("version", default=1, editable=False)  # optimistic locking

    class Meta:
        ordering = ["number"]
        verbose_name = "kapitel i handboken"
        verbose_name_plural = "kapitel i handboken"

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class HandbookPage(models.Model):
    """A page's current text; `version` is the number of its latest HandbookVersion."""

    chapter = models.ForeignKey(
        HandbookChapter, on_delete=models.PROTECT, related_name="pages", verbose_name="kapitel"
    )
    number = models.PositiveSmallIntegerField("nummer")
    title = models.CharField("rubrik", max_length=200)
    slug = models.SlugField("adress", max_length=80, unique=True)
    body = models.TextField("text (Markdown)", max_length=100_000)
    version = models.PositiveIntegerField("version", default=1)
    updated_at = models.DateTimeField("senast ändrad")

    class Meta:
        ordering = ["chapter__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "number"], name="handbook_page_chapter_number")
        ]
        verbose_name = "sida i handboken"
        verbose_name_plural = "sidor i handboken"

    def __str__(self) -> str:
        return self.title


class HandbookVersion(models.Model):
    """One save of a page: what it said, who wrote it and when. Never changed afterwards."""

    page = models.ForeignKey(HandbookPage, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    title = models.CharField("rubrik", max_length=200)
    body = models.TextField("text (Markdown)", max_length=100_000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="av"
    )
    comment = models.CharField("kommentar", max_length=300, blank=True)
    created_at = models.DateTimeField("sparad")

    class Meta:
        ordering = ["page", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="handbook_version_page_number")
        ]
        verbose_name = "version av en sida"
        verbose_name_plural = "versioner av sidor"

    def __str__(self) -> str:
        return f"{self.page_id} v{self.number}"

    @property
    def author_name(self) -> str:
        """Who saved it, as the history shows it ("systemet" for the demo loader or the command line)."""
        if self.author is None:
            return gettext("systemet")
        return self.author.get_full_name() or self.author.get_username()
