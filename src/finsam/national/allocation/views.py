"""The state allocation's pages: the decided allocations, the working group's settings and review (where
the year is decided), and each förbund's decision letter as PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from finsam.core import pages
from finsam.core.access import has_capability
from finsam.core.decorators import page_access
from finsam.core.roles import Capability
from finsam.finance import selectors as finance_selectors
from finsam.national.allocation import forms, rules, selectors, services
from finsam.reports import pdf

FORM_METHODS = ("GET", "POST")
VIEW = Capability.STATE_ALLOCATION_VIEW
EDIT = Capability.STATE_ALLOCATION_EDIT


def _check_year(year: int) -> None:
    if not rules.FIRST_YEAR <= year <= rules.LAST_YEAR:
        raise Http404


@page_access(VIEW)
def allocation_index(request: HttpRequest) -> HttpResponse:
    this_year = finance_selectors.today().year
    return render(
        request,
        "national/allocation/index.html",
        {
            "decisions": selectors.decision_list(user=request.user),
            "can_edit": has_capability(request.user, EDIT),
            "years": [this_year + 1, this_year, this_year - 1],
        },
    )


@page_access(EDIT, methods=FORM_METHODS)
def allocation_settings(request: HttpRequest, allocation_year: int) -> HttpResponse:
    _check_year(allocation_year)
    current = selectors.settings_for(user=request.user, year=allocation_year)
    previous = current or selectors.settings_for(user=request.user, year=allocation_year - 1)
    initial: dict[str, object] = {
        "need_weight": "0,75",
        "population_weight": "0,25",
        "max_reduction": "0,10",
        "base_amount": "400000",
        "equity_level_percent": str(selectors.recommended_equity_level(allocation_year)),
        "population_year": allocation_year - 2,
        "support_measure_year": allocation_year - 2,
    }
    if previous is not None:
        initial |= {
            name: format(getattr(previous, name).normalize(), "f").replace(".", ",")
            for name in (
                "appropriation",
                "base_amount",
                "need_weight",
                "population_weight",
                "max_reduction",
                "equity_level_percent",
            )
        }
        shift = 0 if current is not None else 1
        initial["population_year"] = previous.population_year + shift
        initial["support_measure_year"] = previous.support_measure_year + shift
    initial["version"] = current.version if current is not None else None
    form = forms.AllocationSettingsForm(pages.bound(request), initial=initial)
    attempt = pages.attempt(
        form,
        lambda: services.allocation_settings_save(
            actor=request.user,
            year=allocation_year,
            appropriation=form.cleaned_data["appropriation"],
            base_amount=form.cleaned_data["base_amount"],
            need_weight=form.cleaned_data["need_weight"],
            population_weight=form.cleaned_data["population_weight"],
            max_reduction=form.cleaned_data["max_reduction"],
            equity_level_percent=form.cleaned_data["equity_level_percent"],
            population_year=form.cleaned_data["population_year"],
            support_measure_year=form.cleaned_data["support_measure_year"],
            version=form.cleaned_data.get("version"),
        ),
    )
    if attempt.done:
        messages.success(request, _("Inställningarna för %(year)s har sparats.") % {"year": allocation_year})
        return redirect("national:allocation_review", allocation_year)
    if attempt.conflict and current is not None:
        pages.keep_typing(form, current.version)
    return pages.form_page(
        request,
        "national/allocation/settings.html",
        {"form": form, "year": allocation_year, "exists": current is not None},
        refusal=attempt.refusal,
    )


@page_access(EDIT, methods=FORM_METHODS)
def allocation_review(request: HttpRequest, allocation_year: int) -> HttpResponse:
    _check_year(allocation_year)
    form = forms.DecisionForm(pages.bound(request), initial={"decided_on": finance_selectors.today()})
    attempt = pages.attempt(
        form,
        lambda: services.allocation_decide(
            actor=request.user,
            year=allocation_year,
            decided_on=form.cleaned_data["decided_on"],
            reference=form.cleaned_data["reference"],
            reason=form.cleaned_data["reason"],
        ),
    )
    if attempt.done:
        messages.success(request, _("Fördelningen för %(year)s är beslutad.") % {"year": allocation_year})
        return redirect("national:allocation_review", allocation_year)
    draft = selectors.draft(user=request.user, year=allocation_year)
    return pages.form_page(
        request,
        "national/allocation/review.html",
        {"form": form, "year": allocation_year, "draft": draft},
        refusal=attempt.refusal,
    )


@page_access(VIEW, scoped="association_id")
def allocation_letter(request: HttpRequest, allocation_year: int, association_id: int) -> HttpResponse:
    _check_year(allocation_year)
    data = selectors.letter(user=request.user, year=allocation_year, association_id=association_id)
    document = pdf.render_pdf("national/allocation/letter.html", {"letter": data}, request=request)
    return pdf.pdf_response(document, filename=f"statlig fordelning {allocation_year} {data.row.name}")
