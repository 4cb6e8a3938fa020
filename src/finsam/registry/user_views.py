"""The pages "Användare och roller" of a förbund: who holds which role, from when and until when; giving a
role to an account or inviting a new user by e-mail; ending a role. For the förbund's director and for the
national working group (Capability.USERS_MANAGE); which role each may give or end is decided by the role
rules (accounts.rules): the coordinator role only by the förbund's own director, the national roles only by
the working group, no one their own. Every change is made by the accounts services, which audit it, and
needs the password given in the last minutes (core.reauth).

They live in the registry, not in accounts, because they are pages of a förbund (docs/architecture.md:
accounts is below the registry)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from finsam.accounts import selectors as account_selectors
from finsam.accounts import services as account_services
from finsam.core import pages, reauth
from finsam.core.decorators import page_access
from finsam.core.errors import RuleViolation
from finsam.core.roles import Capability, Role
from finsam.registry import selectors, user_forms

MANAGE = Capability.USERS_MANAGE
FORM_METHODS = ("GET", "POST")
PAGE_SIZE = 50


@dataclass(frozen=True)
class RoleRow:
    assignment: Any
    status: str
    may_end: bool


def _association(request: HttpRequest, association_id: int) -> Any:
    return selectors.association_get(user=request.user, association_id=association_id, capability=MANAGE)


def _status(assignment: Any, today: Any) -> str:
    if assignment.starts > today:
        return "coming"
    if assignment.ends is not None and assignment.ends <= today:
        return "ended"
    return "current"


@page_access(MANAGE, scoped="association_id", methods=FORM_METHODS)
def association_users(request: HttpRequest, association_id: int) -> HttpResponse:
    """Who holds which role in the förbund (today's and coming roles; the ended ones on request), paged and
    searchable, and the form that gives a role to an existing account."""
    association = _association(request, association_id)
    if request.method == "POST" and not reauth.is_recent(request):
        return reauth.ask(request)
    roles = account_selectors.grantable_roles(user=request.user, association_id=association.pk)
    form = user_forms.RoleGrantForm(pages.bound(request), roles=roles)

    def grant() -> Any:
        account = account_selectors.account_for_role(
            user=request.user, association_id=association.pk, identifier=form.cleaned_data["account"]
        )
        if account is None:
            raise RuleViolation(
                "R-ROLE",
                _("Det finns inget aktivt konto med det användarnamnet eller den e-postadressen."),
                "account",
            )
        return account_services.role_grant(
            actor=request.user,
            user=account,
            role=form.cleaned_data["role"],
            association=association,
            starts=form.cleaned_data["starts"],
            ends=form.cleaned_data["ends"],
        )

    attempt = pages.attempt(form, grant)
    if attempt.done:
        given = attempt.result
        messages.success(
            request,
            _("%(user)s har rollen %(role)s från %(day)s.")
            % {
                "user": given.user.get_full_name() or given.user.get_username(),
                "role": Role(given.role).label,
                "day": f"{given.starts:%Y-%m-%d}",
            },
        )
        return redirect("registry:association_users", association.pk)

    search = user_forms.UserSearchForm(request.GET or None)
    search.is_valid()
    query = search.cleaned_data if search.is_bound and search.is_valid() else {}
    rows = account_selectors.association_roles(
        user=request.user,
        association_id=association.pk,
        search=query.get("q") or "",
        include_ended=bool(query.get("avslutade")),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("sida"))
    today = timezone.localdate()
    shown = [
        RoleRow(row, _status(row, today), account_selectors.may_end_role(user=request.user, assignment=row))
        for row in page
    ]
    kept = request.GET.copy()
    kept.pop("sida", None)
    return pages.form_page(
        request,
        "registry/users.html",
        {
            "association": association,
            "form": form,
            "search": search,
            "page": page,
            "rows": shown,
            "query": kept.urlencode(),
            "searching": bool(query.get("q")),
            "may_grant_coordinator": Role.PARTICIPANT_COORDINATOR.value in roles,
        },
        refusal=attempt.refusal,
    )


@page_access(MANAGE, scoped="association_id", methods=FORM_METHODS, recent_authentication=True)
def user_invite(request: HttpRequest, association_id: int) -> HttpResponse:
    """A new user by e-mail: an account without a password, the role, and a link to choose a password
    (valid INVITATION_HOURS, once). An address already in use is refused at its field."""
    association = _association(request, association_id)
    roles = account_selectors.grantable_roles(user=request.user, association_id=association.pk)
    form = user_forms.InviteForm(pages.bound(request), roles=roles)

    def invite() -> Any:
        data = form.cleaned_data
        return account_services.user_invite(
            actor=request.user,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=data["role"],
            association=association,
            starts=data["starts"],
            ends=data["ends"],
            domain=request.get_host(),
            protocol="https" if request.is_secure() else "http",
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )

    attempt = pages.attempt(form, invite)
    if attempt.done:
        messages.success(
            request,
            _("En inbjudan är skickad till %(email)s. Länken gäller i %(hours)s timmar.")
            % {"email": attempt.result.user.email, "hours": settings.INVITATION_HOURS},
        )
        return redirect("registry:association_users", association.pk)
    return pages.form_page(
        request,
        "registry/user_invite.html",
        {"association": association, "form": form, "hours": settings.INVITATION_HOURS},
        refusal=attempt.refusal,
    )


@page_access(MANAGE, scoped="association_id", methods=FORM_METHODS, recent_authentication=True)
def role_end(request: HttpRequest, association_id: int, assignment_id: int) -> HttpResponse:
    """End one role of the förbund from a day (today by default: at once)."""
    association = _association(request, association_id)
    assignment = account_selectors.association_role_get(
        user=request.user, association_id=association.pk, assignment_id=assignment_id
    )
    today = timezone.localdate()
    form = user_forms.RoleEndForm(pages.bound(request), initial={"ends": max(today, assignment.starts)})
    attempt = pages.attempt(
        form,
        lambda: account_services.role_end(
            actor=request.user, assignment=assignment, ends=form.cleaned_data["ends"]
        ),
    )
    if attempt.done:
        ended = attempt.result
        messages.success(
            request,
            _("Rollen %(role)s för %(user)s upphör från och med %(day)s.")
            % {
                "role": Role(ended.role).label,
                "user": assignment.user.get_full_name() or assignment.user.get_username(),
                "day": f"{ended.ends:%Y-%m-%d}",
            },
        )
        return redirect("registry:association_users", association.pk)
    return pages.form_page(
        request,
        "registry/role_end.html",
        {
            "association": association,
            "assignment": assignment,
            "form": form,
            "status": _status(assignment, today),
            "may_end": account_selectors.may_end_role(user=request.user, assignment=assignment),
        },
        refusal=attempt.refusal,
    )
