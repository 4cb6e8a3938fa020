"""The conference pages: the list and each conference for every signed-in user, registration for the
förbund's users, and the working group's editing, participant list and its exports."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from finsam.core import pages
from finsam.core.decorators import AUTHENTICATED, page_access
from finsam.core.roles import Capability
from finsam.national.conferences import selectors, services
from finsam.national.conferences.forms import CancelForm, ConferenceForm, RegistrationForm
from finsam.national.conferences.models import Conference
from finsam.reports import csvfile, excel, ical
from finsam.reports.pdf import safe_filename

EDIT = Capability.CONFERENCE_EDIT
REGISTER = Capability.CONFERENCE_REGISTER
FORM_METHODS = ("GET", "POST")


@page_access(AUTHENTICATED)
def conference_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "national/conferences/conference_list.html",
        {
            "conferences": selectors.conference_list(user=request.user),
            "past": selectors.conference_list(user=request.user, past=True)[:10],
            "can_edit": selectors.can_edit(user=request.user),
        },
    )


def _detail_page(
    request: HttpRequest, conference_id: int, *, form: Any = None, status: int = 200
) -> HttpResponse:
    detail = selectors.conference_detail(user=request.user, conference_id=conference_id)
    if form is None and detail.may_register:
        form = RegistrationForm(associations=detail.associations)
    return render(
        request,
        "national/conferences/conference_detail.html",
        {
            "detail": detail,
            "conference": detail.conference,
            "form": form,
            "cancel_form": CancelForm(),
            # A refusal shown above the section when the form itself is not on the page.
            "refused": bool(form is not None and form.errors and (detail.own or not detail.is_open)),
        },
        status=status,
    )


@page_access(AUTHENTICATED)
def conference_detail(request: HttpRequest, conference_id: int) -> HttpResponse:
    return _detail_page(request, conference_id)


@page_access(REGISTER, methods=("POST",))
def conference_register(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = selectors.conference_get(user=request.user, conference_id=conference_id)
    form = RegistrationForm(request.POST, associations=selectors.registration_associations(user=request.user))
    attempt = pages.attempt(
        form,
        lambda: services.registration_create(
            actor=request.user, conference=conference, association_id=form.cleaned_data["association"]
        ),
    )
    if not attempt.done:
        return _detail_page(request, conference_id, form=form, status=400)
    registration = attempt.result
    if registration.status == "confirmed":
        messages.success(request, _("Du är anmäld och har en plats."))
    else:
        position = selectors.waiting_position(registration=registration)
        messages.success(
            request,
            _("Konferensen är full. Du står på väntelistan som nummer %(position)s.")
            % {"position": position},
        )
    return redirect("national:conference_detail", conference_id=conference.pk)


@page_access(REGISTER, methods=("POST",))
def conference_cancel(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = selectors.conference_get(user=request.user, conference_id=conference_id)
    form = CancelForm(request.POST)
    own = selectors.own_registration(user=request.user, conference=conference)
    if not form.is_valid() or own is None:
        if own is None and form.is_valid():
            form.add_error(None, _("Du är inte anmäld till konferensen."))
        return _detail_page(request, conference_id, status=400)
    attempt = pages.attempt(form, lambda: services.registration_cancel(actor=request.user, registration=own))
    if not attempt.done:
        return _detail_page(request, conference_id, status=400)
    messages.success(request, _("Du är avanmäld."))
    return redirect("national:conference_detail", conference_id=conference.pk)


def _values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "place": data["place"],
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
        "capacity": data["capacity"],
        "registration_closes": data["registration_closes"],
        "programme": data["programme"],
        "reminder_days": data["reminder_days"],
        "published": data["published"],
    }


@page_access(EDIT, methods=FORM_METHODS)
def conference_create(request: HttpRequest) -> HttpResponse:
    form = ConferenceForm(pages.bound(request))
    attempt = pages.attempt(
        form, lambda: services.conference_create(actor=request.user, **_values(form.cleaned_data))
    )
    if attempt.done:
        messages.success(request, _("Konferensen är sparad."))
        return redirect("national:conference_detail", conference_id=attempt.result.pk)
    context = {"form": form, "title": _("Ny konferens"), "cancel_url": reverse("national:conference_list")}
    return pages.form_page(request, "national/conferences/form.html", context, refusal=attempt.refusal)


def _initial(conference: Conference) -> dict[str, Any]:
    return {
        "title": conference.title,
        "place": conference.place,
        "starts_at": timezone.localtime(conference.starts_at),
        "ends_at": timezone.localtime(conference.ends_at),
        "capacity": conference.capacity,
        "registration_closes": conference.registration_closes,
        "programme": conference.programme,
        "reminder_days": conference.reminder_days,
        "published": conference.published,
        "cancelled": conference.cancelled,
        "version": conference.version,
    }


@page_access(EDIT, methods=FORM_METHODS)
def conference_edit(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = selectors.conference_get(user=request.user, conference_id=conference_id)
    form = ConferenceForm(pages.bound(request), initial=_initial(conference), editing=True)
    attempt = pages.attempt(
        form,
        lambda: services.conference_update(
            actor=request.user,
            conference=conference,
            version=form.cleaned_data["version"],
            cancelled=form.cleaned_data["cancelled"],
            **_values(form.cleaned_data),
        ),
    )
    if attempt.done:
        messages.success(request, _("Konferensen är sparad."))
        return redirect("national:conference_detail", conference_id=conference.pk)
    if attempt.conflict:
        pages.keep_typing(form, Conference.objects.get(pk=conference.pk).version)
    context = {
        "form": form,
        "title": _("Ändra konferensen"),
        "cancel_url": reverse("national:conference_detail", args=[conference.pk]),
    }
    return pages.form_page(request, "national/conferences/form.html", context, refusal=attempt.refusal)


@page_access(EDIT)
def conference_participants(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference, rows = selectors.participants(user=request.user, conference_id=conference_id)
    return render(request, "national/conferences/participants.html", {"conference": conference, "rows": rows})


def _headers() -> list[str]:
    return [_("Namn"), _("E-post"), _("Förbund"), _("Status"), _("Plats på väntelistan"), _("Anmäld")]


def _fields(row: selectors.ParticipantRow) -> list[str]:
    return [
        row.name,
        row.email,
        row.association,
        row.status_label,
        str(row.position or ""),
        f"{row.registered:%Y-%m-%d %H:%M}",
    ]


def _filename(conference: Conference) -> str:
    return safe_filename(f"deltagare-{conference.pk}-{conference.title}")


@page_access(EDIT)
def participants_csv(request: HttpRequest, conference_id: int) -> HttpResponse:
    """CSV: UTF-8 with a byte order mark (Excel reads å, ä, ö), semicolons, every field as text."""
    conference, rows = selectors.participants(user=request.user, conference_id=conference_id)
    services.participant_export_record(actor=request.user, conference=conference, file_format="csv")
    buffer = io.StringIO()
    writer = csvfile.writer(buffer, delimiter=";")
    writer.writerow(_headers())
    writer.writerows(_fields(row) for row in rows)
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(conference)}.csv"'
    return response


@page_access(EDIT)
def participants_xlsx(request: HttpRequest, conference_id: int) -> HttpResponse:
    """Excel: every cell written as text (the workbook writer never lets user text become a formula)."""
    conference, rows = selectors.participants(user=request.user, conference_id=conference_id)
    services.participant_export_record(actor=request.user, conference=conference, file_format="xlsx")
    starts = timezone.localtime(conference.starts_at)
    sheet = excel.Sheet(
        title=_("Deltagare"),
        heading=[conference.title, f"{starts:%Y-%m-%d %H:%M}, {conference.place}"],
        tables=[excel.Table(_("Anmälda"), _headers(), [_fields(row) for row in rows])],
        widths=[30, 34, 40, 18, 12, 18],
    )
    data = excel.workbook([sheet], title=conference.title)
    return excel.xlsx_response(data, filename=_filename(conference))


def _calendar_response(events: list[ical.Event], *, name: str, filename: str) -> HttpResponse:
    text = ical.calendar(events, name=name, stamp=timezone.now())
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@page_access(AUTHENTICATED)
def conference_ics(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = selectors.conference_get(user=request.user, conference_id=conference_id)
    if not conference.published:
        raise Http404
    return _calendar_response(
        [selectors.conference_event(conference)],
        name=conference.title,
        filename=safe_filename(f"konferens-{conference.pk}"),
    )


@page_access(AUTHENTICATED)
def conference_feed(request: HttpRequest) -> HttpResponse:
    return _calendar_response(
        selectors.calendar_events(user=request.user),
        name=_("Konferenser – Finsam"),
        filename="finsam-konferenser",
    )
