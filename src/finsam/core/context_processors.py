from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from finsam.core import release, second_factor
from finsam.core.access import has_capability, roles_of, scope_for
from finsam.core.roles import Capability, Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main navigation, built from what the user's roles allow (nothing for anonymous users)."""
    user = request.user
    items: list[tuple[str, str]] = []
    # Before the second factor no page but giving it opens: no menu to lead elsewhere.
    if user.is_authenticated and not second_factor.pending(request):
        items.append((_("Start"), reverse("home")))
        if has_capability(user, Capability.REGISTRY_VIEW):
            items.append((_("Förbund"), reverse("registry:association_list")))
            items.append((_("Personer"), reverse("registry:person_list")))
            items.append((_("Kommuner och regioner"), reverse("registry:municipality_list")))
        # Interventions and participants live inside one förbund: linked when the role has exactly one.
        interventions = scope_for(user, Capability.INTERVENTION_VIEW)
        if not interventions.all and len(interventions.association_ids) == 1:
            [association_id] = interventions.association_ids
            items.append((_("Insatser"), reverse("interventions:intervention_list", args=[association_id])))
        participants = scope_for(user, Capability.PARTICIPANT_VIEW)
        if not participants.all and len(participants.association_ids) == 1:
            [association_id] = participants.association_ids
            items.append((_("Deltagare"), reverse("followup:participant_list", args=[association_id])))
        statistics = scope_for(user, Capability.STATISTICS_VIEW)
        if not statistics.all and len(statistics.association_ids) == 1:
            [association_id] = statistics.association_ids
            items.append(
                (_("Statistik"), reverse("statistics:statistics_association", args=[association_id]))
            )
        elif has_capability(user, Capability.STATISTICS_NATIONAL):
            items.append((_("Statistik"), reverse("statistics:statistics_national")))
        if has_capability(user, Capability.FINANCE_REPORT):
            items.append((_("Ekonomi"), reverse("finance:overview")))
        elif has_capability(user, Capability.FINANCE_CALCULATE):
            items.append((_("Beräkningar"), reverse("finance:calculator_contributions")))
        if has_capability(user, Capability.GOVERNANCE_VIEW):
            items.append((_("Styrning"), reverse("governance:meeting_list")))
        if has_capability(user, Capability.GOVERNANCE_NATIONAL):
            items.append((_("Förbundens årscykel"), reverse("governance:national_overview")))
        if has_capability(user, Capability.NATIONAL_DASHBOARD):
            items.append((_("Nationell översikt"), reverse("national:dashboard")))
        # The national support structure's parts (questions, handbook, conferences, the council, the state
        # allocation …) are gathered on one page rather than in the menu.
        items.append((_("Nationellt stöd"), reverse("national:home")))
        # Users and roles are managed per förbund: a director goes straight to their förbund's page, the
        # working group chooses the förbund in the list.
        users = scope_for(user, Capability.USERS_MANAGE)
        if not users.all and len(users.association_ids) == 1:
            [association_id] = users.association_ids
            items.append(
                (_("Användare och roller"), reverse("registry:association_users", args=[association_id]))
            )
        if has_capability(user, Capability.AUDIT_VIEW):
            items.append((_("Granskningslogg"), reverse("audit_log")))
        if has_capability(user, Capability.ADMIN_SITE):
            items.append((_("Administration"), reverse("admin:index")))
    path = request.path
    # The current entry is the one whose address is the longest start of the page's (the national
    # overview, not the national front page, for /nationellt/oversikt/).
    matching = [url for _label, url in items if url == path or (url != "/" and path.startswith(url))]
    current = max(matching, key=len, default=None)
    nav = [{"label": label, "url": url, "current": url == current} for label, url in items]
    role_labels = [Role(r).label for r in sorted(roles_of(user))] if user.is_authenticated else []
    return {"main_nav": nav, "user_roles": role_labels}


def release_version(request: HttpRequest) -> dict[str, Any]:
    """The running release, for the footer."""
    return {"release_version": release.version()}
