"""The finance pages. Thin: they parse input with a form, call a selector or a service, and render.

A refused form answers 400 with the Swedish message on the field (409 on an edit conflict, with what this
editor typed still in the form and what is saved now next to it); a write redirects with a message. The
calculators are GET forms: they write nothing, so a result can be bookmarked and shared.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from finsam.core import pages
from finsam.core.access import has_capability
from finsam.core.decorators import page_access
from finsam.core.errors import RuleViolation
from finsam.core.roles import Capability
from finsam.finance import forms, reporting, rules, selectors, services
from finsam.finance.models import Budget, BudgetStatus, LineKind
from finsam.interventions import selectors as intervention_selectors
from finsam.registry import selectors as registry_selectors
from finsam.registry.schemas import PartyKind
from finsam.reports import pdf

FORM_METHODS = ("GET", "POST")
VIEW = Capability.FINANCE_VIEW
EDIT = Capability.FINANCE_EDIT
REPORT = Capability.FINANCE_REPORT


def _budget_url(budget: Budget) -> str:
    return reverse("finance:budget_detail", args=[budget.pk])


# --- overview and budgets -----------------------------------------------------------------------


@page_access(REPORT)
def overview(request: HttpRequest) -> HttpResponse:
    year = selectors.today().year
    years = [year - 1, year, year + 1]
    rows = selectors.overview(user=request.user, years=years)
    viewable = {
        r.association.pk
        for r in rows
        if selectors.can_view(user=request.user, association_id=r.association.pk)
    }
    return render(
        request,
        "finance/overview.html",
        {
            "rows": [(row, [row.for_year(y) for y in years]) for row in rows],
            "years": years,
            "viewable": viewable,
            "deadline": rules.adoption_deadline(year + 1),
            "can_edit_population": has_capability(request.user, Capability.POPULATION_EDIT),
            "population_year": year - 1,
        },
    )


@page_access(VIEW, scoped="association_id")
def budget_list(request: HttpRequest, association_id: int) -> HttpResponse:
    association = registry_selectors.association_get(user=request.user, association_id=association_id)
    budgets = selectors.budget_list(user=request.user, association_id=association_id)
    return render(
        request,
        "finance/budget_list.html",
        {
            "association": association,
            "budgets": budgets,
            "can_edit": selectors.can_edit(user=request.user, association_id=association_id),
            "reference_percent": selectors.reference_percent(),
        },
    )


@page_access(EDIT, scoped="association_id", methods=FORM_METHODS)
def budget_create(request: HttpRequest, association_id: int) -> HttpResponse:
    association = registry_selectors.association_get(
        user=request.user, association_id=association_id, capability=EDIT
    )
    next_year = selectors.today().year + 1
    form = forms.BudgetCreateForm(pages.bound(request), initial={"year": next_year})
    attempt = pages.attempt(
        form,
        lambda: services.budget_create(
            actor=request.user,
            association=association,
            year=form.cleaned_data["year"],
            frame=form.cleaned_data["frame"],
            population_year=form.cleaned_data["population_year"],
            opening_equity=form.cleaned_data["opening_equity"] or None,
        ),
    )
    if attempt.done:
        budget = attempt.result
        messages.success(
            request,
            _("Budgeten för %(year)s har skapats som utkast. Bidragen är beräknade enligt förbundsordningen.")
            % {"year": budget.year},
        )
        return redirect("finance:budget_detail", budget.pk)
    return pages.form_page(
        request,
        "finance/budget_create.html",
        {"form": form, "association": association},
        refusal=attempt.refusal,
    )


@page_access(VIEW, scoped="budget_id")
def budget_detail(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = selectors.budget_get(user=request.user, budget_id=budget_id)
    totals = selectors.budget_totals(budget=budget)
    consultations = selectors.consultations(budget=budget)
    members = selectors.budget_members(budget=budget)
    consulted = {c.member_id for c in consultations}
    can_edit = selectors.can_edit(user=request.user, association_id=budget.association_id)
    closed = selectors.has_outcome(budget=budget)
    contributions = selectors.contributions(budget=budget)
    state = selectors.state_contribution(budget=budget)
    fk_amount = next((c.amount for c in contributions if c.member.kind == PartyKind.FK), None)
    return render(
        request,
        "finance/budget_detail.html",
        {
            "budget": budget,
            "association": budget.association,
            "lines": selectors.lines(budget=budget),
            "contributions": contributions,
            "state_contribution": state,
            "state_difference": (
                None
                if state is None or fk_amount is None or state.amount == fk_amount
                else state.amount - fk_amount
            ),
            "consultations": consultations,
            "unconsulted": [m for m in members if m.pk not in consulted],
            "totals": totals,
            "equity": selectors.equity_forecast(budget=budget, totals=totals),
            "closed": closed,
            "deadline": rules.adoption_deadline(budget.year),
            "can_edit": can_edit,
            "editable": can_edit and budget.status != BudgetStatus.ADOPTED,
            "outcome_editable": can_edit and budget.status == BudgetStatus.ADOPTED and not closed,
            "can_close": can_edit
            and budget.status == BudgetStatus.ADOPTED
            and not closed
            and selectors.today() > date(budget.year, 12, 31),
        },
    )


def _line_initial(budget: Budget) -> list[dict[str, Any]]:
    return [
        {
            "line_id": line.pk,
            "kind": line.kind,
            "intervention": line.intervention_id,
            "cost_type": line.cost_type,
            "label": line.label,
            "amount": forms.amount_text(line.amount),
        }
        for line in selectors.lines(budget=budget)
    ]


@page_access(EDIT, scoped="budget_id", methods=FORM_METHODS)
def budget_edit(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = selectors.budget_get(user=request.user, budget_id=budget_id, capability=EDIT)
    previous = selectors.previous_budget(budget=budget)
    carried = previous is not None and selectors.has_outcome(budget=previous)
    interventions = [
        (i.pk, i.name)
        for i in intervention_selectors.intervention_list(
            user=request.user, association_id=budget.association_id
        )
    ]
    form = forms.BudgetEditForm(
        pages.bound(request),
        initial={
            "frame": forms.amount_text(budget.frame),
            "population_year": budget.population_year,
            "opening_equity": forms.amount_text(budget.opening_equity),
            "version": budget.version,
        },
        equity_carried=carried,
    )
    lines = forms.line_formset(
        pages.bound(request), initial=_line_initial(budget), interventions=interventions
    )
    if budget.status == BudgetStatus.ADOPTED and request.method == "GET":
        messages.info(request, _("Budgeten är fastställd och kan inte ändras."))
        return redirect("finance:budget_detail", budget.pk)
    rows: list[int] = []

    def save() -> Budget:
        inputs, found = forms.line_inputs(lines)
        rows.extend(found)
        return services.budget_update(
            actor=request.user,
            budget=budget,
            version=form.cleaned_data["version"],
            frame=form.cleaned_data["frame"],
            population_year=form.cleaned_data["population_year"],
            opening_equity=None if carried else form.cleaned_data["opening_equity"],
            lines=inputs,
        )

    attempt = pages.attempt(
        form, save, lines, show=lambda exc: forms.add_line_violations(form, lines, rows, exc)
    )
    if attempt.done:
        messages.success(request, _("Budgeten har sparats och bidragen har räknats om."))
        return redirect("finance:budget_detail", budget.pk)
    current = None
    if attempt.conflict:
        current = selectors.budget_get(user=request.user, budget_id=budget_id, capability=EDIT)
        pages.keep_typing(form, current.version)
    return pages.form_page(
        request,
        "finance/budget_edit.html",
        {
            "form": form,
            "lines": lines,
            "budget": budget,
            "association": budget.association,
            "current": current,
            "current_lines": selectors.lines(budget=current) if current is not None else [],
            "line_kinds": LineKind,
        },
        form,
        lines,
        refusal=attempt.refusal,
    )


@page_access(EDIT, scoped="budget_id", methods=FORM_METHODS)
def consultation_create(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = selectors.budget_get(user=request.user, budget_id=budget_id, capability=EDIT)
    members = selectors.budget_members(budget=budget)
    member_by_id = {m.pk: m for m in members}
    representatives = registry_selectors.representative_list(
        user=request.user, association_id=budget.association_id
    )
    unconsulted = {m.pk for m in selectors.unconsulted_members(budget=budget)}
    form = forms.ConsultationForm(
        pages.bound(request),
        initial={"member": next(iter(m.pk for m in members if m.pk in unconsulted), None)},
        members=[
            (m.pk, m.name + ("" if m.pk in unconsulted else _(" (samråd registrerat)"))) for m in members
        ],
        representatives=[
            (r.person_id, f"{r.person.name} – {r.member.name}")
            for r in representatives
            if r.member_id in member_by_id
        ],
    )
    people = {r.person_id: r.person for r in representatives}
    attempt = pages.attempt(
        form,
        lambda: services.consultation_record(
            actor=request.user,
            budget=budget,
            member=member_by_id[form.cleaned_data["member"]],
            held_on=form.cleaned_data["held_on"],
            representative=people[form.cleaned_data["representative"]],
            comments=form.cleaned_data["comments"],
        ),
    )
    if attempt.done:
        consultation = attempt.result
        messages.success(
            request,
            _("Budgetsamrådet med %(member)s har registrerats.") % {"member": consultation.member.name},
        )
        return redirect("finance:budget_detail", budget.pk)
    return pages.form_page(
        request,
        "finance/form.html",
        {
            "form": form,
            "budget": budget,
            "association": budget.association,
            "title": _("Registrera budgetsamråd %(year)s") % {"year": budget.year},
            "intro": _(
                "Styrelsen ska samråda med varje förbundsmedlem om budgeten innan den fastställs (23 § lagen "
                "om finansiell samordning). Registrera ett samråd per medlem."
            ),
        },
        refusal=attempt.refusal,
    )


@page_access(EDIT, scoped="budget_id", methods=FORM_METHODS)
def budget_adopt(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = selectors.budget_get(user=request.user, budget_id=budget_id, capability=EDIT)
    form = forms.AdoptForm(
        pages.bound(request), initial={"adopted_on": selectors.today(), "version": budget.version}
    )
    attempt = pages.attempt(
        form,
        lambda: services.budget_adopt(
            actor=request.user,
            budget=budget,
            adopted_on=form.cleaned_data["adopted_on"],
            reference=form.cleaned_data["reference"],
            version=form.cleaned_data["version"],
        ),
    )
    if attempt.done:
        adopted = attempt.result
        if adopted.adopted_late:
            messages.warning(
                request,
                _(
                    "Budgeten för %(year)s är fastställd, men efter den 30 november %(before)s. "
                    "Det är noterat på budgeten."
                )
                % {"year": adopted.year, "before": adopted.year - 1},
            )
        else:
            messages.success(request, _("Budgeten för %(year)s är fastställd.") % {"year": adopted.year})
        return redirect("finance:budget_detail", budget.pk)
    if attempt.conflict:
        pages.keep_typing(form, selectors.budget_get(user=request.user, budget_id=budget_id).version)
    return pages.form_page(
        request,
        "finance/form.html",
        {
            "form": form,
            "budget": budget,
            "association": budget.association,
            "title": _("Fastställ budgeten för %(year)s") % {"year": budget.year},
            "intro": _(
                "Styrelsen fastställer budgeten senast den 30 november året före budgetåret (%(deadline)s), "
                "efter samråd med varje medlem. Ett senare beslut är giltigt men noteras som sent."
            )
            % {"deadline": rules.adoption_deadline(budget.year).isoformat()},
            "submit": _("Fastställ"),
        },
        refusal=attempt.refusal,
    )


@page_access(EDIT, scoped="budget_id", methods=FORM_METHODS)
def outcome_edit(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = selectors.budget_get(user=request.user, budget_id=budget_id, capability=EDIT)
    lines = selectors.lines(budget=budget)
    contributions = selectors.contributions(budget=budget)
    initial: dict[str, Any] = {"version": budget.version}
    initial |= {
        f"actual-{line.pk}": forms.amount_text(line.actual) for line in lines if line.actual is not None
    }
    initial |= {
        f"received-{c.pk}": forms.amount_text(c.received) for c in contributions if c.received is not None
    }
    form = forms.OutcomeForm(pages.bound(request), initial=initial, lines=lines, contributions=contributions)
    attempt = pages.attempt(
        form,
        lambda: services.outcome_update(
            actor=request.user,
            budget=budget,
            version=form.cleaned_data["version"],
            actuals=form.actuals(),
            received=form.received(),
        ),
    )
    if attempt.done:
        messages.success(request, _("Utfallet har sparats."))
        return redirect("finance:budget_detail", budget.pk)
    if attempt.conflict:
        pages.keep_typing(form, selectors.budget_get(user=request.user, budget_id=budget_id).version)
    return pages.form_page(
        request,
        "finance/outcome_edit.html",
        {"form": form, "budget": budget, "association": budget.association},
        refusal=attempt.refusal,
    )


@page_access(EDIT, scoped="budget_id", methods=FORM_METHODS)
def outcome_close(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = selectors.budget_get(user=request.user, budget_id=budget_id, capability=EDIT)
    form = forms.CloseForm(
        pages.bound(request), initial={"closed_on": selectors.today(), "version": budget.version}
    )
    attempt = pages.attempt(
        form,
        lambda: services.outcome_close(
            actor=request.user,
            budget=budget,
            closed_on=form.cleaned_data["closed_on"],
            version=form.cleaned_data["version"],
        ),
    )
    if attempt.done:
        messages.success(
            request,
            _("Bokslutet för %(year)s är gjort och årets resultat är fört till eget kapital.")
            % {"year": budget.year},
        )
        return redirect("finance:budget_detail", budget.pk)
    totals = selectors.budget_totals(budget=budget)
    return pages.form_page(
        request,
        "finance/outcome_close.html",
        {
            "form": form,
            "budget": budget,
            "association": budget.association,
            "totals": totals,
            "equity": selectors.equity(budget=budget, totals=totals),
        },
        refusal=attempt.refusal,
    )


# --- reports --------------------------------------------------------------------------------------


@page_access(REPORT, scoped="budget_id")
def report(request: HttpRequest, budget_id: int) -> HttpResponse:
    data = selectors.budget_report(user=request.user, budget_id=budget_id)
    return render(request, "finance/report/page.html", reporting.report_context(data, request=request))


@page_access(REPORT, scoped="budget_id")
def report_pdf(request: HttpRequest, budget_id: int) -> HttpResponse:
    data = selectors.budget_report(user=request.user, budget_id=budget_id)
    document = pdf.render_pdf("finance/report/pdf.html", reporting.report_context(data), request=request)
    return pdf.pdf_response(document, filename=f"{data.association.name} budget {data.budget.year}")


@page_access(REPORT, scoped="budget_id")
def report_xlsx(request: HttpRequest, budget_id: int) -> HttpResponse:
    data = selectors.budget_report(user=request.user, budget_id=budget_id)
    return reporting.workbook_response(data)


@page_access(REPORT, scoped="budget_id")
def contribution_letter(request: HttpRequest, budget_id: int, member_id: int) -> HttpResponse:
    data, contribution = selectors.contribution_for_letter(
        user=request.user, budget_id=budget_id, member_id=member_id
    )
    document = pdf.render_pdf(
        "finance/report/contribution_letter.html",
        reporting.letter_context(data, contribution),
        request=request,
    )
    return pdf.pdf_response(
        document, filename=f"bidrag {data.budget.year} {contribution.member.name} {data.association.name}"
    )


# --- populations ----------------------------------------------------------------------------------


@page_access(Capability.POPULATION_EDIT, methods=FORM_METHODS)
def population_edit(request: HttpRequest, year: int) -> HttpResponse:
    if not forms.YEAR_MIN <= year <= forms.YEAR_MAX:
        raise Http404
    rows = selectors.population_table(user=request.user, year=year)
    form = forms.PopulationForm(
        pages.bound(request),
        rows=rows,
        initial={"year": year} | {f"population-{r.municipality.code}": r.population for r in rows},
    )
    if form.is_bound and form.is_valid() and form.cleaned_data["year"] != year:
        form.add_error(None, _("Formuläret gällde ett annat år. Ladda om sidan."))
    attempt = pages.attempt(
        form, lambda: services.population_set(actor=request.user, year=year, figures=form.figures())
    )
    if attempt.done:
        messages.success(
            request,
            _("Folkmängden för %(year)s har sparats (%(n)s ändrade).") % {"year": year, "n": attempt.result},
        )
        return redirect("finance:population_edit", year)
    return pages.form_page(
        request,
        "finance/population_edit.html",
        {
            "form": form,
            "year": year,
            "years": sorted({*selectors.population_years(), year - 1, year, year + 1}, reverse=True),
        },
        refusal=attempt.refusal,
    )


@page_access(Capability.STATE_ALLOCATION_EDIT, methods=FORM_METHODS)
def support_measure_import(request: HttpRequest) -> HttpResponse:
    """The working group's upload of the försörjningsmått per municipality and year (R-STATE-MODEL)."""
    form = forms.SupportMeasureImportForm(pages.bound(request), pages.bound_files(request))
    attempt = pages.attempt(
        form,
        lambda: services.support_measure_import(actor=request.user, data=form.cleaned_data["file"].read()),
    )
    if attempt.done:
        messages.success(
            request,
            _("%(rows)s värden för försörjningsmått har lästs in, varav %(changed)s nya eller ändrade.")
            % attempt.result,
        )
        return redirect("finance:support_measure_import")
    return pages.form_page(
        request,
        "finance/support_measure_import.html",
        {"form": form, "years": selectors.support_measure_years()},
        refusal=attempt.refusal,
    )


# --- calculators ----------------------------------------------------------------------------------


def _calculator(request: HttpRequest, form_class: Any, compute: Callable[[Any], Any]) -> tuple[Any, Any, int]:
    """A GET form: bound when the query string has values; the result, or the refusal on the fields."""
    form = form_class(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        try:
            result = compute(form.cleaned_data)
        except RuleViolation as exc:
            forms.add_calculator_violations(form, exc)
    return form, result, pages.status(form)


@page_access(Capability.FINANCE_CALCULATE)
def calculator_contributions(request: HttpRequest) -> HttpResponse:
    form, result, status = _calculator(
        request,
        forms.ContributionCalculatorForm,
        lambda data: selectors.with_party_names(
            rules.calculate_contributions(
                rules.ContributionInput(
                    total=data["total"],
                    municipalities=data["municipalities"],
                    regions=data["regions"],
                    municipal_key=data["municipal_key"],
                    region_key=data["region_key"],
                )
            )
        ),
    )
    return render(
        request, "finance/calculator_contributions.html", {"form": form, "result": result}, status=status
    )


@page_access(Capability.FINANCE_CALCULATE)
def calculator_cap_2004(request: HttpRequest) -> HttpResponse:
    form, result, status = _calculator(
        request, forms.Cap2004Form, lambda data: rules.cap_2004(data["sickness_benefit_costs"])
    )
    return render(
        request, "finance/calculator_cap_2004.html", {"form": form, "result": result}, status=status
    )


@page_access(Capability.FINANCE_CALCULATE)
def calculator_state_allocation(request: HttpRequest) -> HttpResponse:
    form, result, status = _calculator(
        request,
        forms.StateAllocationForm,
        lambda data: rules.calculate_state_allocation(
            rules.StateModelInput(
                appropriation=data["appropriation"],
                associations=data["associations"],
                base_amount=data["base_amount"],
                need_weight=data["need_weight"],
                population_weight=data["population_weight"],
                max_reduction=data["max_reduction"],
            )
        ),
    )
    return render(
        request, "finance/calculator_state_allocation.html", {"form": form, "result": result}, status=status
    )
