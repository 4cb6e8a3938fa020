from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.i18n import set_language as django_set_language

from finsam.core import release
from finsam.core.decorators import PUBLIC, page_access
from finsam.core.health import health_get


@page_access(PUBLIC, methods=("POST",))
def set_language(request: HttpRequest) -> HttpResponse:
    return django_set_language(request)


# The day the accessibility statement was last reviewed against the platform; change it with the text.
ACCESSIBILITY_REVIEWED = date(2026, 12, 7)


@page_access(PUBLIC)
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement that the law on accessibility to digital public service (2018:1937)
    requires: how accessible the platform is, what is known not to be, how to report it, and supervision."""
    return render(
        request,
        "core/accessibility.html",
        {"contact": settings.ACCESSIBILITY_CONTACT, "reviewed": ACCESSIBILITY_REVIEWED},
    )


ICON = Path(__file__).resolve().parent.parent / "static" / "finsam" / "favicon.svg"


@page_access(PUBLIC)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico where a page names no icon (the admin, a PDF, a CSV): the same icon as
    the pages name, served here (a redirect would be a second request for every such page)."""
    response = HttpResponse(ICON.read_bytes(), content_type="image/svg+xml")
    patch_cache_control(response, public=True, max_age=86400)
    return response


@page_access(PUBLIC)
def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer: 200 while the database answers, 503 when it does not. The worker's state is
    in the answer; with ?worker=1 (for monitoring) a worker without a recent sign of life is also 503 —
    not by default, since a stopped worker is no reason to take the web servers out of service."""
    state = health_get()
    body = {
        "status": "ok" if state.database else "unavailable",
        "database": "ok" if state.database else "unavailable",
        "worker": "ok" if state.worker else "stale",
        "version": release.version(),
    }
    healthy = state.database and (state.worker or request.GET.get("worker") != "1")
    response = JsonResponse(body, status=200 if healthy else 503)
    add_never_cache_headers(response)
    return response
