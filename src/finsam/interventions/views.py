"""The intervention pages. Thin: they parse input with a form, call a selector or a service, render.

A refused form answers 400 (409 on an edit conflict) with the Swedish message on the field; a write
redirects with a success message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from finsam.accounts import selectors as account_selectors
from finsam.accounts import services as account_services
from finsam.core import pages, reauth
from finsam.core.decorators import page_access
from finsam.core.errors import RuleViolation
from finsam.core.roles import Capability, Role
from finsam.interventions import forms, selectors, services
from finsam.interventions.models import Intervention
from finsam.registry import selectors as registry_selectors

FORM_METHODS = ("GET", "POST")


@page_access(Capability.INTERVENTION_VIEW, scoped="association_id")
def intervention_list(request: HttpRequest, association_id: int) -> HttpResponse:
    association = registry_selectors.association_get(user=request.user, association_id=association_id)
    interventions = selectors.intervention_list(user=request.user, association_id=association_id)
    return render(
        request,
        "interventions/intervention_list.html",
        {
            "association": association,
            "interventions": interventions,
            "can_edit": selectors.can_edit(user=request.user, association_id=association_id),
            "coordinated": set(
                selectors.coordinated_interventions(
                    user=request.user, association_id=association_id
                ).values_list("pk", flat=True)
            ),
        },
    )


@page_access(Capability.INTERVENTION_VIEW, scoped="intervention_id")
def intervention_detail(request: HttpRequest, intervention_id: int) -> HttpResponse:
    intervention = selectors.intervention_get(user=request.user, intervention_id=intervention_id)
    context: dict[str, Any] = {
        "intervention": intervention,
        "association": intervention.association,
        "can_edit": selectors.can_edit(user=request.user, association_id=intervention.association_id),
        "coordinates": selectors.coordinates(user=request.user, intervention_id=intervention.pk),
    }
    if intervention.is_individual:
        context["counts"] = selectors.participant_counts(user=request.user, intervention_id=intervention.pk)
    else:
        context["structural_counts"] = selectors.structural_counts(
            user=request.user, intervention_id=intervention.pk
        )
    return render(request, "interventions/intervention_detail.html", context)


@page_access(Capability.INTERVENTION_EDIT, scoped="association_id", methods=FORM_METHODS)
def intervention_create(request: HttpRequest, association_id: int) -> HttpResponse:
    association = registry_selectors.association_get(
        user=request.user, association_id=association_id, capability=Capability.INTERVENTION_EDIT
    )
    form = forms.InterventionForm(
        pages.bound(request),
        initial={"start": timezone.localdate(), "status": "planned", "kind": "individual"},
        members=registry_selectors.member_list(user=request.user, association_id=association_id),
        coordinator_candidates=selectors.coordinator_candidates(
            user=request.user, association_id=association_id
        ),
    )
    planned = forms.planned_formset(pages.bound(request), initial=[])
    attempt = pages.attempt(
        form,
        lambda: services.intervention_create(
            actor=request.user,
            association=association,
            planned=forms.planned_values(planned),
            **form.service_arguments(),
        ),
        planned,
    )
    if attempt.done:
        intervention = attempt.result
        messages.success(request, _("Insatsen %(name)s har registrerats.") % {"name": intervention.name})
        return redirect("interventions:intervention_detail", intervention.pk)
    return pages.form_page(
        request,
        "interventions/intervention_form.html",
        {
            "form": form,
            "planned": planned,
            "title": _("Ny insats"),
            "association": association,
            "cancel_url": reverse("interventions:intervention_list", args=[association_id]),
        },
        form,
        planned,
        refusal=attempt.refusal,
    )


@page_access(Capability.INTERVENTION_EDIT, scoped="intervention_id", methods=FORM_METHODS)
def intervention_edit(request: HttpRequest, intervention_id: int) -> HttpResponse:
    intervention = selectors.intervention_get(
        user=request.user, intervention_id=intervention_id, capability=Capability.INTERVENTION_EDIT
    )
    association_id = intervention.association_id
    initial = {
        "name": intervention.name,
        "kind": intervention.kind,
        "status": intervention.status,
        "start": intervention.start,
        "end": intervention.end,
        "target_group": intervention.target_group,
        "description": intervention.description,
        "providers": list(intervention.providers.all()),
        "board_decision_reference": intervention.board_decision_reference,
        "board_decision_date": intervention.board_decision_date,
        "followup_method": intervention.followup_method,
        "esf_cofinanced": intervention.esf_cofinanced,
        "coordinators": list(intervention.coordinators.all()),
        "version": intervention.version,
    }
    form = forms.InterventionEditForm(
        pages.bound(request),
        initial=initial,
        members=registry_selectors.member_list(user=request.user, association_id=association_id),
        coordinator_candidates=selectors.coordinator_candidates(
            user=request.user, association_id=association_id
        ),
    )
    planned = forms.planned_formset(
        pages.bound(request), initial=[{"year": p.year, "count": p.count} for p in intervention.planned.all()]
    )
    attempt = pages.attempt(
        form,
        lambda: services.intervention_update(
            actor=request.user,
            intervention=intervention,
            version=form.cleaned_data["version"],
            planned=forms.planned_values(planned),
            **form.service_arguments(),
        ),
        planned,
    )
    if attempt.done:
        messages.success(request, _("Ändringarna är sparade."))
        return redirect("interventions:intervention_detail", intervention.pk)
    return pages.form_page(
        request,
        "interventions/intervention_form.html",
        {
            "form": form,
            "planned": planned,
            "title": _("Ändra %(name)s") % {"name": intervention.name},
            "association": intervention.association,
            "cancel_url": reverse("interventions:intervention_detail", args=[intervention.pk]),
        },
        form,
        planned,
        refusal=attempt.refusal,
    )


@page_access(Capability.INTERVENTION_EDIT, scoped="intervention_id", methods=FORM_METHODS)
def structural_count_create(request: HttpRequest, intervention_id: int) -> HttpResponse:
    intervention: Intervention = selectors.intervention_get(
        user=request.user, intervention_id=intervention_id, capability=Capability.INTERVENTION_EDIT
    )
    year = timezone.localdate().year
    form = forms.StructuralCountForm(
        pages.bound(request),
        initial={
            "period_start": max(intervention.start, timezone.localdate().replace(month=1, day=1)),
            "period_end": timezone.localdate().replace(year=year, month=12, day=31),
        },
    )
    attempt = pages.attempt(
        form,
        lambda: services.structural_count_record(
            actor=request.user, intervention=intervention, **form.cleaned_data
        ),
    )
    if attempt.done:
        messages.success(request, _("Antalen är sparade."))
        return redirect("interventions:intervention_detail", intervention.pk)
    return pages.form_page(
        request,
        "interventions/structural_count_form.html",
        {
            "form": form,
            "intervention": intervention,
            "association": intervention.association,
            "title": _("Registrera antal för %(name)s") % {"name": intervention.name},
            "cancel_url": reverse("interventions:intervention_detail", args=[intervention.pk]),
        },
        refusal=attempt.refusal,
    )


# --- the förbund's coordinators: the role is given by the förbund's own director only ------------


@page_access(Capability.INTERVENTION_EDIT, scoped="association_id", methods=FORM_METHODS)
def coordinator_roles(request: HttpRequest, association_id: int) -> HttpResponse:
    """Who holds the coordinator role (which sees identities) in the förbund; the director gives it to an
    existing account and takes it away, through the role services (accounts.rules). A change needs the
    password given in the last minutes (core.reauth): the director comes back here and sends it again."""
    association = registry_selectors.association_get(
        user=request.user, association_id=association_id, capability=Capability.INTERVENTION_EDIT
    )
    if request.method == "POST" and not reauth.is_recent(request):
        return reauth.ask(request)
    revoking = request.method == "POST" and "assignment" in request.POST
    grant = forms.CoordinatorGrantForm(None if revoking else pages.bound(request))
    revoke = forms.CoordinatorRevokeForm(pages.bound(request) if revoking else None)

    def grant_role() -> Any:
        user = account_selectors.active_user_by_username(username=grant.cleaned_data["username"])
        if user is None:
            raise RuleViolation(
                "R-ROLE", _("Det finns inget aktivt konto med det användarnamnet."), "username"
            )
        return account_services.role_grant(
            actor=request.user, user=user, role=Role.PARTICIPANT_COORDINATOR, association=association
        )

    def revoke_role() -> None:
        assignment = account_selectors.coordinator_role_get(
            association_id=association.pk, assignment_id=revoke.cleaned_data["assignment"]
        )
        account_services.role_end(actor=request.user, assignment=assignment)

    granted = pages.attempt(grant, grant_role)
    revoked = pages.attempt(revoke, revoke_role)
    if granted.done or revoked.done:
        messages.success(
            request, _("Rollen deltagaransvarig är given.") if granted.done else _("Rollen är avslutad.")
        )
        return redirect("interventions:coordinator_roles", association.pk)
    return pages.form_page(
        request,
        "interventions/coordinator_roles.html",
        {
            "association": association,
            "form": grant,
            "revoke_form": revoke,
            "coordinators": list(account_selectors.coordinator_roles(association_id=association.pk)),
        },
        grant,
        revoke,
        refusal=granted.refusal or revoked.refusal,
    )
