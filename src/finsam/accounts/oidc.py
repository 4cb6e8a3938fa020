"""Sign-in with e-legitimation through an OpenID Connect provider (mozilla-django-oidc), as Swedish e-ID
brokers offer for BankID, Freja and SITHS. Off unless configured (settings.OIDC_PROVIDER, FINSAM_OIDC_*):
then the sign-in page offers "Logga in med e-legitimation" and the two addresses below exist; otherwise
neither does.

The authorization-code flow with state, nonce and PKCE. The ID token is the only source of claims: its
signature is checked against the provider's published keys, and its issuer, audience, expiry and nonce
against this client; the user-info endpoint is not asked. The account is the one an administrator linked to
the value of the configured claim (accounts.models.SignInLink, FINSAM_OIDC_USER_CLAIM): the provider never
creates an account and never links one, an e-mail address it asserts is never trusted, and an unknown or
deactivated account is refused with a message, audited without anything of the person.

A sign-in whose `acr` is one of FINSAM_OIDC_HIGH_ASSURANCE_ACR (BankID, Freja+, SITHS: something owned and
something known or biometric, asserted by the provider) counts as both factors: the session says so under
core.second_factor.SESSION_KEY. Any other sign-in leaves it unset, and the second factor is asked for as
after a password. Either way the sign-in counts as the password just given (core.reauth) and is audited.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from finsam.accounts import services
from finsam.core import reauth, second_factor

if TYPE_CHECKING:
    from finsam.settings import OidcProvider

logger = logging.getLogger(__name__)

# Why a sign-in was refused, for the message on the sign-in page (set on the request by the backend).
_REFUSAL = "finsam_oidc_refusal"
_UNKNOWN_ACCOUNT = "unknown"


class ProviderUnavailable(Exception):
    """The provider's discovery document cannot be read or does not fit the configured issuer."""


_discovered: dict[str, dict[str, str]] = {}
_discovery_lock = threading.Lock()
_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def _https(value: object) -> bool:
    return isinstance(value, str) and (
        value.startswith("https://")
        or value.startswith(("http://127.0.0.1:", "http://localhost:", "http://[::1]:"))
    )


def discovery(provider: OidcProvider) -> dict[str, str]:
    """The provider's endpoints from its discovery document, read once per process. The document must name
    the configured issuer (a document for another issuer is refused) and https:// endpoints."""
    with _discovery_lock:
        if provider.issuer in _discovered:
            return _discovered[provider.issuer]
        try:
            response = requests.get(
                f"{provider.issuer}/.well-known/openid-configuration", timeout=provider.timeout_seconds
            )
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnavailable(type(exc).__name__) from exc
        if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != provider.issuer:
            raise ProviderUnavailable("the discovery document names another issuer")
        endpoints = {name: document.get(key) for name, key in _ENDPOINTS.items()}
        if not all(_https(value) for value in endpoints.values()):
            raise ProviderUnavailable("the discovery document lacks an https endpoint")
        _discovered[provider.issuer] = {name: str(value) for name, value in endpoints.items()}
        return _discovered[provider.issuer]


def configured() -> OidcProvider:
    provider: OidcProvider | None = settings.OIDC_PROVIDER
    if provider is None:
        raise ProviderUnavailable("not configured")
    return provider


def provider_setting(attr: str, *args: Any) -> Any:
    """What mozilla-django-oidc reads as settings, from settings.OIDC_PROVIDER (and its discovery)."""
    provider = configured()
    given = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": provider.authorization_endpoint,
        "OIDC_OP_TOKEN_ENDPOINT": provider.token_endpoint,
        "OIDC_OP_JWKS_ENDPOINT": provider.jwks_uri,
    }
    if attr in given:
        return given[attr] or discovery(provider)[attr]
    fixed: dict[str, Any] = {
        "OIDC_OP_USER_ENDPOINT": None,  # never asked: the ID token's claims are the only ones used
        "OIDC_RP_CLIENT_ID": provider.client_id,
        "OIDC_RP_CLIENT_SECRET": provider.client_secret,
        "OIDC_RP_SIGN_ALGO": provider.sign_algorithm,
        "OIDC_RP_IDP_SIGN_KEY": None,
        "OIDC_RP_SCOPES": provider.scopes,
        "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {"acr_values": provider.acr_values} if provider.acr_values else {},
        "OIDC_TIMEOUT": provider.timeout_seconds,
        "OIDC_VERIFY_SSL": True,
        "OIDC_PROXY": None,
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_CREATE_USER": False,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
        "OIDC_TOKEN_USE_BASIC_AUTH": False,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc_callback",
        "LOGIN_REDIRECT_URL_FAILURE": "login",
    }
    if attr in fixed:
        return fixed[attr]
    return import_from_settings(attr, *args)


class SignInLinkBackend(OIDCAuthenticationBackend):
    """Answers the provider's callback only (never a user name and password): the linked active account,
    or None. Errors of the provider or of its token are refusals, logged by kind only."""

    get_settings = staticmethod(provider_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django makes a backend for every sign-in and for every request of a user it signed in; the
        # library would read the provider's endpoints (perhaps from its discovery document) each time.
        # They are read when the provider's answer is checked: a provider out of reach then refuses that
        # answer, and nothing else (a password sign-in, a page) depends on it.
        self.UserModel = get_user_model()

    def _read_settings(self) -> None:
        self.OIDC_OP_TOKEN_ENDPOINT = provider_setting("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = provider_setting("OIDC_OP_JWKS_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = None
        self.OIDC_RP_CLIENT_ID = provider_setting("OIDC_RP_CLIENT_ID")
        self.OIDC_RP_CLIENT_SECRET = provider_setting("OIDC_RP_CLIENT_SECRET")
        self.OIDC_RP_SIGN_ALGO = provider_setting("OIDC_RP_SIGN_ALGO")
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if request is None or "nonce" not in kwargs or "username" in kwargs or "password" in kwargs:
            return None
        try:
            self._read_settings()
            return super().authenticate(request, **kwargs)
        except (
            requests.RequestException,
            SuspiciousOperation,
            jwt.PyJWTError,
            ProviderUnavailable,
            KeyError,
            ValueError,
        ) as exc:
            logger.warning("Sign-in with e-legitimation refused: %s", type(exc).__name__)
            return None

    def get_user(self, user_id: Any) -> Any:
        """The signed-in user of a session, as Django's own backend finds it: none once deactivated."""
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The signature and nonce (the library), and then what the library leaves out: the issuer, this
        client as the audience, and an expiry."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        provider = configured()
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if str(payload.get("iss", "")).rstrip("/") != provider.issuer:
            raise SuspiciousOperation("ID token from another issuer")
        if provider.client_id not in audiences:
            raise SuspiciousOperation("ID token for another client")
        if len(audiences) > 1 and payload.get("azp") != provider.client_id:
            raise SuspiciousOperation("ID token for another authorized party")
        if not isinstance(payload.get("exp"), int):
            raise SuspiciousOperation("ID token without expiry")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        return payload

    def _linked_value(self, claims: dict[str, Any]) -> str:
        value = claims.get(configured().user_claim)
        return str(value).strip() if isinstance(value, str | int) else ""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(self._linked_value(claims))

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return "the configured claim"  # the library logs this: never the value itself

    def filter_users_by_claims(self, claims: dict[str, Any]) -> list[Any]:
        user = services.sign_in_link_user(value=self._linked_value(claims))
        return [user] if user is not None else []

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            setattr(self.request, _REFUSAL, _UNKNOWN_ACCOUNT)
            services.sign_in_refused_record()
            return None
        user.finsam_both_factors = payload.get("acr") in configured().high_assurance_acr
        return user


class SignInStartView(OIDCAuthenticationRequestView):
    """To the provider, with a new state, nonce and PKCE challenge kept in the session."""

    get_settings = staticmethod(provider_setting)

    def __init__(self, **kwargs: Any) -> None:
        # The library reads the endpoints here; discovery waits for the request, where a provider out of
        # reach is a message rather than a server error.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
            self.OIDC_RP_CLIENT_ID = provider_setting("OIDC_RP_CLIENT_ID")
        except ProviderUnavailable as exc:
            logger.warning("The e-legitimation provider cannot be reached: %s", exc)
            messages.error(
                request, _("Inloggning med e-legitimation går inte att nå just nu. Försök igen senare.")
            )
            return redirect("login")
        response: HttpResponse = super().get(request)
        return response


class SignInCallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: the linked account signed in (audited, the password counted as just given,
    both factors when the provider's assurance is high), or back to the sign-in page with a message."""

    get_settings = staticmethod(provider_setting)

    def login_success(self) -> HttpResponse:
        request = self.request
        same_user = request.user.is_authenticated and request.user == self.user
        response: HttpResponse = super().login_success()
        both_factors = bool(getattr(self.user, "finsam_both_factors", False))
        if not same_user:
            request.session.pop(second_factor.SESSION_KEY, None)
        if both_factors:
            second_factor.mark(request, second_factor.OIDC)
        reauth.mark(request)
        services.sign_in_external_record(user=self.user, both_factors=both_factors)
        return response

    def login_failure(self) -> HttpResponse:
        if getattr(self.request, _REFUSAL, None) == _UNKNOWN_ACCOUNT:
            message = _(
                "Din e-legitimation är inte kopplad till något aktivt konto i Finsam. Be en nationell "
                "administratör att koppla den till ditt konto, eller logga in med användarnamn och lösenord."
            )
        else:
            message = _("Inloggningen med e-legitimation avbröts eller kunde inte genomföras. Försök igen.")
        messages.error(self.request, message)
        return redirect("login")
