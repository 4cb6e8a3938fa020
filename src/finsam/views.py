"""Pages that compose several apps: the home page and the audit log (whose entries are named by the
förbund they concern). They live in the shell, above the apps, because core knows no domain app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import cast

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from finsam.core import selectors
from finsam.core.access import has_capability
from finsam.core.decorators import AUTHENTICATED, page_access
from finsam.core.forms import FinsamForm
from finsam.core.roles import Capability
from finsam.registry import selectors as registry_selectors
from finsam.reports import csvfile


@page_access(AUTHENTICATED)
def home(request: HttpRequest) -> HttpResponse:
    associations = []
    if has_capability(request.user, Capability.REGISTRY_VIEW):
        associations = registry_selectors.association_overview(user=request.user)
    return render(request, "core/home.html", {"associations": associations})


class AuditFilterForm(FinsamForm):
    action = forms.ChoiceField(label=_("Händelse"), required=False)
    username = forms.CharField(label=_("Användare"), required=False, max_length=150)
    association = forms.ChoiceField(label=pgettext_lazy("ett förbund", "Förbund"), required=False)
    date_from = forms.DateField(label=_("Från och med"), required=False, widget=forms.DateInput)
    date_to = forms.DateField(label=_("Till och med"), required=False, widget=forms.DateInput)

    def __init__(
        self, *args: object, actions: list[str], associations: list[tuple[int, str]], **kwargs: object
    ):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [("", _("Alla"))] + [(a, a) for a in actions]
        cast(forms.ChoiceField, self.fields["association"]).choices = [("", _("Alla"))] + [
            (str(i), n) for i, n in associations
        ]

    def to_filter(self) -> selectors.AuditFilter:
        data = self.cleaned_data if self.is_valid() else {}
        association = data.get("association")
        return selectors.AuditFilter(
            action=data.get("action") or "",
            username=(data.get("username") or "").strip(),
            association_id=int(association) if association else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


def _audit_form(request: HttpRequest) -> AuditFilterForm:
    associations = [(a.pk, a.name) for a in registry_selectors.association_list(user=request.user)]
    return AuditFilterForm(
        request.GET or None, actions=selectors.audit_actions(user=request.user), associations=associations
    )


@page_access(Capability.AUDIT_VIEW)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = _audit_form(request)
    entries = selectors.audit_entries(user=request.user, filters=form.to_filter())
    page = Paginator(entries, 50).get_page(request.GET.get("sida"))
    names = dict(registry_selectors.association_list(user=request.user).values_list("id", "name"))
    for entry in page:
        label = names.get(entry.association_id, "") if entry.association_id is not None else ""
        entry.association_label = label  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "core/audit_log.html",
        {"form": form, "page": page, "association_names": names, "query": query.urlencode()},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@page_access(Capability.AUDIT_VIEW)
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered log as CSV (semicolon-separated, UTF-8 with BOM so that Excel reads å, ä, ö)."""
    form = _audit_form(request)
    entries = selectors.audit_entries(user=request.user, filters=form.to_filter())
    writer = csvfile.writer(_Echo(), delimiter=";")

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(
            ["tid", "användare", "händelse", "objekttyp", "objekt-id", "förbund-id", "klientadress"]
        )
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    entry.at.isoformat(),
                    entry.actor_username,
                    entry.action,
                    entry.object_type,
                    entry.object_id,
                    entry.association_id or "",
                    entry.client_address or "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="granskningslogg-{date.today():%Y%m%d}.csv"'  # noqa: DTZ011
    return response
