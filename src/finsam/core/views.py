from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.i18n import set_language as django_set_language

from finsam.core.decorators import PUBLIC, page_access


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
