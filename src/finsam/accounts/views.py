"""The sign-in pages and the user's own account pages: signing in and out (audited), confirming the password
before showing identities or changing roles, the user's API tokens (listed and revoked), and choosing a
password with the link of an invitation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from finsam.accounts import forms, selectors, services
from finsam.core import pages, reauth
from finsam.core.decorators import AUTHENTICATED, PUBLIC, page_access


class SignInView(auth_views.LoginView):
    """Django's sign-in page; a sign-in is audited (a failure is counted by the lock, not logged)."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_PROVIDER is not None
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.sign_in_record(user=form.get_user())
        return response


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.sign_out_record(request=request)
        return super().post(request, *args, **kwargs)


@page_access(AUTHENTICATED, methods=("GET", "POST"))
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Confirm the password, then back to where the user was (`next`, an address of this site)."""
    back = reauth.safe_next(request, request.POST.get("next") or request.GET.get("next")) or ""
    form = forms.ReauthenticateForm(pages.bound(request))
    attempt = pages.attempt(
        form,
        lambda: services.reauthenticate(request=request, password=form.cleaned_data["password"]),
    )
    if attempt.done:
        return redirect(back or "home")
    return pages.form_page(
        request,
        "accounts/reauthenticate.html",
        {
            "form": form,
            "next": back,
            "minutes": settings.REAUTHENTICATION_MINUTES,
            "oidc_enabled": settings.OIDC_PROVIDER is not None,
        },
        refusal=attempt.refusal,
    )


@page_access(AUTHENTICATED, methods=("GET", "POST"))
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's own valid API tokens; each can be revoked here. Another's token is not found (404)."""
    form = forms.TokenRevokeForm(pages.bound(request))
    attempt = pages.attempt(
        form, lambda: services.token_revoke(actor=request.user, token_id=form.cleaned_data["token"])
    )
    if attempt.done:
        messages.success(request, _("API-nyckeln är återkallad och fungerar inte längre."))
        return redirect("api_tokens")
    return pages.form_page(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": list(selectors.tokens_of(user=request.user))},
        refusal=attempt.refusal,
    )


INVITATION_SESSION_KEY = "finsam_invitation_token"
INVITATION_FORM = "valj-losenord"


@page_access(PUBLIC, methods=("GET", "POST"))
def invitation_accept(request: HttpRequest, invitation_token: str) -> HttpResponse:
    """The invited user chooses a password with the link from the e-mail, then signs in. The token moves
    from the address into the session at once (as Django's password reset does), so that the page's address
    never carries it onwards. A used, expired or unknown link says so, and nothing changes."""
    if invitation_token != INVITATION_FORM:
        request.session[INVITATION_SESSION_KEY] = invitation_token
        return redirect("invitation_accept", INVITATION_FORM)
    secret = request.session.get(INVITATION_SESSION_KEY) or ""
    invitation, state = services.invitation_state(token=secret)
    if invitation is None or state is not services.InvitationState.VALID:
        return render(
            request,
            "accounts/invitation_accept.html",
            {"refusal": services.INVITATION_REFUSALS[state], "state": str(state)},
        )
    form = forms.InvitationPasswordForm(invitation.user, pages.bound(request))
    attempt = pages.attempt(
        form,
        lambda: services.invitation_accept(token=secret, password=form.cleaned_data["new_password1"]),
    )
    if attempt.done:
        request.session.pop(INVITATION_SESSION_KEY, None)
        messages.success(request, _("Ditt lösenord är sparat. Logga in med ditt användarnamn och lösenord."))
        return redirect("login")
    return pages.form_page(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "username": invitation.user.get_username()},
        refusal=attempt.refusal,
    )
