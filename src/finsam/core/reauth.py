"""Recent authentication: showing or exporting identities and changing roles need the password given in the
last REAUTHENTICATION_MINUTES, in this session. A sign-in counts (accounts sets the time when a user signs
in), and so does confirming the password again on the page `reauthenticate` (accounts.views).

The time is kept in the session, so that it belongs to this browser only: another session's sign-in does
not make this one fresh. Pages declare the need with `page_access(..., recent_authentication=True)`; the
admin's role pages ask `is_recent` themselves.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

SESSION_KEY = "finsam_authenticated_at"


def mark(request: HttpRequest) -> None:
    """The user has just given their password (a sign-in, or a confirmation)."""
    request.session[SESSION_KEY] = int(time.time())


def is_recent(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    if session is None:
        return False
    at = session.get(SESSION_KEY)
    if not isinstance(at, int):
        return False
    return 0 <= time.time() - at < settings.REAUTHENTICATION_MINUTES * 60


def token_too_old_message() -> str:
    return (
        f"Att läsa personnummer kräver en API-nyckel som hämtats de senaste "
        f"{settings.REAUTHENTICATION_MINUTES} minuterna. Hämta en ny nyckel (POST /api/v1/auth/token) och "
        "försök igen med den."
    )


class TokenTooOld(Exception):
    """An API operation that shows identities was called with a token issued too long ago (the API has no
    session: its token shows when the password, and the second factor, were given)."""


def token_is_recent(request: HttpRequest) -> bool:
    """Whether the API token of the request was issued in the last REAUTHENTICATION_MINUTES."""
    created = getattr(request, "api_token_created", None)
    if created is None:
        return False
    age = (timezone.now() - created).total_seconds()
    return 0 <= age < settings.REAUTHENTICATION_MINUTES * 60


def safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    """`candidate` when it is an address of this site, else None."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def ask(request: HttpRequest) -> HttpResponse:
    """Sends the user to confirm the password, and back afterwards: to the page they asked for (a form sent
    is not saved: they come back to the form and send it again), or, for a control that loads into a page
    by htmx, to the page they were on. Nothing is done meanwhile."""
    back = request.get_full_path()
    if getattr(request, "htmx", False):
        back = safe_next(request, request.headers.get("HX-Current-URL")) or back
    url = f"{reverse('reauthenticate')}?{urlencode({'next': back})}"
    if getattr(request, "htmx", False):
        # htmx would follow a redirect and put the page into the control's target: it loads the page whole.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)
