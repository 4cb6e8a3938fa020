"""Reads of the handbook. Every signed-in user reads the whole handbook; only the working group edits it
(Capability.HANDBOOK_EDIT)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext

from finsam.core.access import Actor, has_capability
from finsam.core.audit_text import Described, ObjectText, Refs, ids_of
from finsam.core.roles import Capability
from finsam.core.rulebook import codes_in, rule_for
from finsam.national.handbook.models import HandbookChapter, HandbookPage, HandbookVersion


def _require_reader(user: Actor) -> None:
    if not user.is_authenticated and not getattr(user, "is_system", False):
        raise PermissionDenied


def can_edit(*, user: Actor) -> bool:
    return has_capability(user, Capability.HANDBOOK_EDIT)


def chapters(*, user: Actor, with_bodies: bool = False) -> list[HandbookChapter]:
    """Every chapter with its pages in order (their text only when `with_bodies`, for the PDF)."""
    _require_reader(user)
    pages = HandbookPage.objects.order_by("number")
    if not with_bodies:
        pages = pages.defer("body")
    return list(HandbookChapter.objects.prefetch_related(Prefetch("pages", queryset=pages)))


def chapter_get(*, user: Actor, chapter_id: int) -> HandbookChapter:
    _require_reader(user)
    try:
        return HandbookChapter.objects.get(pk=chapter_id)
    except HandbookChapter.DoesNotExist:
        raise Http404 from None


def page_get(*, user: Actor, slug: str) -> HandbookPage:
    _require_reader(user)
    try:
        return HandbookPage.objects.select_related("chapter").get(slug=slug)
    except HandbookPage.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class Neighbours:
    previous: HandbookPage | None
    next: HandbookPage | None


def neighbours(*, user: Actor, page: HandbookPage) -> Neighbours:
    """The pages before and after `page` in reading order."""
    _require_reader(user)
    order = list(HandbookPage.objects.order_by("chapter__number", "number").only("pk", "slug", "title"))
    at = next(i for i, p in enumerate(order) if p.pk == page.pk)
    return Neighbours(order[at - 1] if at > 0 else None, order[at + 1] if at + 1 < len(order) else None)


def versions(*, user: Actor, page: HandbookPage) -> QuerySet[HandbookVersion]:
    """The page's versions, newest first, with their authors."""
    _require_reader(user)
    return page.versions.select_related("author").order_by("-number")


def version_get(*, user: Actor, page: HandbookPage, number: int) -> HandbookVersion:
    _require_reader(user)
    try:
        return page.versions.select_related("author").get(number=number)
    except HandbookVersion.DoesNotExist:
        raise Http404 from None


def latest_version(*, user: Actor, page: HandbookPage) -> HandbookVersion | None:
    _require_reader(user)
    return page.versions.select_related("author").order_by("-number").first()


def pages_mentioning(*, user: Actor, code: str) -> list[HandbookPage]:
    """The pages whose text names the rule `code` (or one of its points: R-SAMRAD-1 names R-SAMRAD)."""
    _require_reader(user)
    rule = rule_for(code)
    if rule is None:
        return []
    candidates = HandbookPage.objects.select_related("chapter").filter(body__contains=rule.code)
    return [page for page in candidates if rule.code in codes_in(page.body)]


# --- the audit log's words ------------------------------------------------------------------------


def audit_objects(*, refs: Refs) -> Described:
    """The handbook's pages and chapters named in audit entries, for the log. One query a kind."""
    described: Described = {}
    for page in HandbookPage.objects.filter(pk__in=ids_of(refs, "national.handbookpage")):
        described["national.handbookpage", str(page.pk)] = ObjectText(
            gettext("handbokens sida ”{title}”").format(title=page.title),
            reverse("national:handbook_page", args=[page.slug]),
        )
    for chapter in HandbookChapter.objects.filter(pk__in=ids_of(refs, "national.handbookchapter")):
        described["national.handbookchapter", str(chapter.pk)] = ObjectText(
            gettext("handbokens kapitel ”{title}”").format(title=chapter.title),
            reverse("national:handbook_index"),
        )
    return described
