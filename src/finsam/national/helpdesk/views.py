"""The help desk's pages. Thin: a form parses the input, a selector or service does the work.

The questions (under /nationellt/fragor/) are for a förbund's users and the working group; the public
FAQ (under /nationellt/fragor-och-svar/) is for everyone, signed in or not. Question texts are plain
text, always shown escaped with their line breaks kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from finsam.core import pages
from finsam.core.decorators import AUTHENTICATED, PUBLIC, page_access
from finsam.core.roles import Capability
from finsam.national.helpdesk import forms, selectors, services
from finsam.national.helpdesk.models import Question
from finsam.national.helpdesk.schemas import MessageKind, QuestionCategory

VIEW = Capability.HELPDESK_VIEW
ASK = Capability.HELPDESK_ASK
ANSWER = Capability.HELPDESK_ANSWER
FORM_METHODS = ("GET", "POST")
FORM = "national/helpdesk/form.html"
PER_PAGE = 25
ID = "helpdesk_question_id"


def _detail_url(question: Question) -> str:
    return reverse("national:helpdesk_question_detail", args=[question.pk])


def _person(user: Any) -> str:
    return user.get_full_name() or user.get_username()


@page_access(VIEW)
def question_list(request: HttpRequest) -> HttpResponse:
    is_group = selectors.can_answer(user=request.user)
    associations = selectors.visible_associations(user=request.user)
    form = forms.QuestionFilterForm(
        request.GET or None, associations=associations if is_group or len(associations) > 1 else None
    )
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "status": data["status"],
            "category": data["kategori"],
            "association_id": data.get("forbund"),
        }
    questions = selectors.question_list(user=request.user, **filters)
    page = Paginator(questions, PER_PAGE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "national/helpdesk/question_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "is_group": is_group,
            "can_ask": selectors.can_ask(user=request.user),
            "counts": selectors.status_counts(user=request.user),
        },
    )


@page_access(ASK, methods=FORM_METHODS)
def question_create(request: HttpRequest) -> HttpResponse:
    form = forms.QuestionForm(
        pages.bound(request),
        pages.bound_files(request),
        associations=selectors.askable_associations(user=request.user),
    )
    attempt = pages.attempt(
        form,
        lambda: services.question_ask(
            actor=request.user,
            association_id=form.cleaned_data["association"],
            category=form.cleaned_data["category"],
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            attachment=form.cleaned_data.get("attachment"),
        ),
    )
    if attempt.done:
        messages.success(
            request, _("Frågan har skickats till arbetsgruppen. Du får e-post när den besvaras.")
        )
        return redirect(_detail_url(attempt.result))
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Ställ en fråga till arbetsgruppen"),
            "intro": _(
                "Den nationella arbetsgruppen svarar på förbundens frågor om juridik, ekonomi, organisation "
                "och "
                "uppföljning. Frågan och svaret syns för ditt förbunds användare och för arbetsgruppen."
            ),
            "multipart": True,
            "submit": _("Skicka frågan"),
            "cancel_url": reverse("national:helpdesk_question_list"),
        },
        refusal=attempt.refusal,
    )


@page_access(VIEW, scoped=ID)
def question_detail(request: HttpRequest, helpdesk_question_id: int) -> HttpResponse:
    question = selectors.question_get(user=request.user, question_id=helpdesk_question_id)
    is_group = selectors.can_answer(user=request.user)
    context: dict[str, Any] = {
        "question": question,
        "thread": list(question.messages.all()),
        "is_group": is_group,
        "can_reply": selectors.can_ask(user=request.user, question=question) and question.status != "closed",
        "closed": question.status == "closed",
        "faq_entry": selectors.faq_entry_of(question) if is_group else None,
        "kinds": MessageKind,
    }
    if is_group:
        assignees = [(u.pk, _person(u)) for u in selectors.assignees()]
        context["assign_form"] = forms.AssignForm(
            initial={"assignee": question.assignee_id or request.user.pk, "version": question.version},
            assignees=assignees,
            auto_id="assign_%s",
        )
        # Several forms on one page: each with ids of its own.
        version = {"version": question.version}
        context["respond_form"] = forms.RespondForm(initial=version, auto_id="respond_%s")
        context["close_form"] = forms.CloseForm(initial=version, auto_id="close_%s")
        context["can_publish"] = selectors.answer_count(question) > 0 and context["faq_entry"] is None
    if context["can_reply"]:
        context["reply_form"] = forms.ReplyForm(initial={"version": question.version}, auto_id="reply_%s")
    return render(request, "national/helpdesk/question_detail.html", context)


def _step_page(
    request: HttpRequest, question: Question, form: Any, attempt: pages.Attempt[Any], title: str, **extra: Any
) -> HttpResponse:
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": title,
            "question": question,
            "cancel_url": _detail_url(question),
            **extra,
        },
        refusal=attempt.refusal,
    )


@page_access(ANSWER, scoped=ID, methods=FORM_METHODS)
def question_assign(request: HttpRequest, helpdesk_question_id: int) -> HttpResponse:
    question = selectors.question_get(user=request.user, question_id=helpdesk_question_id, capability=ANSWER)
    form = forms.AssignForm(
        pages.bound(request),
        initial={"assignee": question.assignee_id or request.user.pk, "version": question.version},
        assignees=[(u.pk, _person(u)) for u in selectors.assignees()],
    )
    attempt = pages.attempt(
        form,
        lambda: services.question_assign(
            actor=request.user,
            question=question,
            assignee_id=form.cleaned_data["assignee"],
            version=form.cleaned_data["version"],
        ),
    )
    if attempt.done:
        messages.success(request, _("Frågan har tilldelats."))
        return redirect(_detail_url(question))
    return _step_page(request, question, form, attempt, _("Tilldela frågan"), submit=_("Tilldela"))


@page_access(ANSWER, scoped=ID, methods=FORM_METHODS)
def question_respond(request: HttpRequest, helpdesk_question_id: int) -> HttpResponse:
    question = selectors.question_get(user=request.user, question_id=helpdesk_question_id, capability=ANSWER)
    form = forms.RespondForm(
        pages.bound(request), pages.bound_files(request), initial={"version": question.version}
    )
    attempt = pages.attempt(
        form,
        lambda: services.question_respond(
            actor=request.user,
            question=question,
            kind=form.cleaned_data["kind"],
            body=form.cleaned_data["body"],
            attachment=form.cleaned_data.get("attachment"),
            version=form.cleaned_data["version"],
        ),
    )
    if attempt.done:
        if attempt.result.kind == MessageKind.ANSWER:
            messages.success(request, _("Svaret har skickats."))
        else:
            messages.success(request, _("Motfrågan har skickats."))
        return redirect(_detail_url(question))
    return _step_page(
        request, question, form, attempt, _("Svara på frågan"), multipart=True, submit=_("Skicka")
    )


@page_access(ASK, scoped=ID, methods=FORM_METHODS)
def question_reply(request: HttpRequest, helpdesk_question_id: int) -> HttpResponse:
    question = selectors.question_get(user=request.user, question_id=helpdesk_question_id, capability=ASK)
    form = forms.ReplyForm(
        pages.bound(request), pages.bound_files(request), initial={"version": question.version}
    )
    attempt = pages.attempt(
        form,
        lambda: services.question_reply(
            actor=request.user,
            question=question,
            body=form.cleaned_data["body"],
            attachment=form.cleaned_data.get("attachment"),
            version=form.cleaned_data["version"],
        ),
    )
    if attempt.done:
        messages.success(request, _("Kompletteringen har skickats till arbetsgruppen."))
        return redirect(_detail_url(question))
    return _step_page(
        request, question, form, attempt, _("Komplettera frågan"), multipart=True, submit=_("Skicka")
    )


@page_access(ANSWER, scoped=ID, methods=FORM_METHODS)
def question_close(request: HttpRequest, helpdesk_question_id: int) -> HttpResponse:
    question = selectors.question_get(user=request.user, question_id=helpdesk_question_id, capability=ANSWER)
    form = forms.CloseForm(pages.bound(request), initial={"version": question.version})
    attempt = pages.attempt(
        form,
        lambda: services.question_close(
            actor=request.user, question=question, version=form.cleaned_data["version"]
        ),
    )
    if attempt.done:
        messages.success(request, _("Frågan har stängts."))
        return redirect(_detail_url(question))
    return _step_page(
        request,
        question,
        form,
        attempt,
        _("Stäng frågan"),
        intro=_("En stängd fråga kan inte längre besvaras eller kompletteras. Frågeställaren får e-post."),
        submit=_("Stäng frågan"),
    )


@page_access(ANSWER, scoped=ID, methods=FORM_METHODS)
def faq_publish(request: HttpRequest, helpdesk_question_id: int) -> HttpResponse:
    question = selectors.question_get(user=request.user, question_id=helpdesk_question_id, capability=ANSWER)
    answers = [m.body for m in question.messages.all() if m.kind == MessageKind.ANSWER]
    form = forms.FaqForm(
        pages.bound(request),
        initial={
            "category": question.category,
            "title": question.title,
            "question_text": question.body,
            "answer_text": "\n\n".join(answers),
        },
    )
    attempt = pages.attempt(
        form, lambda: services.faq_publish(actor=request.user, question=question, **form.cleaned_data)
    )
    if attempt.done:
        messages.success(request, _("Frågan och svaret har publicerats bland frågor och svar."))
        return redirect("national:faq_detail", attempt.result.pk)
    return _step_page(
        request,
        question,
        form,
        attempt,
        _("Publicera bland frågor och svar"),
        intro=_(
            "Texten blir offentlig. Ta bort frågeställarens namn, förbundets namn och allt annat som pekar "
            "ut en "
            "person eller ett förbund, och skriv om där det behövs."
        ),
        submit=_("Publicera"),
        warning_names=[_person(question.asker), question.association.name],
    )


@page_access(VIEW, scoped="helpdesk_attachment_id")
def attachment_download(request: HttpRequest, helpdesk_attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_get(user=request.user, attachment_id=helpdesk_attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=attachment.filename, content_type=attachment.content_type
    )


# --- the public FAQ and search ---------------------------------------------------------------------


@page_access(PUBLIC)
def faq_list(request: HttpRequest) -> HttpResponse:
    form = forms.FaqFilterForm(request.GET or None)
    category, query = "", ""
    if form.is_bound and form.is_valid():
        category, query = form.cleaned_data["kategori"], form.cleaned_data["q"].strip()
    hits = selectors.faq_search(query=query) if query else None
    entries = selectors.faq_list(category=category)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("sida"))
    params = request.GET.copy()
    params.pop("sida", None)
    return render(
        request,
        "national/helpdesk/faq_list.html",
        {
            "form": form,
            "page": page,
            "hits": hits,
            "search": query,
            "category": QuestionCategory(category).label if category else "",
            "query": params.urlencode(),
            "can_edit": selectors.can_answer(user=request.user),
        },
    )


@page_access(PUBLIC)
def faq_detail(request: HttpRequest, faq_entry_id: int) -> HttpResponse:
    entry = selectors.faq_get(user=request.user, entry_id=faq_entry_id)
    return render(
        request,
        "national/helpdesk/faq_detail.html",
        {"entry": entry, "can_edit": selectors.can_answer(user=request.user)},
    )


@page_access(ANSWER, methods=FORM_METHODS)
def faq_edit(request: HttpRequest, faq_entry_id: int) -> HttpResponse:
    entry = selectors.faq_get(user=request.user, entry_id=faq_entry_id)
    form = forms.FaqEditForm(
        pages.bound(request),
        initial={
            "category": entry.category,
            "title": entry.title,
            "question_text": entry.question_text,
            "answer_text": entry.answer_text,
            "published": entry.published,
            "version": entry.version,
        },
    )
    attempt = pages.attempt(
        form, lambda: services.faq_update(actor=request.user, entry=entry, **form.cleaned_data)
    )
    if attempt.done:
        messages.success(request, _("Frågan och svaret har sparats."))
        return redirect("national:faq_detail", entry.pk)
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Ändra fråga och svar"),
            "intro": _("Ta bort bocken för att avpublicera: texten syns då inte längre för allmänheten."),
            "cancel_url": reverse("national:faq_detail", args=[entry.pk]),
        },
        refusal=attempt.refusal,
    )


@page_access(AUTHENTICATED)
def search(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        results = selectors.search(user=request.user, query=form.cleaned_data["q"])
    return render(request, "national/helpdesk/search.html", {"form": form, "results": results})
