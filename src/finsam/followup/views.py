"""The follow-up pages. Thin: they parse input with a form, call a selector or a service, and render.

A refused form answers 400 with the Swedish message on the field and writes nothing; a write redirects
with a success message. Identities are shown only through `services.participant_identity_read`, which
writes the audit entry.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from finsam.core import audit, pages
from finsam.core.decorators import page_access
from finsam.core.errors import RuleViolation, Violation
from finsam.core.forms import violation_error
from finsam.core.roles import Capability
from finsam.followup import forms, rules, selectors, services
from finsam.followup.audit_actions import AuditAction
from finsam.followup.models import EducationLevel, EmploymentStatus, IncomeSource, Participation
from finsam.followup.schemas import PARTICIPANT_PAGE_SIZE, ParticipantSort
from finsam.interventions import selectors as intervention_selectors
from finsam.registry import selectors as registry_selectors

FORM_METHODS = ("GET", "POST")
PARTICIPANTS_PER_PAGE = PARTICIPANT_PAGE_SIZE


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


# --- participants -------------------------------------------------------------------------------


@page_access(Capability.PARTICIPANT_VIEW, scoped="association_id", methods=FORM_METHODS)
def participant_list(request: HttpRequest, association_id: int) -> HttpResponse:
    """50 a page, filtered and sorted by the query string (the paging links keep it). A search for one
    participant comes by POST: a personnummer (exact, through the keyed hash; the search is audited
    without the number) or a participant number; it looks through all the user's participants."""
    association = registry_selectors.association_get(
        user=request.user, association_id=association_id, capability=Capability.PARTICIPANT_VIEW
    )
    interventions = intervention_selectors.coordinated_interventions(
        user=request.user, association_id=association_id, individual_only=True
    ).order_by("name")
    filter_form = forms.ParticipantListFilterForm(request.GET or None, interventions=interventions)
    search_form = forms.ParticipantSearchForm(pages.bound(request))
    filters: dict[str, Any] = filter_form.filters() if request.GET else {"sort": ParticipantSort.NUMBER_DESC}
    searched = False
    status = 200
    if search_form.is_bound:
        filters = {"sort": filters["sort"]}
        if search_form.is_valid():
            number = search_form.participant_number()
            if number is not None:
                filters["participant_number"] = number
                searched = True
            else:
                try:
                    filters["identity_hash"] = services.participant_identity_search(
                        actor=request.user,
                        association_id=association_id,
                        identity_number=search_form.cleaned_data["sok"],
                    )
                    searched = True
                except RuleViolation as exc:
                    for violation in exc.violations:
                        search_form.add_error("sok", violation_error(violation))
        if not searched:
            status = 400
    elif filter_form.is_bound and not filter_form.is_valid():
        status = 400
    participants = selectors.participant_list(
        user=request.user, association_id=association_id, with_participations=False, **filters
    )
    listed: Any = selectors.ParticipantPages(participants)  # sliced and counted as a Paginator does
    page = Paginator(listed, PARTICIPANTS_PER_PAGE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "followup/participant_list.html",
        {
            "association": association,
            "filter_form": filter_form,
            "search_form": search_form,
            "searched": searched,
            "chosen": filters.get("intervention_id"),
            "sort": filters["sort"],
            "page": page,
            "query": query.urlencode(),
        },
        status=status,
    )


@page_access(Capability.PARTICIPANT_EDIT, scoped="association_id", methods=FORM_METHODS)
def participant_register(request: HttpRequest, association_id: int) -> HttpResponse:
    association = registry_selectors.association_get(
        user=request.user, association_id=association_id, capability=Capability.PARTICIPANT_EDIT
    )
    interventions = (
        intervention_selectors.coordinated_interventions(
            user=request.user, association_id=association_id, individual_only=True
        )
        .exclude(status="ended")
        .order_by("name")
    )
    initial = {}
    chosen = _int(request.GET.get("insats"))
    if chosen is not None and any(i.pk == chosen for i in interventions):
        initial["intervention"] = chosen
    form = forms.ParticipantEnrolForm(
        pages.bound(request),
        pages.bound_files(request),
        initial=initial,
        interventions=interventions,
        validate_url=forms.validate_url(association_id),
    )
    attempt = pages.attempt(
        form,
        lambda: services.participant_enrol(
            actor=request.user, association=association, **form.service_arguments()
        ),
    )
    if attempt.done:
        participation = attempt.result
        messages.success(
            request,
            _("Deltagare %(id)s är inskriven i %(name)s.")
            % {"id": participation.participant_id, "name": participation.intervention.name},
        )
        _tell_same_person(request, participation.participant)
        return redirect("followup:participant_detail", participation.participant_id)
    return pages.form_page(
        request,
        "followup/participant_register.html",
        {"form": form, "association": association, "has_interventions": bool(interventions)},
        refusal=attempt.refusal,
    )


def _tell_same_person(request: HttpRequest, participant: Any) -> None:
    """After a registration: the person is already registered in the förbund (the records are one person
    by the keyed hash); the intervention is named only where the coordinator coordinates it."""
    same = selectors.same_person(user=request.user, participant=participant)
    if not same:
        return
    named = ", ".join(_("deltagare %(id)s i %(name)s") % {"id": pk, "name": name} for pk, name in same.shown)
    if named and same.elsewhere:
        text = ngettext(
            "Personen är redan registrerad i förbundet: som %(named)s och i %(count)s insats till, som du "
            "inte är deltagaransvarig för. Posterna visas som samma person.",
            "Personen är redan registrerad i förbundet: som %(named)s och i %(count)s insatser till, som "
            "du inte är deltagaransvarig för. Posterna visas som samma person.",
            same.elsewhere,
        ) % {"named": named, "count": same.elsewhere}
    elif named:
        text = _(
            "Personen är redan registrerad i förbundet: som %(named)s. Posterna visas som samma person."
        ) % {"named": named}
    else:
        text = _(
            "Personen är redan registrerad i förbundet, i en insats som du inte är deltagaransvarig för. "
            "Posterna visas som samma person."
        )
    messages.warning(request, text)


@page_access(Capability.PARTICIPANT_VIEW, scoped="participant_id")
def participant_detail(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = selectors.participant_get(user=request.user, participant_id=participant_id)
    return render(
        request,
        "followup/participant_detail.html",
        {
            "same_person": selectors.same_person(user=request.user, participant=participant),
            "participant": participant,
            "association": participant.association,
            "consent": getattr(participant, "consent", None),
            "participations": list(participant.participations.all()),
            "income_labels": dict(IncomeSource.choices),
        },
    )


@page_access(Capability.PARTICIPANT_VIEW, scoped="participant_id", recent_authentication=True)
def participant_identity(request: HttpRequest, participant_id: int) -> HttpResponse:
    """Shows the personnummer; each view is written to the audit log. A fragment for htmx, a page
    otherwise. The password must have been given in the last minutes (core.reauth)."""
    number = services.participant_identity_read(actor=request.user, participant_id=participant_id)
    context = {"number": number, "participant_id": participant_id}
    if getattr(request, "htmx", False):
        return render(request, "followup/_identity.html", context)
    participant = selectors.participant_get(user=request.user, participant_id=participant_id)
    return render(request, "followup/participant_identity.html", {**context, "participant": participant})


@page_access(Capability.PARTICIPANT_VIEW, scoped="participant_id", recent_authentication=True)
def consent_form(request: HttpRequest, participant_id: int) -> HttpResponse | FileResponse:
    """The scanned consent form (it names the person), for the coordinators of the intervention, decrypted;
    each download is audited, and the password must have been given in the last minutes (core.reauth). A
    form the keys cannot read is refused with the reason on the participant's page."""
    participant = selectors.participant_get(user=request.user, participant_id=participant_id)
    consent = getattr(participant, "consent", None)
    if consent is None or not consent.scanned_form:
        raise Http404
    name = consent.scanned_form.name
    try:
        content = selectors.consent_form_content(name=name)
    except RuleViolation as refusal:
        messages.error(request, refusal.message)
        return redirect("followup:participant_detail", participant.pk)
    audit.record(
        actor=request.user,
        action=AuditAction.PARTICIPANT_CONSENT_FORM_READ,
        target=participant,
        association_id=participant.association_id,
    )
    suffix = name.rsplit(".", 1)[-1] if "." in name else "bin"
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"samtycke-deltagare-{participant.pk}.{suffix}",
    )


@page_access(Capability.PARTICIPANT_EDIT, scoped="participant_id", methods=FORM_METHODS)
def consent_withdraw(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = selectors.participant_get(
        user=request.user, participant_id=participant_id, capability=Capability.PARTICIPANT_EDIT
    )
    form = forms.ConsentWithdrawForm(pages.bound(request))
    attempt = pages.attempt(
        form,
        lambda: services.consent_withdraw(
            actor=request.user, participant=participant, withdrawn_on=form.cleaned_data["withdrawn_on"]
        ),
    )
    if attempt.done:
        messages.success(request, _("Samtycket är återkallat och personnumret borttaget."))
        return redirect("followup:participant_detail", participant.pk)
    return pages.form_page(
        request,
        "followup/consent_withdraw.html",
        {"form": form, "participant": participant, "consent": getattr(participant, "consent", None)},
        refusal=attempt.refusal,
    )


# --- participations -----------------------------------------------------------------------------


@page_access(Capability.PARTICIPANT_EDIT, scoped="participant_id", methods=FORM_METHODS)
def participation_start(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = selectors.participant_get(
        user=request.user, participant_id=participant_id, capability=Capability.PARTICIPANT_EDIT
    )
    previous = list(participant.participations.all())
    initial: dict[str, Any] = {}
    if previous:
        # A new period usually starts where the last one ended: its after-values are the new before-values.
        last = previous[-1]
        initial["education_level"] = last.education_level
        initial["employment_before"] = last.employment_after
        for entry in last.income_sources.all():
            if entry.phase == "after":
                initial[f"income_before_{entry.source}"] = str(entry.extent)
    form = forms.ParticipationStartForm(
        pages.bound(request),
        initial=initial,
        validate_url=forms.validate_url(participant.association_id),
        participant_id=participant.pk,
    )
    attempt = pages.attempt(
        form,
        lambda: services.participation_start(
            actor=request.user, participant=participant, **form.service_arguments()
        ),
    )
    if attempt.done:
        messages.success(request, _("Deltagandet är startat."))
        return redirect("followup:participant_detail", participant.pk)
    return pages.form_page(
        request,
        "followup/participation_start.html",
        {
            "form": form,
            "participant": participant,
            "open": any(p.exit is None for p in previous),
        },
        refusal=attempt.refusal,
    )


@page_access(Capability.PARTICIPANT_EDIT, scoped="participation_id", methods=FORM_METHODS)
def participation_exit(request: HttpRequest, participation_id: int) -> HttpResponse:
    participation = selectors.participation_get(
        user=request.user, participation_id=participation_id, capability=Capability.PARTICIPANT_EDIT
    )
    questions = list(
        selectors.question_list(user=request.user, association_id=participation.association_id, point="exit")
    )
    form = forms.ParticipationExitForm(
        pages.bound(request),
        validate_url=forms.validate_url(participation.association_id),
        participation_id=participation.pk,
        questions=questions,
    )
    attempt = pages.attempt(
        form,
        lambda: services.participation_exit(
            actor=request.user, participation=participation, **form.service_arguments()
        ),
    )
    if attempt.done:
        messages.success(request, _("Deltagandet är avslutat."))
        return redirect("followup:participant_detail", participation.participant_id)
    return pages.form_page(
        request,
        "followup/participation_exit.html",
        {"form": form, "participation": participation, "participant": participation.participant},
        refusal=attempt.refusal,
    )


@page_access(Capability.PARTICIPANT_EDIT, scoped="participant_id", methods=FORM_METHODS)
def participant_correct(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = selectors.participant_get(
        user=request.user, participant_id=participant_id, capability=Capability.PARTICIPANT_EDIT
    )
    identified = participant.identity_ciphertext is not None
    form = forms.ParticipantCorrectForm(
        pages.bound(request), initial={"sex": participant.sex}, identified=identified
    )
    attempt = pages.attempt(
        form,
        lambda: services.participant_correct(
            actor=request.user, participant=participant, **form.service_arguments()
        ),
    )
    if attempt.done:
        messages.success(request, _("Deltagarens uppgifter är rättade."))
        return redirect("followup:participant_detail", participant.pk)
    return pages.form_page(
        request,
        "followup/participant_correct.html",
        {"form": form, "participant": participant, "identified": identified},
        refusal=attempt.refusal,
    )


@page_access(Capability.PARTICIPANT_EDIT, scoped="participation_id", methods=FORM_METHODS)
def participation_correct(request: HttpRequest, participation_id: int) -> HttpResponse:
    participation = selectors.participation_get(
        user=request.user, participation_id=participation_id, capability=Capability.PARTICIPANT_EDIT
    )
    form = forms.ParticipationCorrectForm(
        pages.bound(request),
        initial=forms.ParticipationCorrectForm.initial_of(participation),
        exited=participation.exit is not None,
    )
    attempt = pages.attempt(
        form,
        lambda: services.participation_correct(
            actor=request.user, participation=participation, **form.service_arguments()
        ),
    )
    if attempt.done:
        messages.success(request, _("Deltagandets uppgifter är rättade."))
        return redirect("followup:participant_detail", participation.participant_id)
    return pages.form_page(
        request,
        "followup/participation_correct.html",
        {"form": form, "participation": participation, "participant": participation.participant},
        refusal=attempt.refusal,
    )


@page_access(Capability.PARTICIPANT_EDIT, scoped="participation_id", methods=FORM_METHODS)
def followup_later(request: HttpRequest, participation_id: int) -> HttpResponse:
    participation = selectors.participation_get(
        user=request.user, participation_id=participation_id, capability=Capability.PARTICIPANT_EDIT
    )
    questions = list(
        selectors.question_list(user=request.user, association_id=participation.association_id, point="later")
    )
    form = forms.LaterFollowupForm(pages.bound(request), questions=questions)
    attempt = pages.attempt(
        form,
        lambda: services.followup_answers_record(
            actor=request.user,
            participation=participation,
            answered_on=form.cleaned_data["answered_on"],
            answers=form.answers(),
        ),
    )
    if attempt.done:
        messages.success(request, _("Uppföljningen är sparad."))
        return redirect("followup:participant_detail", participation.participant_id)
    return pages.form_page(
        request,
        "followup/followup_later.html",
        {"form": form, "participation": participation, "participant": participation.participant},
        refusal=attempt.refusal,
    )


# --- validation as you type ---------------------------------------------------------------------


def _parse_date(value: str) -> tuple[date | None, str]:
    try:
        return django_forms.DateField().clean(value), ""
    except ValidationError as exc:
        return None, " ".join(exc.messages)


def _first(violations: list[Violation], field: str) -> str:
    for violation in violations:
        if violation.field == field:
            return f"{violation.message} [{violation.code}]"
    return ""


def _check_identity_number(request: HttpRequest, association_id: int) -> str:
    value = request.POST.get("identity_number", "").strip()
    if not value:
        return ""
    if request.POST.get("registration", "identified") != "identified":
        return _("En anonym deltagare registreras utan personnummer.") + " [R-CONSENT]"
    try:
        rules.parse_identity_number(value, today=timezone.localdate())
    except ValueError as exc:
        return f"{exc} [R-IDENTITY]"
    return ""


def _check_consent_given_on(request: HttpRequest, association_id: int) -> str:
    day, error = _parse_date(request.POST.get("consent_given_on", ""))
    if day is None:
        return error if request.POST.get("consent_given_on") else ""
    if day > timezone.localdate():
        return _("Samtyckets datum kan inte ligga i framtiden.") + " [R-CONSENT]"
    return ""


def _start_message(
    start: date, *, intervention: Any, previous: list[rules.Span], birth_date: date | None = None
) -> str:
    violations = rules.start_violations(
        start=start,
        today=timezone.localdate(),
        intervention_kind=intervention.kind,
        intervention_start=intervention.start,
        intervention_end=intervention.end,
        previous=previous,
        employment_before=EmploymentStatus.NONE,
        education_level=EducationLevel.UNKNOWN,
        income_before=[(IncomeSource.NONE, 100)],
        birth_date=birth_date,
    )
    return _first(violations, "start")


def _posted_birth_date(request: HttpRequest) -> date | None:
    """The birth date in the personnummer typed on the enrolment form, for the age rule; None if none yet."""
    if request.POST.get("registration", "identified") != "identified":
        return None
    try:
        return rules.parse_identity_number(
            request.POST.get("identity_number", ""), today=timezone.localdate()
        ).birth_date
    except ValueError:
        return None


def _check_enrol_start(request: HttpRequest, association_id: int) -> str:
    start, error = _parse_date(request.POST.get("start", ""))
    if start is None:
        return error
    intervention = (
        intervention_selectors.coordinated_interventions(user=request.user, association_id=association_id)
        .filter(pk=_int(request.POST.get("intervention")) or 0)
        .first()
    )
    if intervention is None:
        return (
            _("Startdatum kan inte ligga i framtiden.") + " [R-FOLLOWUP]"
            if start > timezone.localdate()
            else ""
        )
    return _start_message(
        start, intervention=intervention, previous=[], birth_date=_posted_birth_date(request)
    )


def _check_start(request: HttpRequest, association_id: int) -> str:
    start, error = _parse_date(request.POST.get("start", ""))
    if start is None:
        return error
    participant = selectors.participant_get(
        user=request.user,
        participant_id=_int(request.POST.get("_participant")) or 0,
        capability=Capability.PARTICIPANT_EDIT,
    )
    previous = [rules.Span(p.start, p.exit) for p in participant.participations.all()]
    return _start_message(start, intervention=participant.intervention, previous=previous)


def _check_exit(request: HttpRequest, association_id: int) -> str:
    exit_day, error = _parse_date(request.POST.get("exit", ""))
    if exit_day is None:
        return error
    participation: Participation = selectors.participation_get(
        user=request.user,
        participation_id=_int(request.POST.get("_participation")) or 0,
        capability=Capability.PARTICIPANT_EDIT,
    )
    violations = rules.exit_violations(
        start=participation.start,
        current_exit=participation.exit,
        exit=exit_day,
        today=timezone.localdate(),
        exit_reason="registered_by_mistake",
        employment_after="",
        income_after=[],
    )
    return _first(violations, "exit")


LIVE_CHECKS: dict[tuple[str, str], Callable[[HttpRequest, int], str]] = {
    ("enrol", "identity_number"): _check_identity_number,
    ("enrol", "consent_given_on"): _check_consent_given_on,
    ("enrol", "start"): _check_enrol_start,
    ("start", "start"): _check_start,
    ("exit", "exit"): _check_exit,
}


@page_access(Capability.PARTICIPANT_EDIT, scoped="association_id", methods=("POST",))
def validate(request: HttpRequest, association_id: int) -> HttpResponse:
    """Validation as you type: answers with the message for one field (empty when it is fine), shown in
    the field's live region. Writes nothing. 400 when the form or field is not one that is checked."""
    registry_selectors.association_get(
        user=request.user, association_id=association_id, capability=Capability.PARTICIPANT_EDIT
    )
    check = LIVE_CHECKS.get((request.POST.get("_form", ""), request.POST.get("_field", "")))
    if check is None:
        return HttpResponse(_("Okänt fält."), status=400, content_type="text/plain; charset=utf-8")
    field = request.POST["_field"]
    return render(
        request, "followup/_live_message.html", {"message": check(request, association_id), "name": field}
    )


# --- follow-up questions ------------------------------------------------------------------------


@page_access(Capability.FOLLOWUP_QUESTIONS_EDIT, scoped="association_id")
def question_list(request: HttpRequest, association_id: int) -> HttpResponse:
    association = registry_selectors.association_get(
        user=request.user, association_id=association_id, capability=Capability.FOLLOWUP_QUESTIONS_EDIT
    )
    questions = selectors.question_list(user=request.user, association_id=association_id)
    return render(
        request, "followup/question_list.html", {"association": association, "questions": questions}
    )


@page_access(Capability.FOLLOWUP_QUESTIONS_EDIT, scoped="association_id", methods=FORM_METHODS)
def question_create(request: HttpRequest, association_id: int) -> HttpResponse:
    association = registry_selectors.association_get(
        user=request.user, association_id=association_id, capability=Capability.FOLLOWUP_QUESTIONS_EDIT
    )
    form = forms.QuestionForm(pages.bound(request))
    attempt = pages.attempt(
        form,
        lambda: services.followup_question_create(
            actor=request.user, association=association, **form.cleaned_data
        ),
    )
    if attempt.done:
        messages.success(request, _("Frågan är sparad."))
        return redirect("followup:question_list", association.pk)
    return pages.form_page(
        request,
        "followup/form.html",
        {
            "form": form,
            "title": _("Ny uppföljningsfråga"),
            "back_url": reverse("followup:question_list", args=[association.pk]),
            "back_label": _("Uppföljningsfrågor"),
        },
        refusal=attempt.refusal,
    )


@page_access(Capability.FOLLOWUP_QUESTIONS_EDIT, scoped="question_id", methods=FORM_METHODS)
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    question = selectors.question_get(user=request.user, question_id=question_id)
    form = forms.QuestionEditForm(
        pages.bound(request),
        initial={
            "text": question.text,
            "answer_kind": question.answer_kind,
            "asked_at": question.asked_at,
            "position": question.position,
            "active": question.active,
        },
    )
    attempt = pages.attempt(
        form,
        lambda: services.followup_question_update(actor=request.user, question=question, **form.cleaned_data),
    )
    if attempt.done:
        messages.success(request, _("Frågan är sparad."))
        return redirect("followup:question_list", question.association_id)
    return pages.form_page(
        request,
        "followup/form.html",
        {
            "form": form,
            "title": _("Ändra uppföljningsfråga"),
            "back_url": reverse("followup:question_list", args=[question.association_id]),
            "back_label": _("Uppföljningsfrågor"),
        },
        refusal=attempt.refusal,
    )
