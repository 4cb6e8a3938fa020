"""The registry's pages. Thin: they parse input with a form, call a selector or a service, and render.

Every form page answers 400 (409 on an edit conflict) with the Swedish message on the field when the
input is refused, and redirects with a success message after a write.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from finsam.core import pages
from finsam.core.access import scope_for
from finsam.core.decorators import page_access
from finsam.core.roles import Capability
from finsam.core.tabular import ImportFileError, RowError
from finsam.registry import forms, onboarding, selectors, services
from finsam.reports.excel import XLSX

EDIT = Capability.REGISTRY_EDIT
FORM_METHODS = ("GET", "POST")
FORM = "registry/form.html"
IMPORT_ERRORS_SHOWN = 500


# --- helpers ------------------------------------------------------------------------------------


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _percent(value: Decimal) -> str:
    """62.500 as "62,5" (in Swedish), 70.000 as "70"."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return formats.number_format(Decimal(text))


def _person_create_url(association_id: int, back: str) -> str:
    """The new-person form, which brings the editor back to the form they came from."""
    return reverse("registry:person_create", args=[association_id]) + "?" + urlencode({"next": back})


def _detail_url(association_id: int) -> str:
    return reverse("registry:association_detail", args=[association_id])


def _in_association(obj_association_id: int, association_id: int) -> None:
    """An object reached under another association's address does not exist there."""
    if obj_association_id != association_id:
        raise Http404


# --- associations -------------------------------------------------------------------------------


@page_access(Capability.REGISTRY_VIEW)
def association_list(request: HttpRequest) -> HttpResponse:
    day = selectors.today()
    associations = [(a, a.members_on(day)) for a in selectors.association_overview(user=request.user)]
    return render(
        request,
        "registry/association_list.html",
        {
            "associations": associations,
            "can_create": selectors.can_edit(user=request.user, association_id=None),
        },
    )


@page_access(Capability.ASSOCIATION_CREATE, methods=FORM_METHODS)
def association_create(request: HttpRequest) -> HttpResponse:
    form = forms.AssociationForm(
        pages.bound(request), municipalities=selectors.municipality_list(user=request.user)
    )
    attempt = pages.attempt(
        form, lambda: services.association_create(actor=request.user, **form.cleaned_data)
    )
    if attempt.done:
        association = attempt.result
        messages.success(request, _("Förbundet %(name)s har registrerats.") % {"name": association.name})
        return redirect("registry:association_detail", association.pk)
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Nytt samordningsförbund"),
            "cancel_url": reverse("registry:association_list"),
            "intro": _(
                "Registrera förbundet här och lägg sedan till medlemmarna: Försäkringskassan, "
                "Arbetsförmedlingen, minst en region och minst en kommun."
            ),
        },
        refusal=attempt.refusal,
    )


@page_access(Capability.ASSOCIATION_CREATE, methods=FORM_METHODS)
def association_import(request: HttpRequest) -> HttpResponse:
    """Bringing on the förbund from one file (docs/registry-import.md): "Kontrollera" checks the file
    against every rule and writes nothing; "Läs in" writes it, all or nothing. Either way a refused file
    answers 400 with the report of every row in error."""
    form = forms.RegistryImportForm(
        pages.bound(request), pages.bound_files(request), max_bytes=onboarding.MAX_BYTES
    )
    errors: list[RowError] = []
    summary = None
    if form.is_bound and form.is_valid():
        try:
            result = onboarding.read_uploads(form.cleaned_data["file"], form.cleaned_data.get("board"))
        except ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            errors = result.errors
            if not errors:
                try:
                    summary = services.registry_import(
                        actor=request.user,
                        associations=result.associations,
                        dry_run=request.POST.get("action") == "check",
                    )
                except services.RegistryImportRefused as exc:
                    errors = onboarding.as_report(exc.errors)
    refused = bool(errors) or (form.is_bound and bool(form.errors))
    return render(
        request,
        "registry/association_import.html",
        {
            "form": form,
            "errors": errors[:IMPORT_ERRORS_SHOWN],
            "error_count": len(errors),
            "error_rows": len({(e.sheet, e.row) for e in errors}),
            "errors_shown": IMPORT_ERRORS_SHOWN,
            "summary": summary,
            "member_columns": onboarding.MEMBER_COLUMNS,
            "board_columns": onboarding.BOARD_COLUMNS,
            "max_rows": formats.number_format(onboarding.MAX_ROWS, force_grouping=True),
        },
        status=400 if refused else 200,
    )


@page_access(Capability.ASSOCIATION_CREATE)
def association_import_example_xlsx(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(onboarding.example_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="forbund-exempel.xlsx"'
    return response


@page_access(Capability.ASSOCIATION_CREATE)
def association_import_example_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(onboarding.example_csv(services.MEMBERS), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="forbund-exempel.csv"'
    return response


@page_access(Capability.ASSOCIATION_CREATE)
def association_import_example_board_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(onboarding.example_csv(services.BOARD), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="styrelse-exempel.csv"'
    return response


@page_access(Capability.REGISTRY_VIEW, scoped="association_id")
def association_detail(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id)
    status = selectors.association_status(user=request.user, association_id=association_id)
    return render(
        request,
        "registry/association_detail.html",
        {
            "association": association,
            "status": status,
            "today": status.day,
            "members": selectors.member_list(user=request.user, association_id=association_id),
            "board": selectors.board_list(
                user=request.user, association_id=association_id, current_only=True
            ),
            "directors": selectors.director_list(user=request.user, association_id=association_id),
            "representatives": selectors.representative_list(
                user=request.user, association_id=association_id
            ),
            "charters": selectors.charter_list(user=request.user, association_id=association_id),
            "can_edit": selectors.can_edit(user=request.user, association_id=association_id),
            "can_manage_users": scope_for(request.user, Capability.USERS_MANAGE).allows(association_id),
        },
    )


@page_access(EDIT, scoped="association_id", methods=FORM_METHODS)
def association_edit(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id, capability=EDIT)
    initial = {
        "name": association.name,
        "org_number": association.org_number,
        "seat": association.seat.code,
        "founded": association.founded,
        "dissolved": association.dissolved,
        "version": association.version,
    }
    form = forms.AssociationEditForm(
        pages.bound(request), initial=initial, municipalities=selectors.municipality_list(user=request.user)
    )
    attempt = pages.attempt(
        form,
        lambda: services.association_update(actor=request.user, association=association, **form.cleaned_data),
    )
    if attempt.done:
        messages.success(request, _("Uppgifterna om förbundet har sparats."))
        return redirect("registry:association_detail", association.pk)
    return pages.form_page(
        request,
        "registry/association_form.html",
        {
            "form": form,
            "title": _("Ändra uppgifter om förbundet"),
            "cancel_url": _detail_url(association.pk),
            "association": association,
            # On a conflict the page shows what the other editor saved next to what this user typed.
            "current": association if attempt.conflict else None,
        },
        refusal=attempt.refusal,
    )


# --- members ------------------------------------------------------------------------------------


@page_access(EDIT, scoped="association_id", methods=FORM_METHODS)
def member_create(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id, capability=EDIT)
    form = forms.MemberCreateForm(
        pages.bound(request),
        regions=selectors.region_list(),
        municipalities=selectors.municipality_list(user=request.user),
    )
    attempt = pages.attempt(
        form,
        lambda: services.member_add(actor=request.user, association=association, **form.cleaned_data),
    )
    if attempt.done:
        member = attempt.result
        messages.success(request, _("%(name)s har lagts till som medlem.") % {"name": member.name})
        return redirect("registry:association_detail", association.pk)
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Ny förbundsmedlem"),
            "cancel_url": _detail_url(association.pk),
            "association": association,
            "intro": _(
                "Välj parten. För en region eller kommun väljer du också vilken; för Försäkringskassan och "
                "Arbetsförmedlingen lämnar du de fälten tomma."
            ),
        },
        refusal=attempt.refusal,
    )


@page_access(EDIT, scoped="member_id", methods=FORM_METHODS)
def member_edit(request: HttpRequest, association_id: int, member_id: int) -> HttpResponse:
    member = selectors.member_get(user=request.user, member_id=member_id, capability=EDIT)
    _in_association(member.association_id, association_id)
    form = forms.MemberEditForm(pages.bound(request), initial={"joined": member.joined, "left": member.left})
    attempt = pages.attempt(
        form, lambda: services.member_update(actor=request.user, member=member, **form.cleaned_data)
    )
    if attempt.done:
        messages.success(request, _("Medlemskapet för %(name)s har sparats.") % {"name": member.name})
        return redirect("registry:association_detail", association_id)
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Ändra medlemskap: %(name)s") % {"name": member.name},
            "cancel_url": _detail_url(association_id),
            "association": member.association,
        },
        refusal=attempt.refusal,
    )


# --- charters -----------------------------------------------------------------------------------


@page_access(Capability.REGISTRY_VIEW, scoped="association_id")
def charter_list(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id)
    names = {m.pk: m.name for m in selectors.member_list(user=request.user, association_id=association_id)}
    versions = [
        (charter, [(names.get(s.member_id, ""), _percent(s.percent)) for s in charter.shares.all()])
        for charter in selectors.charter_list(user=request.user, association_id=association_id)
    ]
    return render(
        request,
        "registry/charter_list.html",
        {
            "association": association,
            "versions": versions,
            "can_edit": selectors.can_edit(user=request.user, association_id=association_id),
        },
    )


@page_access(EDIT, scoped="association_id", methods=FORM_METHODS)
def charter_create(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id, capability=EDIT)
    today = selectors.today()
    members = [
        m
        for m in selectors.member_list(user=request.user, association_id=association_id)
        if m.left is None or m.left >= today
    ]
    charters = selectors.charter_list(user=request.user, association_id=association_id)
    latest = charters.first()
    initial: dict[str, Any] = {"adopted": today, "valid_from": today}
    if latest is not None:
        initial |= {"municipal_key": latest.municipal_key, "region_key": latest.region_key}
        initial |= {f"share_{s.member_id}": s.percent for s in latest.shares.all()}
    form = forms.CharterForm(pages.bound(request), initial=initial, members=members)
    attempt = pages.attempt(
        form,
        lambda: services.charter_create(
            actor=request.user, association=association, **form.service_arguments()
        ),
    )
    if attempt.done:
        charter = attempt.result
        messages.success(
            request, _("Version %(version)s av förbundsordningen har sparats.") % {"version": charter.version}
        )
        return redirect("registry:charter_list", association.pk)
    return pages.form_page(
        request,
        "registry/charter_form.html",
        {
            "form": form,
            "title": _("Ny version av förbundsordningen"),
            "cancel_url": reverse("registry:charter_list", args=[association.pk]),
            "association": association,
            "latest": latest,
        },
        refusal=attempt.refusal,
    )


# --- board --------------------------------------------------------------------------------------


@page_access(Capability.REGISTRY_VIEW, scoped="association_id")
def board(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id)
    today = selectors.today()
    current, upcoming, past = [], [], []
    for seat in selectors.board_list(user=request.user, association_id=association_id):
        if seat.end < today:
            past.append(seat)
        elif seat.start > today:
            upcoming.append(seat)
        else:
            current.append(seat)
    for group in (current, upcoming):  # one board each, whatever its seats' end dates: the chairs first
        group.sort(key=lambda seat: (not seat.chair, not seat.vice_chair))
    return render(
        request,
        "registry/board.html",
        {
            "association": association,
            "groups": [
                (_("Nuvarande styrelse"), _("Styrelseplatser som gäller i dag"), current),
                (_("Kommande mandat"), _("Styrelseplatser som börjar senare"), upcoming),
                (_("Tidigare mandat"), _("Styrelseplatser som har upphört"), past),
            ],
            "today": today,
            "can_edit": selectors.can_edit(user=request.user, association_id=association_id),
        },
    )


def _seat_form(request: HttpRequest, association_id: int, **kwargs: Any) -> forms.BoardSeatForm:
    return forms.BoardSeatForm(
        pages.bound(request),
        people=selectors.persons_for_choice(user=request.user, association_id=association_id),
        members=selectors.member_list(user=request.user, association_id=association_id),
        **kwargs,
    )


@page_access(EDIT, scoped="association_id", methods=FORM_METHODS)
def board_seat_create(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id, capability=EDIT)
    form = _seat_form(request, association_id)
    attempt = pages.attempt(
        form,
        lambda: services.board_seat_create(actor=request.user, association=association, **form.cleaned_data),
    )
    if attempt.done:
        seat = attempt.result
        messages.success(request, _("Styrelseplatsen för %(name)s har sparats.") % {"name": seat.person.name})
        return redirect("registry:board", association.pk)
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Ny styrelseplats"),
            "cancel_url": reverse("registry:board", args=[association.pk]),
            "association": association,
            "person_create_url": _person_create_url(association.pk, request.path),
        },
        refusal=attempt.refusal,
    )


@page_access(EDIT, scoped="seat_id", methods=FORM_METHODS)
def board_seat_edit(request: HttpRequest, association_id: int, seat_id: int) -> HttpResponse:
    seat = selectors.board_seat_get(user=request.user, seat_id=seat_id, capability=EDIT)
    _in_association(seat.association_id, association_id)
    initial = {
        "person": seat.person_id,
        "member": seat.member_id,
        "role": seat.role,
        "chair": seat.chair,
        "vice_chair": seat.vice_chair,
        "start": seat.start,
        "end": seat.end,
    }
    form = _seat_form(request, association_id, initial=initial)
    attempt = pages.attempt(
        form, lambda: services.board_seat_update(actor=request.user, seat=seat, **form.cleaned_data)
    )
    if attempt.done:
        saved = attempt.result
        messages.success(
            request, _("Styrelseplatsen för %(name)s har sparats.") % {"name": saved.person.name}
        )
        return redirect("registry:board", association_id)
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Ändra styrelseplats"),
            "cancel_url": reverse("registry:board", args=[association_id]),
            "association": seat.association,
        },
        refusal=attempt.refusal,
    )


# --- directors ----------------------------------------------------------------------------------


@page_access(Capability.REGISTRY_VIEW, scoped="association_id")
def director_list(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id)
    return render(
        request,
        "registry/director_list.html",
        {
            "association": association,
            "directors": selectors.director_list(user=request.user, association_id=association_id),
            "today": selectors.today(),
            "can_edit": selectors.can_edit(user=request.user, association_id=association_id),
        },
    )


@page_access(EDIT, scoped="association_id", methods=FORM_METHODS)
def director_create(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id, capability=EDIT)
    form = forms.DirectorCreateForm(
        pages.bound(request),
        people=selectors.persons_for_choice(user=request.user, association_id=association_id),
    )
    attempt = pages.attempt(
        form,
        lambda: services.director_create(actor=request.user, association=association, **form.cleaned_data),
    )
    if attempt.done:
        messages.success(request, _("Förbundschefen har registrerats."))
        return redirect("registry:director_list", association.pk)
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Ny förbundschef"),
            "cancel_url": reverse("registry:director_list", args=[association.pk]),
            "association": association,
            "person_create_url": _person_create_url(association.pk, request.path),
        },
        refusal=attempt.refusal,
    )


@page_access(EDIT, scoped="director_id", methods=FORM_METHODS)
def director_edit(request: HttpRequest, association_id: int, director_id: int) -> HttpResponse:
    director = selectors.director_get(user=request.user, director_id=director_id, capability=EDIT)
    _in_association(director.association_id, association_id)
    form = forms.PeriodForm(pages.bound(request), initial={"start": director.start, "end": director.end})
    attempt = pages.attempt(
        form, lambda: services.director_update(actor=request.user, director=director, **form.cleaned_data)
    )
    if attempt.done:
        messages.success(request, _("Förbundschefens period har sparats."))
        return redirect("registry:director_list", association_id)
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Ändra förbundschef: %(name)s") % {"name": director.person.name},
            "cancel_url": reverse("registry:director_list", args=[association_id]),
            "association": director.association,
        },
        refusal=attempt.refusal,
    )


# --- member representatives ---------------------------------------------------------------------


@page_access(Capability.REGISTRY_VIEW, scoped="association_id")
def representative_list(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id)
    return render(
        request,
        "registry/representative_list.html",
        {
            "association": association,
            "representatives": selectors.representative_list(
                user=request.user, association_id=association_id
            ),
            "today": selectors.today(),
            "can_edit": selectors.can_edit(user=request.user, association_id=association_id),
        },
    )


@page_access(EDIT, scoped="association_id", methods=FORM_METHODS)
def representative_create(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id, capability=EDIT)
    form = forms.RepresentativeCreateForm(
        pages.bound(request),
        people=selectors.persons_for_choice(user=request.user, association_id=association_id),
        members=selectors.member_list(user=request.user, association_id=association_id),
    )
    attempt = pages.attempt(
        form, lambda: services.representative_create(actor=request.user, **form.cleaned_data)
    )
    if attempt.done:
        messages.success(request, _("Medlemsrepresentanten har registrerats."))
        return redirect("registry:representative_list", association.pk)
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Ny medlemsrepresentant"),
            "cancel_url": reverse("registry:representative_list", args=[association.pk]),
            "association": association,
            "intro": _(
                "Medlemsrepresentanten företräder sin part i medlemssamråden och ska inte sitta i förbundets "
                "styrelse."
            ),
            "person_create_url": _person_create_url(association.pk, request.path),
        },
        refusal=attempt.refusal,
    )


@page_access(EDIT, scoped="representative_id", methods=FORM_METHODS)
def representative_edit(request: HttpRequest, association_id: int, representative_id: int) -> HttpResponse:
    representative = selectors.representative_get(
        user=request.user, representative_id=representative_id, capability=EDIT
    )
    _in_association(representative.member.association_id, association_id)
    form = forms.PeriodForm(
        pages.bound(request), initial={"start": representative.start, "end": representative.end}
    )
    attempt = pages.attempt(
        form,
        lambda: services.representative_update(
            actor=request.user, representative=representative, **form.cleaned_data
        ),
    )
    if attempt.done:
        messages.success(request, _("Medlemsrepresentantens period har sparats."))
        return redirect("registry:representative_list", association_id)
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Ändra medlemsrepresentant: %(name)s") % {"name": representative.person.name},
            "cancel_url": reverse("registry:representative_list", args=[association_id]),
            "association": representative.member.association,
        },
        refusal=attempt.refusal,
    )


# --- people -------------------------------------------------------------------------------------


@page_access(Capability.REGISTRY_VIEW)
def person_list(request: HttpRequest) -> HttpResponse:
    associations = selectors.association_list(user=request.user)
    form = forms.PersonFilterForm(
        request.GET or None, associations=list(associations.values_list("id", "name"))
    )
    association_id = form.association_id()
    people = selectors.person_list(user=request.user, association_id=association_id).select_related(
        "association"
    )
    page = Paginator(people, 50).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "registry/person_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "association_id": association_id,
            "can_create": association_id is not None
            and selectors.can_edit(user=request.user, association_id=association_id),
        },
    )


@page_access(Capability.REGISTRY_VIEW, scoped="person_id")
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "posts": selectors.person_posts(user=request.user, person_id=person_id),
            "today": selectors.today(),
            # A person registered by no association is edited nationally (can_edit with None).
            "can_edit": selectors.can_edit(user=request.user, association_id=person.association_id),
        },
    )


@page_access(EDIT, scoped="association_id", methods=FORM_METHODS)
def person_create(request: HttpRequest, association_id: int) -> HttpResponse:
    association = selectors.association_get(user=request.user, association_id=association_id, capability=EDIT)
    form = forms.PersonForm(pages.bound(request))
    attempt = pages.attempt(
        form,
        lambda: services.person_create(actor=request.user, association=association, **form.cleaned_data),
    )
    if attempt.done:
        person = attempt.result
        messages.success(request, _("%(name)s har registrerats.") % {"name": person.name})
        return redirect(_next_url(request, reverse("registry:person_detail", args=[person.pk])))
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Ny person i %(association)s") % {"association": association.name},
            "cancel_url": _next_url(request, _detail_url(association.pk)),
            "association": association,
            "next": _next_url(request, ""),
            "intro": _(
                "Personer registreras för att kunna utses till styrelseplatser, förbundschef eller "
                "medlemsrepresentant. Ange bara de kontaktuppgifter som behövs i uppdraget."
            ),
        },
        refusal=attempt.refusal,
    )


@page_access(EDIT, scoped="person_id", methods=FORM_METHODS)
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id, capability=EDIT)
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "phone": person.phone,
    }
    form = forms.PersonForm(pages.bound(request), initial=initial)
    attempt = pages.attempt(
        form, lambda: services.person_update(actor=request.user, person=person, **form.cleaned_data)
    )
    if attempt.done:
        saved = attempt.result
        messages.success(request, _("Uppgifterna om %(name)s har sparats.") % {"name": saved.name})
        return redirect("registry:person_detail", person.pk)
    return pages.form_page(
        request,
        FORM,
        {
            "form": form,
            "title": _("Ändra person: %(name)s") % {"name": person.name},
            "cancel_url": reverse("registry:person_detail", args=[person.pk]),
            "association": person.association,
        },
        refusal=attempt.refusal,
    )


# --- reference data -----------------------------------------------------------------------------


@page_access(Capability.REGISTRY_VIEW)
def municipality_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:80]
    region = request.GET.get("region", "").strip()[:2]
    municipalities = selectors.municipality_list(user=request.user, query=query, region_code=region)
    coverage = selectors.municipality_coverage()
    return render(
        request,
        "registry/municipality_list.html",
        {
            "municipalities": municipalities,
            "regions": selectors.region_list(),
            "coverage": coverage,
            "query": query,
            "region": region,
        },
    )
