"""The handbook's pages and the register of rules' pages. Thin: parse with a form, call a selector or a
service, render. Every signed-in user reads; the working group edits (HANDBOOK_EDIT). A refused form
answers 400 with the message on its field, an edit conflict 409 (R-CONFLICT) with the editor's text kept
and what is saved now shown beside it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from finsam.core import pages
from finsam.core.access import Actor
from finsam.core.decorators import AUTHENTICATED, page_access
from finsam.core.roles import Capability
from finsam.core.rulebook import RULES, checks, codes_in, domain_rules, point_of, rule_for
from finsam.national.handbook import forms, rules, selectors, services
from finsam.national.handbook.models import HandbookChapter, HandbookPage
from finsam.national.handbook.rendering import as_html, pdf_target
from finsam.reports.markdown import render as render_markdown

EDIT = Capability.HANDBOOK_EDIT
FORM_METHODS = ("GET", "POST")


# --- reading --------------------------------------------------------------------------------------


@page_access(AUTHENTICATED)
def handbook_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "national/handbook/index.html",
        {
            "chapters": [(c, as_html(c.intro)) for c in selectors.chapters(user=request.user)],
            "can_edit": selectors.can_edit(user=request.user),
        },
    )


@page_access(AUTHENTICATED)
def handbook_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.page_get(user=request.user, slug=slug)
    return render(
        request,
        "national/handbook/page.html",
        {
            "page": page,
            "body": as_html(page.body),
            "latest": selectors.latest_version(user=request.user, page=page),
            "rules": [RULES[code].translated() for code in codes_in(page.body)],
            "around": selectors.neighbours(user=request.user, page=page),
            "can_edit": selectors.can_edit(user=request.user),
        },
    )


@page_access(AUTHENTICATED)
def page_history(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.page_get(user=request.user, slug=slug)
    versions = list(selectors.versions(user=request.user, page=page))
    return render(
        request,
        "national/handbook/history.html",
        {
            "page": page,
            "versions": versions,
            "default_from": versions[1].number if len(versions) > 1 else page.version,
            "can_edit": selectors.can_edit(user=request.user),
        },
    )


@page_access(AUTHENTICATED)
def version_detail(request: HttpRequest, slug: str, handbook_version: int) -> HttpResponse:
    page = selectors.page_get(user=request.user, slug=slug)
    version = selectors.version_get(user=request.user, page=page, number=handbook_version)
    return render(
        request,
        "national/handbook/version.html",
        {"page": page, "version": version, "body": as_html(version.body)},
    )


@page_access(AUTHENTICATED)
def page_diff(request: HttpRequest, slug: str) -> HttpResponse:
    """The difference between two versions of a page, chosen in the address (?fran=1&till=3)."""
    page = selectors.page_get(user=request.user, slug=slug)
    form = forms.CompareForm(request.GET or {"fran": max(page.version - 1, 1), "till": page.version})
    if not form.is_valid():
        return render(
            request, "national/handbook/diff.html", {"page": page, "form": form, "versions": []}, status=400
        )
    older = selectors.version_get(user=request.user, page=page, number=form.cleaned_data["fran"])
    newer = selectors.version_get(user=request.user, page=page, number=form.cleaned_data["till"])
    if older.number > newer.number:
        older, newer = newer, older
    lines = rules.diff_lines(older.body, newer.body)
    removed, added = rules.diff_counts(lines)
    whole = request.GET.get("hela") == "1"
    return render(
        request,
        "national/handbook/diff.html",
        {
            "page": page,
            "form": form,
            "older": older,
            "newer": newer,
            "lines": lines if whole else rules.with_context(lines),
            "whole": whole,
            "removed": removed,
            "added": added,
            "title_changed": older.title != newer.title,
            "versions": list(selectors.versions(user=request.user, page=page)),
        },
    )


@page_access(AUTHENTICATED)
def handbook_pdf(request: HttpRequest) -> HttpResponse:
    """The whole handbook as one tagged PDF: cover, table of contents with page numbers, the chapters and
    their pages, and the rules the text names."""
    from finsam.reports.pdf import pdf_response, render_pdf

    chapters = selectors.chapters(user=request.user, with_bodies=True)
    named: list[str] = []
    content = []
    for chapter in chapters:
        pages_html = []
        for page in chapter.pages.all():
            pages_html.append((page, render_markdown(page.body, link_code=pdf_target)))
            named += [code for code in codes_in(page.body) if code not in named]
        content.append((chapter, render_markdown(chapter.intro, link_code=pdf_target), pages_html))
    pdf = render_pdf(
        "national/handbook/handbook_pdf.html",
        {
            "content": content,
            "rules": [RULES[code] for code in sorted(named)],
            "printed": timezone.localdate(),
        },
        request=request,
    )
    return pdf_response(pdf, filename="handbok for finansiell samordning")


# --- editing --------------------------------------------------------------------------------------


def _chapter_choices(user: Actor) -> list[tuple[int, str]]:
    return [(c.pk, str(c)) for c in selectors.chapters(user=user)]


def _page_form_page(
    request: HttpRequest,
    form: forms.PageForm,
    *,
    page: HandbookPage | None,
    refusal: Any,
    current: Any = None,
) -> HttpResponse:
    conflict_lines = []
    if current is not None:
        conflict_lines = rules.with_context(rules.diff_lines(current.body, form.data.get("body", "")))
    return pages.form_page(
        request,
        "national/handbook/page_form.html",
        {
            "form": form,
            "page": page,
            "current": current,
            "conflict_lines": conflict_lines,
            "title": _("Ändra sidan %(title)s") % {"title": page.title} if page else _("Ny sida i handboken"),
            "cancel_url": reverse("national:handbook_page", kwargs={"slug": page.slug})
            if page
            else reverse("national:handbook_index"),
        },
        refusal=refusal,
    )


@page_access(EDIT, methods=FORM_METHODS)
def page_create(request: HttpRequest) -> HttpResponse:
    chapter = request.GET.get("kapitel", "")
    form = forms.PageForm(
        pages.bound(request),
        chapters=_chapter_choices(request.user),
        initial={"chapter": int(chapter) if chapter.isdigit() else None},
    )

    def save() -> HandbookPage:
        data = dict(form.cleaned_data)
        data.pop("version", None)
        data["chapter"] = selectors.chapter_get(user=request.user, chapter_id=data["chapter"])
        return services.page_create(actor=request.user, **data)

    attempt = pages.attempt(form, save)
    if attempt.done:
        messages.success(request, _("Sidan har sparats som version 1."))
        return redirect("national:handbook_page", slug=attempt.result.slug)
    return _page_form_page(request, form, page=None, refusal=attempt.refusal)


@page_access(EDIT, methods=FORM_METHODS)
def page_edit(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.page_get(user=request.user, slug=slug)
    form = forms.PageForm(
        pages.bound(request),
        chapters=_chapter_choices(request.user),
        initial={
            "chapter": page.chapter_id,
            "number": page.number,
            "title": page.title,
            "slug": page.slug,
            "body": page.body,
            "version": page.version,
        },
    )

    def save() -> HandbookPage:
        data = dict(form.cleaned_data)
        data["chapter"] = selectors.chapter_get(user=request.user, chapter_id=data["chapter"])
        return services.page_update(actor=request.user, page=page, **data)

    attempt = pages.attempt(form, save)
    if attempt.done:
        saved = attempt.result
        if saved.version == page.version:
            messages.info(request, _("Inget ändrades."))
        else:
            messages.success(request, _("Sidan har sparats som version %(n)s.") % {"n": saved.version})
        return redirect("national:handbook_page", slug=saved.slug)
    current = None
    if attempt.conflict:
        current = selectors.page_get(user=request.user, slug=page.slug)
        pages.keep_typing(form, current.version)
    return _page_form_page(request, form, page=page, refusal=attempt.refusal, current=current)


def _chapter_form_page(
    request: HttpRequest, form: forms.ChapterForm, chapter: HandbookChapter | None, refusal: Any
) -> HttpResponse:
    return pages.form_page(
        request,
        "national/handbook/form.html",
        {
            "form": form,
            "title": _("Ändra kapitel %(title)s") % {"title": chapter.title}
            if chapter
            else _("Nytt kapitel"),
            "cancel_url": reverse("national:handbook_index"),
        },
        refusal=refusal,
    )


@page_access(EDIT, methods=FORM_METHODS)
def chapter_create(request: HttpRequest) -> HttpResponse:
    form = forms.ChapterForm(pages.bound(request))

    def save() -> HandbookChapter:
        data = dict(form.cleaned_data)
        data.pop("version", None)
        return services.chapter_create(actor=request.user, **data)

    attempt = pages.attempt(form, save)
    if attempt.done:
        messages.success(request, _("Kapitlet har sparats."))
        return redirect(f"{reverse('national:handbook_index')}#kapitel-{attempt.result.slug}")
    return _chapter_form_page(request, form, None, attempt.refusal)


@page_access(EDIT, methods=FORM_METHODS)
def chapter_edit(request: HttpRequest, handbook_chapter_id: int) -> HttpResponse:
    chapter = selectors.chapter_get(user=request.user, chapter_id=handbook_chapter_id)
    form = forms.ChapterForm(
        pages.bound(request),
        initial={
            "number": chapter.number,
            "title": chapter.title,
            "slug": chapter.slug,
            "intro": chapter.intro,
            "version": chapter.version,
        },
    )
    attempt = pages.attempt(
        form, lambda: services.chapter_update(actor=request.user, chapter=chapter, **form.cleaned_data)
    )
    if attempt.done:
        messages.success(request, _("Kapitlet har sparats."))
        return redirect(f"{reverse('national:handbook_index')}#kapitel-{attempt.result.slug}")
    if attempt.conflict:
        pages.keep_typing(form, selectors.chapter_get(user=request.user, chapter_id=chapter.pk).version)
    return _chapter_form_page(request, form, chapter, attempt.refusal)


# --- the register of rules ------------------------------------------------------------------------


@page_access(AUTHENTICATED)
def rule_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "national/handbook/rule_list.html",
        {"rules": [r.translated() for r in domain_rules()], "checks": [r.translated() for r in checks()]},
    )


@page_access(AUTHENTICATED)
def rule_detail(request: HttpRequest, code: str) -> HttpResponse:
    rule = rule_for(code)
    if rule is None:
        raise Http404
    if rule.code != code:  # a point of a rule (R-SAMRAD-1): the rule's page, at the point
        point = point_of(code)
        url = reverse("national:rule_detail", kwargs={"code": rule.code})
        return redirect(f"{url}#punkt-{point}" if point else url)
    return render(
        request,
        "national/handbook/rule_detail.html",
        {"rule": rule.translated(), "pages": selectors.pages_mentioning(user=request.user, code=rule.code)},
    )
