"""Pages that compose several apps: the home page (what needs doing and the förbund's key figures, per
role) and the audit log (whose entries are told in words by the apps that own the actions and objects).
They live in the shell, above the apps, because core knows no domain app."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import batched
from typing import Any, cast

from django import forms
from django.apps import apps
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from finsam.accounts import audit_actions as accounts_actions
from finsam.accounts import selectors as account_selectors
from finsam.core import audit_actions as core_actions
from finsam.core import selectors
from finsam.core.access import has_capability, scope_for
from finsam.core.audit_text import Described, ObjectText, Refs, Wording, sentence_html, sentence_text
from finsam.core.decorators import AUTHENTICATED, may_open, page_access
from finsam.core.forms import FinsamForm
from finsam.core.models import AuditEntry
from finsam.core.roles import Capability
from finsam.finance import audit_actions as finance_actions
from finsam.finance import selectors as finance_selectors
from finsam.finance.schemas import BudgetStatus
from finsam.followup import audit_actions as followup_actions
from finsam.followup import selectors as followup_selectors
from finsam.governance import audit_actions as governance_actions
from finsam.governance import selectors as governance_selectors
from finsam.imports import audit_actions as imports_actions
from finsam.imports import selectors as import_selectors
from finsam.interventions import audit_actions as interventions_actions
from finsam.interventions import selectors as intervention_selectors
from finsam.national import audit_actions as national_actions
from finsam.national.conferences import selectors as conference_selectors
from finsam.national.handbook import selectors as handbook_selectors
from finsam.national.helpdesk import selectors as helpdesk_selectors
from finsam.registry import audit_actions as registry_actions
from finsam.registry import selectors as registry_selectors
from finsam.reports import csvfile

# --- the audit log in words ----------------------------------------------------------------------------

# Each app's actions under a heading of the event filter, and each app's describer of its objects.
ACTION_GROUPS: tuple[tuple[Any, dict[Any, Wording]], ...] = (
    (pgettext_lazy("granskningslogg", "Förbund och register"), registry_actions.WORDING),
    (pgettext_lazy("granskningslogg", "Ekonomi"), finance_actions.WORDING),
    (pgettext_lazy("granskningslogg", "Insatser"), interventions_actions.WORDING),
    (pgettext_lazy("granskningslogg", "Deltagare och uppföljning"), followup_actions.WORDING),
    (pgettext_lazy("granskningslogg", "Inläsning av deltagare"), imports_actions.WORDING),
    (pgettext_lazy("granskningslogg", "Styrning"), governance_actions.WORDING),
    (pgettext_lazy("granskningslogg", "Nationellt stöd"), national_actions.WORDING),
    (pgettext_lazy("granskningslogg", "Användare och behörighet"), accounts_actions.WORDING),
    (pgettext_lazy("granskningslogg", "Drift"), core_actions.WORDING),
)
WORDINGS: dict[str, Wording] = {
    str(action): w for _group, wordings in ACTION_GROUPS for action, w in wordings.items()
}
DESCRIBERS: tuple[Callable[..., Described], ...] = (
    registry_selectors.audit_objects,
    finance_selectors.audit_objects,
    intervention_selectors.audit_objects,
    followup_selectors.audit_objects,
    import_selectors.audit_objects,
    governance_selectors.audit_objects,
    helpdesk_selectors.audit_objects,
    conference_selectors.audit_objects,
    handbook_selectors.audit_objects,
    account_selectors.audit_objects,
)
# Changes made in the administration site are recorded as admin.<model>.<create|update|delete>.
ADMIN_WORDINGS = {
    "create": Wording(_("Skapat i administrationen"), _("{actor} skapade {object} i administrationen")),
    "update": Wording(_("Ändrat i administrationen"), _("{actor} ändrade {object} i administrationen")),
    "delete": Wording(_("Borttaget i administrationen"), _("{actor} tog bort {object} i administrationen")),
}


def wording(action: str) -> Wording:
    if action in WORDINGS:
        return WORDINGS[action]
    parts = action.split(".")
    if len(parts) == 3 and parts[0] == "admin" and parts[2] in ADMIN_WORDINGS:
        return ADMIN_WORDINGS[parts[2]]
    # An action no app names (a test's, or one retired): the code itself, so that nothing is hidden.
    return Wording(action, "{actor}: " + action.replace("{", "{{").replace("}", "}}"))


@dataclass(frozen=True)
class LogLine:
    entry: AuditEntry
    kind: str
    actor: str
    object: ObjectText | None
    sentence: SafeString
    text: str
    association: str


def _fallback(object_type: str, object_id: str) -> ObjectText:
    """An object no app describes: its kind by the model's name, and its number."""
    try:
        name = str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = object_type
    return ObjectText(gettext("{kind} nr {number}").format(kind=name, number=object_id))


def _actor(entry: AuditEntry, names: dict[int, str]) -> str:
    if entry.actor_id is not None:
        return names.get(entry.actor_id, entry.actor_username)
    if entry.actor_username == "system":
        return gettext("Systemet")
    if entry.actor_username == "anonym":
        return gettext("En anonym besökare")
    return entry.actor_username


def describe(entries: Iterable[AuditEntry], *, user: Any, association_names: dict[int, str]) -> list[LogLine]:
    """The entries in words. A query for the actors' names and one per kind of object named, however many
    entries: the query count follows the kinds, not the entries."""
    entries = list(entries)
    refs: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.object_type and entry.object_id:
            refs[entry.object_type].add(entry.object_id)
    described: Described = {}
    if refs:
        frozen: Refs = refs
        for describer in DESCRIBERS:
            described.update(describer(refs=frozen))
    names = account_selectors.actor_names(user_ids={e.actor_id for e in entries if e.actor_id is not None})
    lines = []
    for entry in entries:
        words = wording(entry.action)
        actor = _actor(entry, names)
        obj = None
        if entry.object_type and entry.object_id:
            obj = described.get((entry.object_type, entry.object_id)) or _fallback(
                entry.object_type, entry.object_id
            )
        object_text = obj.text if obj else gettext("ett objekt som inte angavs")
        if obj and obj.url and may_open(user, obj.url):
            object_html: str | SafeString = format_html('<a href="{}">{}</a>', obj.url, obj.text)
        else:
            object_html = escape(object_text)
        lines.append(
            LogLine(
                entry=entry,
                kind=str(words.label),
                actor=actor,
                object=obj,
                sentence=sentence_html(words, actor=actor, object_html=object_html),
                text=sentence_text(words, actor=actor, object_text=object_text),
                association=association_names.get(entry.association_id, "") if entry.association_id else "",
            )
        )
    return lines


class AuditFilterForm(FinsamForm):
    person = forms.ChoiceField(
        label=_("Person"),
        required=False,
        error_messages={"invalid_choice": _("Välj en person i listan.")},
    )
    action = forms.ChoiceField(
        label=_("Händelse"),
        required=False,
        error_messages={"invalid_choice": _("Välj en händelse i listan.")},
    )
    association = forms.ChoiceField(
        label=pgettext_lazy("ett förbund", "Förbund"),
        required=False,
        error_messages={"invalid_choice": _("Välj ett förbund i listan.")},
    )
    date_from = forms.DateField(
        label=_("Från och med"),
        required=False,
        widget=forms.DateInput,
        error_messages={"invalid": _("Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-12.")},
    )
    date_to = forms.DateField(
        label=_("Till och med"),
        required=False,
        widget=forms.DateInput,
        error_messages={"invalid": _("Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-12.")},
    )

    def __init__(
        self,
        *args: Any,
        people: list[tuple[str, str]],
        associations: list[tuple[int, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        everyone = [("", gettext("Alla"))]
        cast(forms.ChoiceField, self.fields["person"]).choices = everyone + people
        cast(forms.ChoiceField, self.fields["action"]).choices = everyone + [
            (str(group), sorted(((str(a), str(w.label)) for a, w in wordings.items()), key=lambda c: c[1]))
            for group, wordings in ACTION_GROUPS
        ]
        if len(associations) > 1:
            cast(forms.ChoiceField, self.fields["association"]).choices = everyone + [
                (str(i), n) for i, n in associations
            ]
        else:
            del self.fields["association"]  # one förbund: nothing to choose

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("Slutdatumet kan inte vara före startdatumet."))
        return data

    def to_filter(self) -> selectors.AuditFilter:
        data = self.cleaned_data
        association = data.get("association")
        return selectors.AuditFilter(
            action=data.get("action") or "",
            username=data.get("person") or "",
            association_id=int(association) if association else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


def _audit_form(request: HttpRequest) -> tuple[AuditFilterForm, dict[int, str]]:
    association_names = dict(registry_selectors.association_list(user=request.user).values_list("id", "name"))
    actors = selectors.audit_actors(user=request.user)
    names = account_selectors.actor_names(user_ids={i for i, _u in actors if i is not None})
    people = {}
    for actor_id, username in actors:
        name = names.get(actor_id) if actor_id is not None else None
        if name is None and actor_id is None and username in ("system", "anonym"):
            name = gettext("Systemet") if username == "system" else gettext("En anonym besökare")
        people[username] = f"{name} ({username})" if name and name != username else username
    form = AuditFilterForm(
        request.GET or None,
        people=sorted(people.items(), key=lambda p: p[1].casefold()),
        associations=sorted(association_names.items(), key=lambda a: a[1]),
    )
    return form, association_names


def _entries(request: HttpRequest, form: AuditFilterForm) -> Any:
    if form.is_bound and not form.is_valid():
        return AuditEntry.objects.none()
    filters = form.to_filter() if form.is_bound else selectors.AuditFilter()
    return selectors.audit_entries(user=request.user, filters=filters)


@page_access(Capability.AUDIT_VIEW)
def audit_log(request: HttpRequest) -> HttpResponse:
    form, association_names = _audit_form(request)
    page = Paginator(_entries(request, form), 50).get_page(request.GET.get("sida"))
    lines = describe(page.object_list, user=request.user, association_names=association_names)
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "core/audit_log.html",
        {
            "form": form,
            "page": page,
            "lines": lines,
            "query": query.urlencode(),
            "several_associations": len(association_names) > 1,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_CHUNK = 500


@page_access(Capability.AUDIT_VIEW)
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered log as CSV (semicolon-separated, UTF-8 with BOM so that Excel reads å, ä, ö): the stored
    codes first, as before, then the same entry in words."""
    form, association_names = _audit_form(request)
    if form.is_bound and not form.is_valid():
        return audit_log(request)  # the page with the filter's messages, answered 400
    entries = _entries(request, form)
    writer = csvfile.writer(_Echo(), delimiter=";")
    user = request.user

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(
            [
                "tid",
                "användare",
                "händelse",
                "objekttyp",
                "objekt-id",
                "förbund-id",
                "klientadress",
                "namn",
                "händelse i ord",
                "beskrivning",
                "objekt",
                "förbund",
            ]
        )
        for chunk in batched(entries.iterator(chunk_size=2000), CSV_CHUNK):
            for line in describe(chunk, user=user, association_names=association_names):
                entry = line.entry
                yield writer.writerow(
                    [
                        entry.at.isoformat(),
                        entry.actor_username,
                        entry.action,
                        entry.object_type,
                        entry.object_id,
                        entry.association_id or "",
                        entry.client_address or "",
                        line.actor,
                        line.kind,
                        line.text,
                        line.object.text if line.object else "",
                        line.association,
                    ]
                )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="granskningslogg-{date.today():%Y%m%d}.csv"'  # noqa: DTZ011
    return response


# --- the home page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigures:
    association: Any
    ongoing: int | None
    budget: Decimal | None
    budget_url: str
    equity: Decimal | None
    equity_closed: bool
    statistics_url: str


def _single(scope: Any) -> int | None:
    if scope.all or len(scope.association_ids) != 1:
        return None
    [association_id] = scope.association_ids
    return int(association_id)


def _key_figures(user: Any, year: int) -> list[KeyFigures]:
    """Per förbund of the user's own roles: participations ongoing (from the summaries, where the user may
    see the förbund's statistics), this year's budget and the equity at its end (where the user may see
    its finance). A few queries for all of them."""
    finance = scope_for(user, Capability.FINANCE_VIEW)
    statistics = scope_for(user, Capability.STATISTICS_VIEW)
    registry = scope_for(user, Capability.REGISTRY_VIEW)
    if registry.all or registry.empty:
        return []
    ids = sorted(registry.association_ids)
    finance_ids = [] if finance.all else [i for i in ids if finance.allows(i)]
    figures = finance_selectors.budget_figures(association_ids=finance_ids, year=year) if finance_ids else {}
    result = []
    for association in registry_selectors.associations_by_name(association_ids=ids):
        ongoing = None
        if not statistics.all and statistics.allows(association.pk):
            counts = followup_selectors.participation_counts(
                year=year, which="ongoing", by=["association"], association_id=association.pk
            )
            ongoing = sum(counts.values())
        budget = figures.get(association.pk)
        result.append(
            KeyFigures(
                association=association,
                ongoing=ongoing,
                budget=budget.totals.frame if budget else None,
                budget_url=reverse("finance:budget_detail", args=[budget.budget.pk]) if budget else "",
                equity=budget.equity.closing if budget else None,
                equity_closed=bool(budget and budget.closed),
                statistics_url=reverse("statistics:statistics_association", args=[association.pk]),
            )
        )
    return result


@dataclass(frozen=True)
class Consultation:
    budget: Any
    missing: list[Any]


def _consultations(user: Any, year: int) -> list[Consultation]:
    """Budgets of this year and the next, not yet adopted, of the förbund whose finance the user keeps,
    with the members not yet consulted (R-BUDGET)."""
    scope = scope_for(user, Capability.FINANCE_EDIT)
    if scope.all or scope.empty:
        return []
    budgets = [
        budget
        for association_id in sorted(scope.association_ids)
        for budget in finance_selectors.budget_list(user=user, association_id=association_id).filter(
            year__gte=year, year__lte=year + 1
        )
        if budget.status != BudgetStatus.ADOPTED
    ]
    states = finance_selectors.consultation_states(budget_ids=[b.pk for b in budgets])
    return [
        Consultation(b, states[b.pk].missing) for b in budgets if states.get(b.pk) and states[b.pk].missing
    ]


def _imports_with_errors(user: Any) -> list[Any]:
    """The latest refused or failed participant imports of the förbund where the user registers
    participants, of the last 30 days."""
    scope = scope_for(user, Capability.PARTICIPANT_EDIT)
    if scope.all or scope.empty:
        return []
    since = timezone.now() - timedelta(days=30)
    runs: list[Any] = []
    for association_id in sorted(scope.association_ids):
        runs.extend(
            import_selectors.run_list(user=user, association_id=association_id)
            .filter(status__in=["refused", "failed"], created_at__gte=since)
            .order_by("-created_at")[:5]
        )
    return runs


@page_access(AUTHENTICATED)
def home(request: HttpRequest) -> HttpResponse:
    """What needs doing, the förbund's key figures and the ways onward, by what the user's roles allow.
    A bounded number of queries whatever the data (tests/test_list_queries.py)."""
    user = request.user
    today = timezone.localdate()
    context: dict[str, Any] = {"today": today}
    if has_capability(user, Capability.GOVERNANCE_VIEW):
        context["obligations"] = governance_selectors.pending_obligations(user=user, day=today)
        context["meetings"] = governance_selectors.upcoming_meetings(user=user, day=today)
    if has_capability(user, Capability.GOVERNANCE_NATIONAL):
        context["national_overview_url"] = reverse("governance:national_overview")
    if helpdesk_selectors.can_answer(user=user):
        counts = helpdesk_selectors.status_counts(user=user)
        waiting = [s for s in ("new", "assigned") if counts.get(s)]
        context["questions_waiting"] = sum(counts.get(s, 0) for s in waiting)
        context["questions"] = list(
            helpdesk_selectors.question_list(user=user).filter(status__in=waiting)[:5]
        )
    context["consultations"] = _consultations(user, today.year)
    context["imports"] = _imports_with_errors(user)
    context["figures"] = _key_figures(user, today.year)
    registry = scope_for(user, Capability.REGISTRY_VIEW)
    if registry.all:
        context["associations"] = registry_selectors.association_overview(user=user)
    context["links"] = _links(user)
    context["nothing_to_do"] = not any(
        context.get(k) for k in ("obligations", "questions", "consultations", "imports")
    )
    return render(request, "core/home.html", context)


def _links(user: Any) -> list[tuple[str, str]]:
    """Ways onward from the home page: the user's förbund's pages that the roles open."""
    links: list[tuple[str, str]] = []
    association_id = _single(scope_for(user, Capability.REGISTRY_VIEW))
    candidates: list[tuple[Any, str]] = []
    if association_id is not None:
        candidates += [
            (_("Förbundets uppgifter"), reverse("registry:association_detail", args=[association_id])),
            (_("Insatser"), reverse("interventions:intervention_list", args=[association_id])),
            (_("Deltagare"), reverse("followup:participant_list", args=[association_id])),
            (_("Budget och utfall"), reverse("finance:budget_list", args=[association_id])),
            (_("Årscykeln"), reverse("governance:annual_cycle", args=[association_id])),
            (_("Möten och protokoll"), reverse("governance:meeting_list")),
            (_("Statistik"), reverse("statistics:statistics_association", args=[association_id])),
        ]
    candidates += [
        (_("Förbundens årscykel"), reverse("governance:national_overview")),
        (_("Nationell översikt"), reverse("national:dashboard")),
        (_("Frågor till arbetsgruppen"), reverse("national:helpdesk_question_list")),
        (_("Handboken"), reverse("national:handbook_index")),
        (_("Granskningslogg"), reverse("audit_log")),
    ]
    for label, url in candidates:
        if may_open(user, url) and url not in {u for _l, u in links}:
            links.append((str(label), url))
    return links
