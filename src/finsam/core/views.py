from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.i18n import set_language as django_set_language

from finsam.core import release
from finsam.core.decorators import PUBLIC, page_access
from finsam.core.health import health_get


@page_access(PUBLIC, methods=("POST",))
def set_language(request: HttpRequest) -> HttpResponse:
    return django_set_language(request)


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
