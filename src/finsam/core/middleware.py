from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finsam.core import audit

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

API_PREFIX = "/api/"

logger = logging.getLogger(__name__)

# The API's answer for each error status it does not produce itself (the framework's own refusals, an
# unknown address, a server fault): the code and the Swedish message of its shared error shape.
API_ERRORS: dict[int, tuple[str, _StrPromise]] = {
    400: ("R-INPUT", gettext_lazy("Begäran kunde inte läsas.")),
    401: ("R-AUTH", gettext_lazy("Logga in: ange en giltig API-nyckel (Authorization: Bearer …).")),
    403: ("R-ACCESS", gettext_lazy("Du har inte behörighet till detta.")),
    404: ("R-NOT-FOUND", gettext_lazy("Finns inte, eller så saknar du behörighet.")),
    405: ("R-METHOD", gettext_lazy("Metoden är inte tillåten för den här adressen.")),
    413: ("R-TOO-LARGE", gettext_lazy("Begäran är för stor.")),
    500: (
        "R-SERVER",
        gettext_lazy("Ett fel uppstod hos oss. Inget av det du skickade sparades till hälften."),
    ),
    503: ("R-UNAVAILABLE", gettext_lazy("Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.")),
}


def api_error(status: int, code: str | None = None, message: str | None = None) -> JsonResponse:
    """The API's error shape, {"errors": [{"code", "message", "field"}]}, for `status`."""
    default_code, default_message = API_ERRORS.get(status, ("R-HTTP", _("Begäran kunde inte utföras.")))
    body = {
        "errors": [{"code": code or default_code, "message": message or str(default_message), "field": None}]
    }
    return JsonResponse(body, status=status)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    if _is_api(request):
        return api_error(413, message=_("Begäran är för stor: högst %(limit)s byte.") % {"limit": limit})
    page = render_to_string("413.html", {"limit_mb": max(1, limit // (1024 * 1024))})
    return HttpResponse(page, status=413)


class RequestBoundsMiddleware:
    """Bounds and shapes what the application takes and answers, before anything reads the body.

    A request that declares a body over the limit (DATA_UPLOAD_MAX_MEMORY_SIZE; for a page's multipart form,
    which may carry a file, REQUEST_MAX_BYTES: the largest upload and its form) is refused with 413 before
    a byte is read. Under /api/ every error answers the API's JSON shape: the framework's own refusals
    (405 with an empty body, 404 for an unknown address), a body too large for Django's own limit, and a
    database that cannot be reached (503), so that clients never have to read an HTML page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = _limit(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            logger.warning("Refused a request body of %d bytes (limit %d): %s", length, limit, request.path)
            return _too_large(request, limit)
        response = self.get_response(request)
        if _is_api(request) and response.status_code >= 400 and not _is_json(response):
            shaped = api_error(response.status_code)
            if "Allow" in response:
                shaped["Allow"] = response["Allow"]
            return shaped
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            logger.warning("Refused a request body over the limit: %s", request.path)
            return _too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        if isinstance(exception, DatabaseError) and _is_api(request):
            # Logged in full: an outage, or a fault that must be found.
            logger.error("Database error on %s", request.path, exc_info=exception)
            return api_error(503)
        return None


def _limit(request: HttpRequest) -> int:
    """A file may come only as multipart/form-data to a page; everything else is read into memory."""
    multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
    if multipart and not _is_api(request):
        return int(settings.REQUEST_MAX_BYTES)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class NoStoreForSignedInMiddleware:
    """Every answer to a signed-in user (a session, or an API token) is marked `Cache-Control: no-store`
    (with Django's never-cache headers): such answers may show identities (a personnummer, a scanned consent
    form, an export), and no browser cache or proxy between may keep them. Public answers keep theirs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)
        return response


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a proxy (FINSAM_TRUST_X_FORWARDED_FOR) the last
    X-Forwarded-For address, the one the proxy itself added. The addresses before it were sent by the client
    and could be anything: a client must not choose the address its sign-in failures are counted against.
    The audit log and the sign-in lock (AXES_CLIENT_IP_CALLABLE) both take it from here."""
    address = request.META.get("REMOTE_ADDR")
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops and _is_address(hops[-1]):
            address = hops[-1]
    return address


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class RequestContextMiddleware:
    """Makes the client address available to the audit log for the length of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = audit.set_client_address(client_address(request))
        try:
            return self.get_response(request)
        finally:
            audit.client_address.reset(token)
