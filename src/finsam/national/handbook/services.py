"""Writes of the handbook. Only the working group edits (Capability.HANDBOOK_EDIT). Every save of a page
that changes it is a new HandbookVersion with its author and time, so that the history and
the difference between any two versions can be shown; the page row holds the latest text and its
version number, which is also the optimistic lock (R-CONFLICT)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from finsam.core import audit
from finsam.core.access import Actor, require
from finsam.core.errors import Violation, check_version, raise_if_any
from finsam.core.roles import Capability
from finsam.national.audit_actions import AuditAction
from finsam.national.handbook import rules
from finsam.national.handbook.models import HandbookChapter, HandbookPage, HandbookVersion

EDIT = Capability.HANDBOOK_EDIT


def _author(actor: Actor) -> int | None:
    return actor.pk if actor.is_authenticated else None


def _chapter_unique(number: int, slug: str, exclude: int | None) -> list[Violation]:
    others = HandbookChapter.objects.all() if exclude is None else HandbookChapter.objects.exclude(pk=exclude)
    violations = []
    if others.filter(number=number).exists():
        violations.append(
            Violation("R-UNIQUE", _("Det finns redan ett kapitel %(number)s.") % {"number": number}, "number")
        )
    if others.filter(slug=slug).exists():
        violations.append(Violation("R-UNIQUE", _("Ett annat kapitel har redan den adressen."), "slug"))
    return violations


def _page_unique(chapter: HandbookChapter, number: int, slug: str, exclude: int | None) -> list[Violation]:
    others = HandbookPage.objects.all() if exclude is None else HandbookPage.objects.exclude(pk=exclude)
    violations = []
    if others.filter(chapter=chapter, number=number).exists():
        violations.append(
            Violation(
                "R-UNIQUE",
                _("Kapitel %(number)s har redan en sida %(number2)s.")
                % {"number": chapter.number, "number2": number},
                "number",
            )
        )
    if others.filter(slug=slug).exists():
        violations.append(Violation("R-UNIQUE", _("En annan sida har redan den adressen."), "slug"))
    return violations


@transaction.atomic
def chapter_create(*, actor: Actor, number: int, title: str, slug: str, intro: str = "") -> HandbookChapter:
    require(actor, EDIT)
    title, slug = title.strip(), slug.strip()
    raise_if_any(
        rules.check_chapter(number=number, title=title, slug=slug, intro=intro)
        or _chapter_unique(number, slug, None)
    )
    chapter = HandbookChapter.objects.create(number=number, title=title, slug=slug, intro=intro)
    audit.record(actor=actor, action=AuditAction.HANDBOOK_CHAPTER_CREATE, target=chapter)
    return chapter


@transaction.atomic
def chapter_update(
    *,
    actor: Actor,
    chapter: HandbookChapter,
    version: int | None,
    number: int,
    title: str,
    slug: str,
    intro: str = "",
) -> HandbookChapter:
    require(actor, EDIT)
    locked = HandbookChapter.objects.select_for_update().get(pk=chapter.pk)
    check_version(locked.version, version, _("kapitlet"), kept=True)
    title, slug = title.strip(), slug.strip()
    raise_if_any(
        rules.check_chapter(number=number, title=title, slug=slug, intro=intro)
        or _chapter_unique(number, slug, locked.pk)
    )
    values = {"number": number, "title": title, "slug": slug, "intro": intro}
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, values[name])
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor, action=AuditAction.HANDBOOK_CHAPTER_UPDATE, target=locked, details={"fields": changed}
    )
    return locked


@transaction.atomic
def page_create(
    *,
    actor: Actor,
    chapter: HandbookChapter,
    number: int,
    title: str,
    slug: str,
    body: str,
    comment: str = "",
) -> HandbookPage:
    """A new page and its first version."""
    require(actor, EDIT)
    title, slug, comment = title.strip(), slug.strip(), comment.strip()
    raise_if_any(
        rules.check_page(number=number, title=title, slug=slug, body=body, comment=comment)
        or _page_unique(chapter, number, slug, None)
    )
    now = timezone.now()
    page = HandbookPage.objects.create(
        chapter=chapter, number=number, title=title, slug=slug, body=body, version=1, updated_at=now
    )
    HandbookVersion.objects.create(
        page=page, number=1, title=title, body=body, author_id=_author(actor), comment=comment, created_at=now
    )
    audit.record(actor=actor, action=AuditAction.HANDBOOK_PAGE_CREATE, target=page, details={"version": 1})
    return page


@transaction.atomic
def page_update(
    *,
    actor: Actor,
    page: HandbookPage,
    version: int | None,
    chapter: HandbookChapter,
    number: int,
    title: str,
    slug: str,
    body: str,
    comment: str = "",
) -> HandbookPage:
    """Saves the page as a new version (author, time, comment); a save that changes nothing writes
    nothing. `version` is the version the editor opened:
    another save since then is refused with R-CONFLICT and nothing is written."""
    require(actor, EDIT)
    locked = HandbookPage.objects.select_for_update().get(pk=page.pk)
    check_version(locked.version, version, _("sidan"), kept=True)
    title, slug, comment = title.strip(), slug.strip(), comment.strip()
    raise_if_any(
        rules.check_page(number=number, title=title, slug=slug, body=body, comment=comment)
        or _page_unique(chapter, number, slug, locked.pk)
    )
    values = {"chapter_id": chapter.pk, "number": number, "title": title, "slug": slug, "body": body}
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, values[name])
    now = timezone.now()
    locked.updated_at = now
    locked.version += 1
    locked.save()
    HandbookVersion.objects.create(
        page=locked,
        number=locked.version,
        title=title,
        body=body,
        author_id=_author(actor),
        comment=comment,
        created_at=now,
    )
    audit.record(
        actor=actor,
        action=AuditAction.HANDBOOK_PAGE_UPDATE,
        target=locked,
        details={"fields": [name.removesuffix("_id") for name in changed], "version": locked.version},
    )
    return locked
