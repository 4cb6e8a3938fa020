from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from finsam.core.access import has_capability, roles_of
from finsam.core.roles import Capability, Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main navigation, built from what the user's roles allow (nothing for anonymous users)."""
    user = request.user
    items: list[tuple[str, str]] = []
    if user.is_authenticated:
        items.append((_("Start"), reverse("home")))
        if has_capability(user, Capability.REGISTRY_VIEW):
            items.append((_("Förbund"), reverse("registry:association_list")))
            items.append((_("Kommuner och regioner"), reverse("registry:municipality_list")))
        if has_capability(user, Capability.AUDIT_VIEW):
            items.append((_("Granskningslogg"), reverse("audit_log")))
        if has_capability(user, Capability.ADMIN_SITE):
            items.append((_("Administration"), reverse("admin:index")))
    path = request.path
    nav = [
        {"label": label, "url": url, "current": (url != "/" and path.startswith(url)) or url == path}
        for label, url in items
    ]
    role_labels = [Role(r).label for r in sorted(roles_of(user))] if user.is_authenticated else []
    return {"main_nav": nav, "user_roles": role_labels}
