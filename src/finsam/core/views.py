from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.i18n import set_language as django_set_language

from finsam.core.decorators import PUBLIC, page_access


@page_access(PUBLIC, methods=("POST",))
def set_language(request: HttpRequest) -> HttpResponse:
    return django_set_language(request)
