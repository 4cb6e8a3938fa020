"""The sign-in lock, through django-axes (settings: AXES_*, FINSAM_SIGNIN_*; docs/security.md, "Sign-in").

Failures are counted per account and client address together (AXES_LOCKOUT_PARAMETERS): after
SIGNIN_FAILURE_LIMIT failures that account is refused from that address until SIGNIN_LOCKOUT_MINUTES have
passed since the latest failure, on the sign-in page, the API's token endpoint and the password
confirmation alike. Counting per account alone would let anyone lock a colleague out; per address alone
would lock a whole municipality behind one address out together. An address that fails for many accounts
(SIGNIN_ADDRESS_FAILURE_LIMIT in all; password spraying) is refused for every account for as long.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from finsam.core.middleware import api_error


class SignInAttempts(AxesDatabaseHandler):
    """axes' database handler, with the address's failures over all accounts counted too."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        per_account = int(super().get_failures(request, credentials))
        address = getattr(request, "axes_ip_address", None)
        if address is None:
            return per_account
        per_address = (
            AccessAttempt.objects.filter(
                ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
            ).aggregate(total=Sum("failures_since_start"))["total"]
            or 0
        )
        if per_address >= settings.SIGNIN_ADDRESS_FAILURE_LIMIT:
            return max(per_account, int(get_failure_limit(request, credentials)))
        return per_account


def not_a_password(request: Any, credentials: dict[str, Any] | None = None) -> bool:
    """The answer of an e-legitimation provider (accounts.oidc: a nonce, no user name) is neither counted
    nor locked (AXES_WHITELIST_CALLABLE): each try costs a real sign-in at the provider, so it guesses
    nothing, and counting it against the address would let a few refused e-legitimations lock everyone
    behind that address out."""
    credentials = credentials or {}
    return "nonce" in credentials and not credentials.get("username")


def lockout_message() -> str:
    return _(
        "För många misslyckade inloggningsförsök. Inloggningen är spärrad i %(minutes)d minuter. "
        "Vänta och försök igen, eller välj ett nytt lösenord med ”Glömt lösenordet?”."
    ) % {"minutes": settings.SIGNIN_LOCKOUT_MINUTES}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The answer to a locked sign-in (AXES_LOCKOUT_CALLABLE), 429: the API's error shape for the API, the
    page the user was on with the message otherwise."""
    if request.path_info.startswith("/api/"):
        return api_error(429, "R-LOCKED", lockout_message())
    if request.resolver_match is not None and request.resolver_match.url_name == "reauthenticate":
        template = "accounts/reauthenticate.html"
    else:
        template = "registration/login.html"
    context = {
        "lockout_message": lockout_message(),
        "next": request.POST.get("next", ""),
        "minutes": settings.REAUTHENTICATION_MINUTES,
    }
    return render(request, template, context, status=429)
