"""The governance pages. Thin: they parse input with a form, call a selector or a service, and render.

A refused form answers 400 with the Swedish message on the field (409 on an edit conflict); a change to
locked minutes is refused the same way (R-MINUTES-LOCKED). After a write the page redirects with a
success message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from finsam.core import pages
from finsam.core.access import Actor, scope_for
from finsam.core.decorators import PUBLIC, page_access
from finsam.core.errors import RuleViolation
from finsam.core.roles import Capability
from finsam.governance import forms, rules, selectors, services
from finsam.governance.models import Capacity, ConsultationKind, MeetingKind
from finsam.registry import selectors as registry_selectors
from finsam.reports import ical

VIEW = Capability.GOVERNANCE_VIEW
EDIT = Capability.GOVERNANCE_EDIT
NATIONAL = Capability.GOVERNANCE_NATIONAL
FORM_METHODS = ("GET", "POST")
FORM = "governance/form.html"


def _year(request: HttpRequest, default: int) -> int:
    form = forms.YearForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return int(form.cleaned_data["ar"])
    return default


def _visible_associations(user: Actor) -> list[tuple[int, str]]:
    scope = scope_for(user, VIEW)
    return [
        (a.pk, a.name)
        for a in registry_selectors.association_list(user=user).order_by("name")
        if scope.allows(a.pk)
    ]


# --- meetings -------------------------------------------------------------------------------------


@page_access(VIEW)
def meeting_list(request: HttpRequest) -> HttpResponse:
    associations = _visible_associations(request.user)
    form = forms.MeetingFilterForm(request.GET or None, associations=associations)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {"association_id": data["forbund"], "year": data["ar"], "kind": data["typ"] or ""}
    meetings = selectors.meeting_list(user=request.user, **filters)
    return render(
        request,
        "governance/meeting_list.html",
        {
            "form": form,
            "meetings": meetings[:200],
            "associations": associations,
            "can_edit": selectors.can_edit(user=request.user),
            "is_national": scope_for(request.user, NATIONAL).all,
        },
    )


def _choices(user: Actor) -> dict[str, Any]:
    today = selectors.today()
    people = list(selectors.person_choices(user=user))
    members = list(selectors.member_choices(user=user))
    associations = list(selectors.editable_associations(user=user))
    documents = list(selectors.document_choices(user=user, since_year=today.year - 2))
    return {
        "people": {p.pk: p for p in people},
        "members": {m.pk: m for m in members},
        "associations": {a.pk: a for a in associations},
        "documents": {d.pk: d for d in documents},
        "person_choices": [(p.pk, p.name) for p in people],
        "member_choices": [(m.pk, f"{m.name} ({m.association.name})") for m in members],
        "association_choices": [(a.pk, a.name) for a in associations],
        "document_choices": [(d.pk, f"{d.title} – {d.association.name}") for d in documents],
    }


def _forms(
    request: HttpRequest,
    choices: dict[str, Any],
    *,
    initial: dict[str, Any],
    rows: list[dict[str, Any]],
    create: bool,
) -> tuple[Any, Any]:
    form = forms.MeetingForm(
        pages.bound(request),
        initial=initial,
        associations=choices["association_choices"],
        people=choices["person_choices"],
        documents=choices["document_choices"],
        with_invite=create,
    )
    formset = forms.participant_formset(
        pages.bound(request),
        initial=rows,
        choices={
            "people": choices["person_choices"],
            "members": choices["member_choices"],
            "associations": choices["association_choices"],
        },
        blank_rows=3 if rows else 5,
    )
    return form, formset


def _participants(formset: Any, choices: dict[str, Any]) -> tuple[list[services.ParticipantInput], list[int]]:
    inputs: list[services.ParticipantInput] = []
    rows: list[int] = []
    for index, row in enumerate(formset.forms):
        data = row.cleaned_data
        if row.is_blank() or data.get("remove"):
            continue
        attended = {"yes": True, "no": False}.get(data.get("attended") or "")
        inputs.append(
            services.ParticipantInput(
                person=choices["people"][data["person"]],
                capacity=data.get("capacity") or Capacity.OTHER,
                member=choices["members"].get(data.get("member")) if data.get("member") else None,
                association=choices["associations"].get(data.get("association"))
                if data.get("association")
                else None,
                attended=attended,
                adjuster=bool(data.get("adjuster")),
            )
        )
        rows.append(index)
    return inputs, rows


def _save_meeting(
    form: Any, formset: Any, choices: dict[str, Any], save: Callable[..., Any]
) -> pages.Attempt[Any]:
    rows: list[int] = []
    return pages.attempt(
        form,
        lambda: _write_meeting(form, formset, choices, save, rows),
        formset,
        show=lambda exc: forms.add_row_violations(form, formset, rows, exc, default="person"),
    )


def _write_meeting(
    form: Any, formset: Any, choices: dict[str, Any], save: Callable[..., Any], rows: list[int]
) -> Any:
    """The meeting from the valid form and participant rows; `rows` gets the index of the row behind
    each participant, so that a refusal is shown on its row."""
    data = form.cleaned_data
    associations = [choices["associations"][i] for i in data["associations"]]
    participants, found = _participants(formset, choices)
    rows.extend(found)
    if data.get("invite"):
        taken = {(p.person.pk, p.member.pk if p.member else None) for p in participants}
        for invitation in selectors.default_invitations(associations=associations, day=data["date"]):
            key = (invitation.person.pk, invitation.member.pk if invitation.member else None)
            if key not in taken:
                taken.add(key)
                participants.append(
                    services.ParticipantInput(
                        invitation.person, invitation.capacity, invitation.member, invitation.association
                    )
                )
    titles = form.agenda_titles()
    agenda = [services.AgendaInput(t, rules.samrad_point_of(t)) for t in titles]
    return save(
        kind=data["kind"],
        consultation_kind=data.get("consultation_kind") or "",
        title=data.get("title") or "",
        date=data["date"],
        start_time=data.get("start_time"),
        place=data.get("place") or "",
        online_link=data.get("online_link") or "",
        associations=associations,
        convener=choices["people"].get(data["convener"]) if data.get("convener") else None,
        participants=participants,
        agenda=agenda,
        documents=[choices["documents"][i] for i in data.get("documents") or []],
    )


@page_access(EDIT, methods=FORM_METHODS)
def meeting_create(request: HttpRequest) -> HttpResponse:
    choices = _choices(request.user)
    kind = request.GET.get("typ", "")
    kind = kind if kind in MeetingKind.values else MeetingKind.MEMBER_CONSULTATION
    initial: dict[str, Any] = {"kind": kind, "invite": kind == MeetingKind.MEMBER_CONSULTATION}
    if kind == MeetingKind.MEMBER_CONSULTATION:
        initial |= {"consultation_kind": ConsultationKind.ANNUAL, "agenda": "\n".join(rules.SAMRAD_AGENDA)}
    if len(choices["association_choices"]) == 1:
        initial["associations"] = [choices["association_choices"][0][0]]
    form, formset = _forms(request, choices, initial=initial, rows=[], create=True)
    attempt = _save_meeting(
        form, formset, choices, lambda **kw: services.meeting_create(actor=request.user, **kw)
    )
    if attempt.done:
        meeting = attempt.result
        _saved_message(request, meeting, _("Mötet har registrerats."))
        return redirect("governance:meeting_detail", meeting.pk)
    return pages.form_page(
        request,
        "governance/meeting_form.html",
        {
            "form": form,
            "formset": formset,
            "title": _("Nytt möte"),
            "cancel_url": reverse("governance:meeting_list"),
        },
        form,
        formset,
        refusal=attempt.refusal,
    )


def _saved_message(request: HttpRequest, meeting: Any, text: str) -> None:
    messages.success(request, text)
    if meeting.warnings:
        count = len(meeting.warnings)
        messages.warning(
            request,
            ngettext(
                "Mötet följer inte rekommendationen på %(count)s punkt; se varningen nedan.",
                "Mötet följer inte rekommendationen på %(count)s punkter; se varningarna nedan.",
                count,
            )
            % {"count": count},
        )


@page_access(VIEW, scoped="meeting_id")
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    detail = selectors.meeting_detail(user=request.user, meeting_id=meeting_id)
    return _detail_page(request, detail)


def _detail_page(
    request: HttpRequest,
    detail: selectors.MeetingDetail,
    *,
    confirm: Any = None,
    refusal: RuleViolation | None = None,
) -> HttpResponse:
    version = detail.minutes.version if detail.minutes else 0
    if confirm is None:
        confirm = _confirm_form(None, detail, request.user, version)
    return pages.form_page(
        request,
        "governance/meeting_detail.html",
        {
            "detail": detail,
            "meeting": detail.meeting,
            "confirm_form": confirm,
            "may_confirm": bool(confirm.fields["participant"].choices),
        },
        confirm,
        refusal=refusal,
    )


def _confirm_form(data: Any, detail: selectors.MeetingDetail, user: Actor, version: int) -> Any:
    """The adjusters the user may confirm for: any, for the förbund's administration; themself, for an
    adjuster whose login is tied to their person."""
    adjusters = [
        (p.pk, p.person.name)
        for p in detail.unconfirmed_adjusters
        if detail.can_edit or (p.person.user_id is not None and p.person.user_id == user.pk)
    ]
    return forms.ConfirmForm(data, initial={"version": version}, adjusters=adjusters)


@page_access(EDIT, scoped="meeting_id", methods=FORM_METHODS)
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    detail = selectors.meeting_detail(user=request.user, meeting_id=meeting_id, capability=EDIT)
    meeting = detail.meeting
    choices = _choices(request.user)
    for document in detail.documents:  # attached before, still offered
        if document.pk not in choices["documents"]:
            choices["documents"][document.pk] = document
            choices["document_choices"].append(
                (document.pk, f"{document.title} – {document.association.name}")
            )
    for p in detail.participants:  # people outside the user's lists stay selectable
        if p.person_id not in choices["people"]:
            choices["people"][p.person_id] = p.person
            choices["person_choices"].append((p.person_id, p.person.name))
    if meeting.convener is not None and meeting.convener_id not in choices["people"]:
        choices["people"][meeting.convener.pk] = meeting.convener
        choices["person_choices"].append((meeting.convener.pk, meeting.convener.name))
    initial = {
        "kind": meeting.kind,
        "consultation_kind": meeting.consultation_kind,
        "title": meeting.title,
        "date": meeting.date,
        "start_time": meeting.start_time,
        "place": meeting.place,
        "online_link": meeting.online_link,
        "associations": [a.pk for a in detail.associations],
        "convener": meeting.convener_id,
        "agenda": "\n".join(item.title for item in detail.agenda),
        "documents": [d.pk for d in detail.documents],
        "version": meeting.version,
    }
    rows = [
        {
            "person": p.person_id,
            "capacity": p.capacity,
            "member": p.member_id,
            "association": p.association_id,
            "attended": "" if p.attended is None else "yes" if p.attended else "no",
            "adjuster": p.adjuster,
        }
        for p in detail.participants
    ]
    form, formset = _forms(request, choices, initial=initial, rows=rows, create=False)
    attempt: pages.Attempt[Any] = pages.Attempt()
    if not detail.locked:
        attempt = _save_meeting(
            form,
            formset,
            choices,
            lambda **kw: services.meeting_update(
                actor=request.user, meeting=meeting, version=form.cleaned_data["version"], **kw
            ),
        )
    elif request.method == "POST":
        form.is_valid()
        form.add_violations(RuleViolation(violations=[rules.locked_violation()]))
    if attempt.done:
        saved = attempt.result
        _saved_message(request, saved, _("Mötet har sparats."))
        return redirect("governance:meeting_detail", saved.pk)
    return pages.form_page(
        request,
        "governance/meeting_form.html",
        {
            "form": form,
            "formset": formset,
            "title": _("Ändra mötet"),
            "meeting": meeting,
            "locked": detail.locked,
            "cancel_url": reverse("governance:meeting_detail", args=[meeting.pk]),
        },
        form,
        formset,
        refusal=attempt.refusal,
    )


# --- minutes --------------------------------------------------------------------------------------


@page_access(EDIT, scoped="meeting_id", methods=FORM_METHODS)
def minutes_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    detail = selectors.meeting_detail(user=request.user, meeting_id=meeting_id, capability=EDIT)
    if request.method == "GET" and detail.minutes is not None and detail.minutes.locked is not None:
        # The address of a locked protocol's form shows the locked protocol: nothing there can be changed.
        messages.info(request, _("Protokollet är låst och kan inte ändras. Här är det låsta protokollet."))
        return redirect("governance:meeting_detail", detail.meeting.pk)
    items = [(item.position, f"§ {item.position} {item.title}") for item in detail.agenda]
    positions = {item.pk: item.position for item in detail.agenda}
    data = pages.bound(request)
    # "Add a decision" submits the form without saving it: the page comes back with what was typed and
    # one more empty decision row. It works without JavaScript, up to the formset's maximum.
    adding = data is not None and "add_decision" in data
    if adding:
        assert data is not None
        data = data.copy()
        rows_now = _int_or_zero(data.get("decisions-TOTAL_FORMS"))
        data["decisions-TOTAL_FORMS"] = str(min(rows_now + 1, forms.MAX_DECISION_ROWS))
    form = forms.MinutesForm(
        data,
        initial={"version": detail.minutes.version if detail.minutes else None},
        items=detail.agenda,
    )
    decisions = forms.decision_formset(
        data,
        initial=[
            {
                "text": d.text,
                "agenda_position": positions.get(d.agenda_item_id) if d.agenda_item_id else None,
                "r_info": d.r_info,
            }
            for d in detail.decisions
        ],
        items=items,
    )
    rows: list[int] = []  # the formset row behind each decision, to show a refusal on its row

    def save() -> Any:
        inputs = []
        for index, row in enumerate(decisions.forms):
            if row.is_blank():
                continue
            data = row.cleaned_data
            inputs.append(
                services.DecisionInput(data["text"], bool(data.get("r_info")), data.get("agenda_position"))
            )
            rows.append(index)
        return services.minutes_update(
            actor=request.user,
            meeting=detail.meeting,
            notes=form.notes(),
            decisions=inputs,
            version=form.cleaned_data["version"],
        )

    attempt: pages.Attempt[Any] = pages.Attempt()
    if not adding:
        attempt = pages.attempt(
            form,
            save,
            decisions,
            show=lambda exc: forms.add_row_violations(form, decisions, rows, exc, default="text"),
        )
    if attempt.done:
        messages.success(request, _("Protokollet har sparats."))
        return redirect("governance:meeting_detail", detail.meeting.pk)
    return pages.form_page(
        request,
        "governance/minutes_form.html",
        {
            "form": form,
            "decisions": decisions,
            "detail": detail,
            "meeting": detail.meeting,
            "note_fields": [form[name] for name in form.fields if name.startswith("notes_")],
            "may_add": len(decisions.forms) < forms.MAX_DECISION_ROWS,
            "added": adding,
        },
        form,
        decisions,
        refusal=attempt.refusal,
    )


def _int_or_zero(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


@page_access(VIEW, scoped="meeting_id", methods=("POST",))
def minutes_confirm(request: HttpRequest, meeting_id: int) -> HttpResponse:
    detail = selectors.meeting_detail(user=request.user, meeting_id=meeting_id)
    version = detail.minutes.version if detail.minutes else 0
    form = _confirm_form(request.POST, detail, request.user, version)

    def confirm() -> Any:
        participant = next(p for p in detail.participants if p.pk == form.cleaned_data["participant"])
        services.minutes_confirm(
            actor=request.user,
            meeting=detail.meeting,
            participant=participant,
            version=form.cleaned_data["version"],
        )
        return participant

    attempt = pages.attempt(form, confirm)
    if attempt.done:
        messages.success(
            request, _("Justeringen av %(name)s är registrerad.") % {"name": attempt.result.person.name}
        )
        return redirect("governance:meeting_detail", detail.meeting.pk)
    return _detail_page(request, detail, confirm=form, refusal=attempt.refusal)


@page_access(EDIT, scoped="meeting_id", methods=FORM_METHODS)
def minutes_lock(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A step of its own: the page says what locking means (nothing changes afterwards) and asks for the
    confirmation; only its form locks."""
    detail = selectors.meeting_detail(user=request.user, meeting_id=meeting_id, capability=EDIT)
    if request.method == "GET" and detail.locked:
        messages.info(request, _("Protokollet är redan låst."))
        return redirect("governance:meeting_detail", detail.meeting.pk)
    version = detail.minutes.version if detail.minutes else 0
    form = forms.LockForm(pages.bound(request), initial={"version": version})
    attempt = pages.attempt(
        form,
        lambda: services.minutes_lock(
            actor=request.user, meeting=detail.meeting, version=form.cleaned_data["version"]
        ),
    )
    if attempt.done:
        messages.success(request, _("Protokollet är låst."))
        return redirect("governance:meeting_detail", detail.meeting.pk)
    return pages.form_page(
        request,
        "governance/minutes_lock.html",
        {"form": form, "detail": detail, "meeting": detail.meeting},
        form,
        refusal=attempt.refusal,
    )


@page_access(VIEW, scoped="meeting_id")
def minutes_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    from finsam.reports.pdf import pdf_response, render_pdf

    detail = selectors.minutes_document(user=request.user, meeting_id=meeting_id)
    pdf = render_pdf(
        "governance/minutes_pdf.html",
        {"detail": detail, "meeting": detail.meeting, "printed": timezone.localdate()},
        request=request,
    )
    return pdf_response(pdf, filename=f"protokoll {detail.meeting.title}")


# --- per förbund: R-INFO, documents, annual cycle ---------------------------------------------------


@page_access(VIEW, scoped="association_id")
def informed_decisions(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id)
    return render(
        request,
        "governance/informed_decisions.html",
        {
            "association": association,
            "items": selectors.informed_decisions(user=request.user, association_id=association_id),
        },
    )


@page_access(VIEW, scoped="association_id")
def document_list(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id)
    return render(
        request,
        "governance/document_list.html",
        {
            "association": association,
            "documents": selectors.document_list(user=request.user, association_id=association_id),
            "can_edit": selectors.can_edit(user=request.user, association_id=association_id),
        },
    )


def _member_choices(user: Actor, association_id: int) -> tuple[dict[int, Any], list[tuple[int, str]]]:
    members = list(selectors.members_of(user=user, association_id=association_id))
    return {m.pk: m for m in members}, [(m.pk, m.name) for m in members]


@page_access(EDIT, scoped="association_id", methods=FORM_METHODS)
def document_create(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id, capability=EDIT)
    members, member_choices = _member_choices(request.user, association_id)
    form = forms.DocumentForm(
        pages.bound(request),
        pages.bound_files(request),
        initial={"year": selectors.today().year - 1},
        members=member_choices,
    )
    attempt = pages.attempt(
        form,
        lambda: services.document_upload(
            actor=request.user,
            association=association,
            year=form.cleaned_data["year"],
            kind=form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
            title=form.cleaned_data.get("title") or "",
            member=members.get(form.cleaned_data["member"]) if form.cleaned_data.get("member") else None,
            delivered_on=form.cleaned_data.get("delivered_on"),
        ),
    )
    if attempt.done:
        document = attempt.result
        messages.success(request, _("Dokumentet %(title)s har laddats upp.") % {"title": document.title})
        return redirect("governance:document_list", association.pk)
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Ladda upp dokument"),
            "association": association,
            "cancel_url": reverse("governance:document_list", args=[association.pk]),
            "multipart": True,
            "intro": _(
                "Bokslut (årsredovisning), verksamhetsberättelse och revisionsberättelse lämnas till "
                "medlemmarna senast den 31 mars och före vårens medlemssamråd."
            ),
        },
        refusal=attempt.refusal,
    )


@page_access(VIEW, scoped="document_id")
def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    document = selectors.document_get(user=request.user, document_id=document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=document.filename, content_type=document.content_type
    )


@page_access(EDIT, scoped="document_id", methods=FORM_METHODS)
def document_edit(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.document_get(user=request.user, document_id=document_id, capability=EDIT)
    form = forms.DocumentEditForm(
        pages.bound(request),
        initial={"title": document.title, "delivered_on": document.delivered_on, "version": document.version},
    )
    attempt = pages.attempt(
        form, lambda: services.document_update(actor=request.user, document=document, **form.cleaned_data)
    )
    if attempt.done:
        messages.success(request, _("Dokumentet har sparats."))
        return redirect("governance:document_list", document.association_id)
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Ändra dokument: %(title)s") % {"title": document.title},
            "association": document.association,
            "cancel_url": reverse("governance:document_list", args=[document.association_id]),
        },
        refusal=attempt.refusal,
    )


@page_access(VIEW, scoped="association_id")
def annual_cycle(request: HttpRequest, association_id: int) -> HttpResponse:
    today = selectors.today()
    year = _year(request, today.year)
    cycle = selectors.annual_cycle(user=request.user, association_id=association_id, year=year)
    return render(
        request,
        "governance/annual_cycle.html",
        {
            "cycle": cycle,
            "association": cycle.association,
            "year": year,
            "years": list(range(today.year + 1, today.year - 5, -1)),
            "can_edit": selectors.can_edit(user=request.user, association_id=association_id),
        },
    )


@page_access(EDIT, scoped="association_id", methods=FORM_METHODS)
def discharge_create(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id, capability=EDIT)
    members, member_choices = _member_choices(request.user, association_id)
    today = selectors.today()
    form = forms.DischargeForm(
        pages.bound(request), initial={"year": today.year - 1, "decided_on": today}, members=member_choices
    )
    attempt = pages.attempt(
        form,
        lambda: services.discharge_record(
            actor=request.user,
            association=association,
            member=members[form.cleaned_data["member"]],
            year=form.cleaned_data["year"],
            decided_on=form.cleaned_data["decided_on"],
            granted=form.cleaned_data["granted"],
            note=form.cleaned_data.get("note") or "",
        ),
    )
    if attempt.done:
        discharge = attempt.result
        messages.success(request, _("Beslutet om ansvarsfrihet har registrerats."))
        return redirect(
            reverse("governance:annual_cycle", args=[association.pk]) + f"?ar={discharge.year + 1}"
        )
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Beslut om ansvarsfrihet"),
            "association": association,
            "cancel_url": reverse("governance:annual_cycle", args=[association.pk]),
            "intro": _(
                "Varje medlem prövar ansvarsfriheten för styrelsen separat, och bara för de ledamöter den "
                "själv har utsett. Registrera ett beslut per medlem."
            ),
        },
        refusal=attempt.refusal,
    )


@page_access(EDIT, scoped="association_id", methods=FORM_METHODS)
def national_report_create(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id, capability=EDIT)
    today = selectors.today()
    form = forms.NationalReportForm(
        pages.bound(request), initial={"year": today.year - 1, "submitted_on": today}
    )
    attempt = pages.attempt(
        form,
        lambda: services.national_report_record(
            actor=request.user, association=association, **form.cleaned_data
        ),
    )
    if attempt.done:
        filing = attempt.result
        messages.success(request, _("Den nationella rapporten har registrerats."))
        return redirect(reverse("governance:annual_cycle", args=[association.pk]) + f"?ar={filing.year + 1}")
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Nationell uppföljningsrapport inlämnad"),
            "association": association,
            "cancel_url": reverse("governance:annual_cycle", args=[association.pk]),
        },
        refusal=attempt.refusal,
    )


@page_access(NATIONAL)
def national_overview(request: HttpRequest) -> HttpResponse:
    today = selectors.today()
    year = _year(request, today.year)
    rows = selectors.national_overview(user=request.user, year=year)
    obligations = list(rules.Obligation)
    return render(
        request,
        "governance/national_overview.html",
        {
            "year": year,
            "years": list(range(today.year + 1, today.year - 5, -1)),
            "obligations": [(o, rules.SHORT_TITLES[o], rules.OBLIGATION_RULES[o]) for o in obligations],
            "rows": [(row.association, [row.cell(o) for o in obligations]) for row in rows],
            "day": today,
        },
    )


# --- calendar -------------------------------------------------------------------------------------


@page_access(VIEW, methods=FORM_METHODS)
def calendar(request: HttpRequest) -> HttpResponse:
    form = forms.CalendarRenewForm(pages.bound(request))
    attempt = pages.attempt(form, lambda: services.calendar_feed_renew(actor=request.user))
    if attempt.done:
        messages.success(request, _("En ny kalenderadress har skapats. Den gamla fungerar inte längre."))
        return redirect("governance:calendar")
    token = selectors.calendar_token(user=request.user)
    feeds = []
    if token is not None:
        for association_id, name in _visible_associations(request.user):
            path = reverse("governance:calendar_feed", args=[token, association_id])
            feeds.append((name, request.build_absolute_uri(path)))
    return pages.form_page(
        request,
        "governance/calendar.html",
        {
            "form": form,
            "feeds": feeds,
        },
        refusal=attempt.refusal,
    )


@page_access(PUBLIC)
def calendar_feed(request: HttpRequest, feed_token: str, association_id: int) -> HttpResponse:
    """The förbund's meetings and deadlines as iCalendar. Calendar programs cannot sign in, so the
    address itself authenticates: it carries the user's secret (see the calendar page), and the feed
    shows what that user may see. An unknown secret is answered as a missing page."""
    user = selectors.feed_user(token=feed_token)
    if user is None:
        raise Http404
    try:
        association, events = selectors.calendar_events(user=user, association_id=association_id)
    except PermissionDenied as exc:
        raise Http404 from exc
    text = ical.calendar(events, name=f"{association.name} – Finsam", stamp=timezone.now())
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="finsam-{association.pk}.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
