"""The second factor of a sign-in: who needs one, and whether this session has given it.

The users who may see identities or act for a förbund or the nation (national_admin, association_admin,
participant_coordinator) sign in with their password and a second factor: a TOTP code, a recovery code
(accounts.two_factor), or a sign-in that an e-ID provider asserts at a high level of assurance. Whichever
it was is kept in the session under SESSION_KEY ("totp", "recovery" or "oidc"); any non-empty value means
the factor is given for this session. Until it is, SecondFactorMiddleware sends such a user to give it
(or to set up a TOTP app) before any other page, the public ones and signing out excepted.

The API has no session: its token endpoint takes the code with the password (accounts.services).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from finsam.core.access import roles_of
from finsam.core.roles import Role

SESSION_KEY = "finsam_second_factor"

TOTP = "totp"
RECOVERY = "recovery"
OIDC = "oidc"

REQUIRED_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.ASSOCIATION_ADMIN, Role.PARTICIPANT_COORDINATOR})

# The pages a user who has given the password but not yet the second factor may open: giving it, setting up
# the app that gives it, and signing out. (Public pages are open to everyone anyway.)
OPEN_BEFORE = frozenset({"second_factor_verify", "second_factor_setup", "logout"})


def required_for(user: Any) -> bool:
    """Whether the user must give a second factor: they hold a role that needs one."""
    return bool(roles_of(user) & REQUIRED_ROLES)


def is_satisfied(request: HttpRequest) -> bool:
    """Whether this session has given its second factor (by any means)."""
    session = getattr(request, "session", None)
    return session is not None and bool(session.get(SESSION_KEY))


def mark(request: HttpRequest, how: str) -> None:
    """The second factor has been given in this session, by `how` ("totp", "recovery" or "oidc"). The
    session gets a new key, as at a sign-in: one observed before the second factor is worth nothing after."""
    if not how:
        raise ValueError("how the second factor was given")
    request.session.cycle_key()
    request.session[SESSION_KEY] = how


def pending(request: HttpRequest) -> bool:
    """A signed-in user who must give a second factor and has not in this session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return required_for(user) and not is_satisfied(request)


def ask(request: HttpRequest) -> HttpResponse:
    """Sends the user to give the second factor, and back to the page asked for afterwards (htmx loads the
    page whole, as core.reauth does)."""
    back = request.get_full_path()
    if getattr(request, "htmx", False):
        back = request.headers.get("HX-Current-URL") or back
    url = f"{reverse('second_factor_verify')}?{urlencode({'next': back})}"
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class SecondFactorMiddleware:
    """Before any page that is not public, a user who must give a second factor gives it (docs/security.md,
    "Second factor"). The API authenticates each request by its token, which was issued against both
    factors, and is left alone here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.path_info.startswith("/api/") or not pending(request):
            return None
        from finsam.core.decorators import PUBLIC

        rule = getattr(view_func, "access_rule", None)
        if rule is None:
            rule = getattr(getattr(view_func, "view_class", None), "access_rule", None)
        if getattr(rule, "need", None) == PUBLIC:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_BEFORE:
            return None
        return ask(request)
