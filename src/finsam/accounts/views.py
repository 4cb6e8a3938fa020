"""The sign-in pages and the user's own account pages: signing in and out (audited), confirming the password
before showing identities or changing roles, and the user's API tokens (listed and revoked)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from finsam.accounts import forms, selectors, services
from finsam.core import pages, reauth
from finsam.core.decorators import AUTHENTICATED, page_access


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
