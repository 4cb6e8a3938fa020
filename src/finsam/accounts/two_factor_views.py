"""The second step of signing in, for users who must give a second factor (core.second_factor): a code
from their TOTP app or a recovery code; setting up the app the first time; the recovery codes, shown once;
and new recovery codes after the password is confirmed again."""

from __future__ import annotations

import segno
from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finsam.accounts import two_factor
from finsam.core import pages, reauth, second_factor
from finsam.core.decorators import AUTHENTICATED, page_access
from finsam.core.forms import FinsamFormMixin

# The recovery codes just made, kept in the session until the page that shows them has been shown once.
CODES_SESSION_KEY = "finsam_recovery_codes"


class CodeForm(FinsamFormMixin, forms.Form):
    otp = forms.CharField(
        label=gettext_lazy("Kod"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}
        ),
        error_messages={"required": gettext_lazy("Ange koden.")},
    )


class SetupForm(FinsamFormMixin, forms.Form):
    otp = forms.CharField(
        label=gettext_lazy("Kod från appen"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": gettext_lazy("Ange den sexsiffriga koden som appen visar.")},
    )


class ConfirmForm(FinsamFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("Ja, gör mina gamla reservkoder ogiltiga"),
        error_messages={"required": gettext_lazy("Kryssa i rutan för att skapa nya reservkoder.")},
    )


def _next(request: HttpRequest) -> str:
    return reauth.safe_next(request, request.POST.get("next") or request.GET.get("next")) or ""


@page_access(AUTHENTICATED, methods=("GET", "POST"))
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code after the password. A user who has no app yet is sent to set one up; one who needs no
    second factor, or has given it, goes on."""
    back = _next(request)
    if not second_factor.pending(request):
        return redirect(back or "home")
    if not two_factor.has_totp(user=request.user):
        return redirect("second_factor_setup")
    form = CodeForm(pages.bound(request))
    attempt = pages.attempt(
        form, lambda: two_factor.sign_in_verify(request=request, code=form.cleaned_data["otp"])
    )
    if attempt.done:
        return redirect(back or "home")
    return pages.form_page(
        request, "accounts/second_factor_verify.html", {"form": form, "next": back}, refusal=attempt.refusal
    )


def _qr_svg(data: str) -> str:
    """The QR code as inline SVG: paths and attributes only, no style attribute (the Content Security
    Policy allows no inline style)."""
    title = _("QR-kod för appen för tvåstegsverifiering")
    svg = segno.make(data, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", omitsize=True, title=title
    )
    return svg.replace("<svg ", '<svg role="img" aria-label="' + title + '" ', 1)


@page_access(AUTHENTICATED, methods=("GET", "POST"))
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Setting up the TOTP app: the secret as text and as a QR code, confirmed by a first code. Only while
    the user has no app: an app already set up is never replaced from here."""
    if not second_factor.required_for(request.user) or two_factor.has_totp(user=request.user):
        return redirect("second_factor")
    device = two_factor.totp_pending_device(user=request.user)
    form = SetupForm(pages.bound(request))
    attempt = pages.attempt(
        form, lambda: two_factor.totp_confirm(request=request, code=form.cleaned_data["otp"])
    )
    if attempt.done:
        request.session[CODES_SESSION_KEY] = attempt.result
        return redirect("second_factor_codes")
    context = {
        "form": form,
        "secret": two_factor.secret_of(device),
        "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - made here from our own data
    }
    return pages.form_page(request, "accounts/second_factor_setup.html", context, refusal=attempt.refusal)


@page_access(AUTHENTICATED)
def second_factor_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made, shown this once (they leave the session as the page is made)."""
    codes = request.session.pop(CODES_SESSION_KEY, None)
    if not codes:
        return redirect("second_factor")
    return render(request, "accounts/second_factor_codes.html", {"codes": codes})


@page_access(AUTHENTICATED)
def second_factor_overview(request: HttpRequest) -> HttpResponse:
    """The user's second factor: whether it is needed and set up, and how many recovery codes are left."""
    user = request.user
    context = {
        "required": second_factor.required_for(user),
        "has_totp": two_factor.has_totp(user=user),
        "codes_left": two_factor.recovery_codes_left(user=user),
    }
    return render(request, "accounts/second_factor.html", context)


@page_access(AUTHENTICATED, methods=("GET", "POST"), recent_authentication=True)
def second_factor_codes_new(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), after the password has been confirmed."""
    if not two_factor.has_totp(user=request.user):
        return redirect("second_factor")
    form = ConfirmForm(pages.bound(request))
    attempt = pages.attempt(form, lambda: two_factor.recovery_codes_create(actor=request.user))
    if attempt.done:
        request.session[CODES_SESSION_KEY] = attempt.result
        return redirect("second_factor_codes")
    return pages.form_page(
        request, "accounts/second_factor_codes_new.html", {"form": form}, refusal=attempt.refusal
    )
