"""Signing in and out, resetting a password, confirming it again, and the user's own API tokens. The names
are global (no namespace): Django's authentication views and LOGIN_URL refer to them so."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from finsam.accounts import views
from finsam.accounts.forms import PasswordResetForm, SetPasswordForm
from finsam.core.decorators import AUTHENTICATED, PUBLIC, page_access

_public = page_access(PUBLIC, methods=("GET", "POST"))
_public_get = page_access(PUBLIC)

urlpatterns = [
    path("logga-in/", _public(views.SignInView.as_view()), name="login"),
    path(
        "logga-ut/",
        page_access(AUTHENTICATED, methods=("POST",))(views.SignOutView.as_view()),
        name="logout",
    ),
    path("konto/bekrafta-losenord/", views.reauthenticate, name="reauthenticate"),
    path("konto/api-nycklar/", views.api_tokens, name="api_tokens"),
    path("konto/inbjudan/<invitation_token>/", views.invitation_accept, name="invitation_accept"),
    path(
        "losenord/aterstall/",
        _public(
            auth_views.PasswordResetView.as_view(
                form_class=PasswordResetForm, success_url=reverse_lazy("password_reset_done")
            )
        ),
        name="password_reset",
    ),
    path(
        "losenord/aterstall/skickat/",
        _public_get(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "losenord/aterstall/<uidb64>/<token>/",
        _public(
            auth_views.PasswordResetConfirmView.as_view(
                form_class=SetPasswordForm, success_url=reverse_lazy("password_reset_complete")
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "losenord/aterstall/klart/",
        _public_get(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]

# Sign-in with e-legitimation (accounts.oidc): the addresses exist only when a provider is configured.
if settings.OIDC_PROVIDER is not None:
    from finsam.accounts import oidc

    urlpatterns += [
        path("logga-in/e-legitimation/", _public_get(oidc.SignInStartView.as_view()), name="oidc_start"),
        path(
            "logga-in/e-legitimation/svar/",
            _public_get(oidc.SignInCallbackView.as_view()),
            name="oidc_callback",
        ),
    ]
