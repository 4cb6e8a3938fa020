"""The council's pages: the council and the working group with their representatives and meetings, and
the recommendations; the working group edits."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from finsam.core import pages
from finsam.core.decorators import AUTHENTICATED, page_access
from finsam.core.roles import Capability
from finsam.national.council import selectors, services
from finsam.national.council.forms import RecommendationForm, RepresentativeForm
from finsam.national.council.models import CouncilRepresentative, Recommendation

EDIT = Capability.COUNCIL_EDIT
FORM_METHODS = ("GET", "POST")
FORM = "national/council/form.html"


@page_access(AUTHENTICATED)
def council(request: HttpRequest) -> HttpResponse:
    meetings, can_open = selectors.meetings(user=request.user)
    return render(
        request,
        "national/council/council.html",
        {
            "bodies": selectors.representatives(user=request.user),
            "organisations": selectors.organisations(user=request.user),
            "recommendations": selectors.recommendation_list(user=request.user),
            "meetings": meetings,
            "can_open_meetings": can_open,
            "can_edit": selectors.can_edit(user=request.user),
        },
    )


@page_access(AUTHENTICATED)
def recommendation_detail(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    recommendation = selectors.recommendation_get(user=request.user, recommendation_id=recommendation_id)
    return render(
        request,
        "national/council/recommendation_detail.html",
        {"recommendation": recommendation, "can_edit": selectors.can_edit(user=request.user)},
    )


def _recommendation_values(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in ("kind", "title", "date", "status", "text", "rule_codes")}


@page_access(EDIT, methods=FORM_METHODS)
def recommendation_create(request: HttpRequest) -> HttpResponse:
    form = RecommendationForm(pages.bound(request), initial={"status": "draft"})
    attempt = pages.attempt(
        form,
        lambda: services.recommendation_create(
            actor=request.user, **_recommendation_values(form.cleaned_data)
        ),
    )
    if attempt.done:
        messages.success(request, _("Rekommendationen är sparad."))
        return redirect("national:recommendation_detail", recommendation_id=attempt.result.pk)
    context = {
        "form": form,
        "title": _("Ny rekommendation eller ställningstagande"),
        "cancel_url": reverse("national:council"),
    }
    return pages.form_page(request, FORM, context, refusal=attempt.refusal)


@page_access(EDIT, methods=FORM_METHODS)
def recommendation_edit(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    recommendation = selectors.recommendation_get(user=request.user, recommendation_id=recommendation_id)
    initial = {
        "kind": recommendation.kind,
        "title": recommendation.title,
        "date": recommendation.date,
        "status": recommendation.status,
        "text": recommendation.text,
        "rule_codes": ", ".join(recommendation.rule_codes),
        "version": recommendation.version,
    }
    form = RecommendationForm(pages.bound(request), initial=initial)
    attempt = pages.attempt(
        form,
        lambda: services.recommendation_update(
            actor=request.user,
            recommendation=recommendation,
            version=form.cleaned_data["version"],
            **_recommendation_values(form.cleaned_data),
        ),
    )
    if attempt.done:
        messages.success(request, _("Rekommendationen är sparad."))
        return redirect("national:recommendation_detail", recommendation_id=recommendation.pk)
    if attempt.conflict:
        pages.keep_typing(form, Recommendation.objects.get(pk=recommendation.pk).version)
    context = {
        "form": form,
        "title": _("Ändra rekommendationen"),
        "cancel_url": reverse("national:recommendation_detail", args=[recommendation.pk]),
    }
    return pages.form_page(request, FORM, context, refusal=attempt.refusal)


def _representative_values(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in ("name", "organisation", "body", "role", "start", "end")}


@page_access(EDIT, methods=FORM_METHODS)
def representative_create(request: HttpRequest) -> HttpResponse:
    form = RepresentativeForm(pages.bound(request), organisations=selectors.organisations(user=request.user))
    attempt = pages.attempt(
        form,
        lambda: services.representative_create(
            actor=request.user, **_representative_values(form.cleaned_data)
        ),
    )
    if attempt.done:
        messages.success(request, _("Uppdraget är sparat."))
        return redirect("national:council")
    context = {"form": form, "title": _("Ny representant"), "cancel_url": reverse("national:council")}
    return pages.form_page(request, FORM, context, refusal=attempt.refusal)


@page_access(EDIT, methods=FORM_METHODS)
def representative_edit(request: HttpRequest, council_representative_id: int) -> HttpResponse:
    row = selectors.representative_get(user=request.user, council_representative_id=council_representative_id)
    initial = {
        "name": row.name,
        "organisation": row.organisation_id,
        "body": row.body,
        "role": row.role,
        "start": row.start,
        "end": row.end,
        "version": row.version,
    }
    form = RepresentativeForm(
        pages.bound(request), initial=initial, organisations=selectors.organisations(user=request.user)
    )
    attempt = pages.attempt(
        form,
        lambda: services.representative_update(
            actor=request.user,
            representative=row,
            version=form.cleaned_data["version"],
            **_representative_values(form.cleaned_data),
        ),
    )
    if attempt.done:
        messages.success(request, _("Uppdraget är sparat."))
        return redirect("national:council")
    if attempt.conflict:
        pages.keep_typing(form, CouncilRepresentative.objects.get(pk=row.pk).version)
    context = {"form": form, "title": _("Ändra uppdraget"), "cancel_url": reverse("national:council")}
    return pages.form_page(request, FORM, context, refusal=attempt.refusal)
