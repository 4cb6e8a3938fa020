"""Sign-in with e-legitimation, against a real OpenID Connect provider on loopback (its own HTTP server in a
thread: discovery, authorization, token and keys, ID tokens signed with its RSA key): the whole
authorization-code flow through this platform's pages, nothing of the client mocked.

A linked active account is signed in; a high `acr` counts as both factors, a low one does not; an unknown or
deactivated account is refused with a message and audited without the person; a changed state, nonce or
issuer is refused; and without FINSAM_OIDC_ISSUER the addresses and the button are not there at all.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import oidc_provider_mock
import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import NoReverseMatch, clear_url_caches, reverse

import finsam.accounts.urls
import finsam.urls
from finsam import settings as finsam_settings
from finsam.accounts import oidc, services
from finsam.accounts.audit_actions import AuditAction
from finsam.accounts.models import SignInLink
from finsam.core import reauth, second_factor
from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.settings import OidcProvider
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

HIGH = "http://id.elegnamnden.se/loa/1.0/loa3"  # the Swedish e-ID framework's assurance level 3
LOW = "http://id.elegnamnden.se/loa/1.0/loa2"
CLIENT_ID = "finsam-test"
CLIENT_SECRET = "a-client-secret-for-the-test"
BACKEND = "finsam.accounts.oidc.SignInLinkBackend"
PLATFORM_LOGGERS = {"finsam", "django", "mozilla_django_oidc", "axes", "requests", "jwt"}


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


def provider_for(issuer: str, **changes: Any) -> OidcProvider:
    values: dict[str, Any] = {
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "authorization_endpoint": None,
        "token_endpoint": None,
        "jwks_uri": None,
        "high_assurance_acr": (HIGH,),
        "user_claim": "sub",
        "sign_algorithm": "RS256",
        "scopes": "openid",
        "acr_values": "",
        "timeout_seconds": 5,
    }
    return OidcProvider(**(values | changes))


def _routes_follow_the_settings() -> None:
    """The addresses are decided when the URL modules are read, as at a start with the settings."""
    importlib.reload(finsam.accounts.urls)
    importlib.reload(finsam.urls)
    clear_url_caches()


@pytest.fixture
def configure(settings: Any, issuer: str) -> Iterator[Any]:
    """Turns the sign-in on as FINSAM_OIDC_* would (the provider, its backend and its addresses)."""

    def on(**changes: Any) -> OidcProvider:
        provider = provider_for(changes.pop("issuer", issuer), **changes)
        settings.OIDC_PROVIDER = provider
        if BACKEND not in settings.AUTHENTICATION_BACKENDS:
            settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
        oidc._discovered.clear()
        _routes_follow_the_settings()
        return provider

    yield on
    settings.OIDC_PROVIDER = None
    oidc._discovered.clear()
    _routes_follow_the_settings()


@pytest.fixture
def enabled(configure: Any) -> OidcProvider:
    provider: OidcProvider = configure()
    return provider


def at_provider(issuer: str, subject: str, **claims: Any) -> None:
    """The person's claims as the provider will assert them."""
    response = requests.put(f"{issuer}/users/{quote(subject, safe='')}", json=claims, timeout=5)
    assert response.status_code == 204


def authorize(client: Client, subject: str, *, change: dict[str, str] | None = None) -> str:
    """Start at this platform, approve at the provider as `subject` (as the person's browser would), and
    return the callback address the provider sends the browser back to. `change` alters the authorization
    request's parameters on the way to the provider."""
    start = client.get(reverse("oidc_start"))
    assert start.status_code == 302
    address = urlsplit(start["Location"])
    params = dict(parse_qsl(address.query)) | (change or {})
    authorization = f"{address.scheme}://{address.netloc}{address.path}?{urlencode(params)}"
    approved = requests.post(authorization, data={"sub": subject}, allow_redirects=False, timeout=5)
    assert approved.status_code == 302, approved.text
    back = urlsplit(approved.headers["Location"])
    assert back.path == reverse("oidc_callback")
    return f"{back.path}?{back.query}"


def sign_in_with_eid(client: Client, subject: str, **kwargs: Any) -> Any:
    return client.get(authorize(client, subject, **kwargs))


def linked_user(username: str, subject: str) -> Any:
    user = make_user(username)
    services.sign_in_link_create(actor=SYSTEM, user=user, value=subject)
    return user


def signed_in_as(client: Client) -> str | None:
    value = client.session.get(SESSION_KEY)
    return str(value) if value is not None else None


def test_a_high_assurance_sign_in_signs_the_linked_account_in_with_both_factors(
    enabled: OidcProvider, issuer: str
) -> None:
    user = linked_user("bankid", "subject-bankid-1")
    at_provider(issuer, "subject-bankid-1", acr=HIGH, email="someone-else@example.org")
    client = Client()

    response = sign_in_with_eid(client, "subject-bankid-1")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_as(client) == str(user.pk)
    assert client.session[second_factor.SESSION_KEY] == "oidc"
    assert isinstance(client.session[reauth.SESSION_KEY], int)
    entry = AuditEntry.objects.get(action=AuditAction.SIGN_IN)
    assert (entry.actor_id, entry.details) == (user.pk, {"method": "oidc", "both_factors": True})
    assert client.get(reverse("home")).status_code == 200


def test_a_lower_assurance_sign_in_signs_in_but_leaves_the_second_factor_to_be_asked(
    enabled: OidcProvider, issuer: str
) -> None:
    user = linked_user("freja", "subject-freja-1")
    at_provider(issuer, "subject-freja-1", acr=LOW)
    client = Client()

    response = sign_in_with_eid(client, "subject-freja-1")

    assert response.status_code == 302
    assert signed_in_as(client) == str(user.pk)
    assert second_factor.SESSION_KEY not in client.session
    assert AuditEntry.objects.get(action=AuditAction.SIGN_IN).details == {
        "method": "oidc",
        "both_factors": False,
    }


def test_a_sign_in_without_acr_does_not_count_as_both_factors(enabled: OidcProvider, issuer: str) -> None:
    linked_user("utan-acr", "subject-no-acr")
    at_provider(issuer, "subject-no-acr")
    client = Client()

    sign_in_with_eid(client, "subject-no-acr")

    assert signed_in_as(client) is not None
    assert second_factor.SESSION_KEY not in client.session


def test_an_e_legitimation_linked_to_no_account_is_refused_with_a_message_and_audited_without_the_person(
    enabled: OidcProvider, issuer: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The e-mail address is a user's: the provider's e-mail is never trusted to pick an account.
    make_user("anna")
    at_provider(issuer, "199001012384", acr=HIGH, email="anna@example.org")
    client = Client()

    with caplog.at_level(logging.DEBUG):
        response = sign_in_with_eid(client, "199001012384")

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_as(client) is None
    assert second_factor.SESSION_KEY not in client.session
    page = client.get(reverse("login")).content.decode()
    assert "Din e-legitimation är inte kopplad till något aktivt konto i Finsam" in page
    entry = AuditEntry.objects.get(action=AuditAction.SIGN_IN_REFUSED)
    assert entry.actor_id is None and entry.object_id == "" and entry.details == {"method": "oidc"}
    # The platform's own log lines (the provider's, in the same process here, are not the platform's).
    ours = [r.getMessage() for r in caplog.records if r.name.split(".")[0] in PLATFORM_LOGGERS]
    assert ours, "the refusal is logged"
    assert not [line for line in ours if "199001012384" in line or "anna@example.org" in line]
    assert not AuditEntry.objects.filter(action=AuditAction.SIGN_IN).exists()
    assert not AccessAttempt.objects.exists()  # no guess: the lock neither counts it nor locks the address

    # Tried again from the same address: refused again, still one entry in the log.
    sign_in_with_eid(client, "199001012384")
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN_REFUSED).count() == 1


def test_a_deactivated_account_is_refused_though_linked(enabled: OidcProvider, issuer: str) -> None:
    user = linked_user("slutat", "subject-left")
    user.is_active = False
    user.save()
    at_provider(issuer, "subject-left", acr=HIGH)
    client = Client()

    sign_in_with_eid(client, "subject-left")

    assert signed_in_as(client) is None


def test_signing_in_again_with_e_legitimation_confirms_the_signed_in_user_as_the_password_would(
    enabled: OidcProvider, issuer: str
) -> None:
    user = linked_user("bekraftar", "subject-confirm")
    at_provider(issuer, "subject-confirm", acr=HIGH)
    client = Client()
    client.force_login(user)
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time()) - 16 * 60
    session.save()
    back = reverse("api_tokens")
    confirm = client.get(f"{reverse('reauthenticate')}?{urlencode({'next': back})}").content.decode()
    assert "Bekräfta med e-legitimation" in confirm

    start = client.get(f"{reverse('oidc_start')}?{urlencode({'next': back})}")
    approved = requests.post(
        start["Location"], data={"sub": "subject-confirm"}, allow_redirects=False, timeout=5
    )
    answer = urlsplit(approved.headers["Location"])
    response = client.get(f"{answer.path}?{answer.query}")

    assert response["Location"] == back
    assert signed_in_as(client) == str(user.pk)
    assert time.time() - client.session[reauth.SESSION_KEY] < 60
    assert AuditEntry.objects.get(action=AuditAction.SIGN_IN).details["method"] == "oidc"


def test_a_changed_state_is_refused(enabled: OidcProvider, issuer: str) -> None:
    linked_user("tillstand", "subject-state")
    at_provider(issuer, "subject-state", acr=HIGH)
    client = Client()
    callback = authorize(client, "subject-state")
    address = urlsplit(callback)
    params = dict(parse_qsl(address.query)) | {"state": "a-state-this-browser-was-never-given"}

    response = client.get(f"{address.path}?{urlencode(params)}")

    assert response.status_code == 400
    assert signed_in_as(client) is None


def test_an_answer_used_twice_or_in_another_browser_is_refused(enabled: OidcProvider, issuer: str) -> None:
    linked_user("dubbel", "subject-replay")
    at_provider(issuer, "subject-replay", acr=HIGH)
    client = Client()
    callback = authorize(client, "subject-replay")
    assert client.get(callback).status_code == 302
    assert signed_in_as(client) is not None

    other = Client()
    other.get(reverse("oidc_start"))  # a sign-in of its own begun, with another state
    assert other.get(callback).status_code == 400
    assert signed_in_as(other) is None
    stranger = Client()  # no sign-in begun at all
    assert stranger.get(callback)["Location"] == reverse("login")
    assert signed_in_as(stranger) is None


def test_a_changed_nonce_is_refused(enabled: OidcProvider, issuer: str) -> None:
    linked_user("engangs", "subject-nonce")
    at_provider(issuer, "subject-nonce", acr=HIGH)
    client = Client()

    response = sign_in_with_eid(client, "subject-nonce", change={"nonce": "a-nonce-of-an-attacker"})

    assert response["Location"] == reverse("login")
    assert signed_in_as(client) is None
    assert not AuditEntry.objects.filter(action=AuditAction.SIGN_IN).exists()


def test_an_id_token_from_another_issuer_is_refused(configure: Any, issuer: str) -> None:
    """The endpoints are this provider's, but the configured issuer is another: its tokens do not count."""
    port = urlsplit(issuer).port
    configure(
        issuer=f"http://127.0.0.1:{port}",
        authorization_endpoint=f"{issuer}/oauth2/authorize",
        token_endpoint=f"{issuer}/oauth2/token",
        jwks_uri=f"{issuer}/jwks",
    )
    linked_user("utgivare", "subject-issuer")
    at_provider(issuer, "subject-issuer", acr=HIGH)
    client = Client()

    response = sign_in_with_eid(client, "subject-issuer")

    assert response["Location"] == reverse("login")
    assert signed_in_as(client) is None


def test_the_explicit_endpoints_serve_as_well_as_discovery(configure: Any, issuer: str) -> None:
    configure(
        authorization_endpoint=f"{issuer}/oauth2/authorize",
        token_endpoint=f"{issuer}/oauth2/token",
        jwks_uri=f"{issuer}/jwks",
    )
    user = linked_user("uttryckligen", "subject-explicit")
    at_provider(issuer, "subject-explicit", acr=HIGH)
    client = Client()

    sign_in_with_eid(client, "subject-explicit")

    assert signed_in_as(client) == str(user.pk)
    assert oidc._discovered == {}


def test_a_provider_out_of_reach_is_a_message_not_an_error(configure: Any) -> None:
    configure(issuer="http://127.0.0.1:9")  # nothing listens on the discard port
    client = Client()

    response = client.get(reverse("oidc_start"), follow=True)

    assert response.status_code == 200
    assert "Inloggning med e-legitimation går inte att nå just nu" in response.content.decode()


def test_a_provider_out_of_reach_leaves_the_password_sign_in_and_signed_in_users_alone(
    configure: Any,
) -> None:
    configure(issuer="http://127.0.0.1:9")
    make_user("losenord")
    client = Client()

    response = client.post(reverse("login"), {"username": "losenord", "password": PASSWORD})

    assert response.status_code == 302
    assert signed_in_as(client) is not None
    assert client.get(reverse("home")).status_code == 200


def test_a_session_signed_in_with_e_legitimation_ends_when_the_account_is_deactivated(
    enabled: OidcProvider, issuer: str
) -> None:
    user = linked_user("avslutad", "subject-deactivated")
    at_provider(issuer, "subject-deactivated", acr=HIGH)
    client = Client()
    sign_in_with_eid(client, "subject-deactivated")
    assert client.get(reverse("home")).status_code == 200

    user.is_active = False
    user.save()

    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_sign_in_page_offers_e_legitimation_only_when_configured(configure: Any) -> None:
    button = "Logga in med e-legitimation"
    assert button not in Client().get(reverse("login")).content.decode()
    with pytest.raises(NoReverseMatch):
        reverse("oidc_start")
    assert Client().get("/logga-in/e-legitimation/").status_code == 404
    assert Client().get("/logga-in/e-legitimation/svar/?code=x&state=y").status_code == 404

    configure()

    assert button in Client().get(reverse("login")).content.decode()
    # Public, GET only, as declared for the access matrix: the start sends to the provider, an answer
    # without a code back to the sign-in page.
    for name in ("oidc_start", "oidc_callback"):
        assert Client().get(reverse(name)).status_code == 302
        assert Client().post(reverse(name)).status_code == 405


def test_a_password_sign_in_is_not_answered_by_the_provider_s_backend(enabled: OidcProvider) -> None:
    make_user("losen")
    client = Client()
    response = client.post(reverse("login"), {"username": "losen", "password": "fel"})
    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_a_link_is_one_account_to_one_e_legitimation_and_stores_no_value() -> None:
    first = make_user("forsta")
    second = make_user("andra")
    link = services.sign_in_link_create(actor=SYSTEM, user=first, value="198001019876")

    assert "198001019876" not in link.value_digest
    assert services.sign_in_link_user(value="198001019876") == first
    for user, value in ((second, "198001019876"), (first, "another-value"), (second, " ")):
        with pytest.raises(RuleViolation, match=r"(?i)e-legitimation|värdet"):
            services.sign_in_link_create(actor=SYSTEM, user=user, value=value)
    services.sign_in_link_delete(actor=SYSTEM, link=link)
    assert not SignInLink.objects.exists()
    assert list(AuditEntry.objects.values_list("action", flat=True).order_by("pk")) == [
        AuditAction.SIGN_IN_LINK_CREATE,
        AuditAction.SIGN_IN_LINK_DELETE,
    ]


OIDC_ENV = {
    "FINSAM_OIDC_ISSUER": "https://broker.example.se/oidc/",
    "FINSAM_OIDC_CLIENT_ID": "finsam",
    "FINSAM_OIDC_CLIENT_SECRET": "secret",
    "FINSAM_OIDC_HIGH_ASSURANCE_ACR": f"{HIGH}, http://id.elegnamnden.se/loa/1.0/loa4",
}


def test_the_settings_are_off_unless_an_issuer_is_given_and_parsed_strictly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert finsam_settings.env_oidc() is None

    for name, value in OIDC_ENV.items():
        monkeypatch.setenv(name, value)
    provider = finsam_settings.env_oidc()
    assert provider is not None
    assert provider.issuer == "https://broker.example.se/oidc"
    assert provider.high_assurance_acr == (HIGH, "http://id.elegnamnden.se/loa/1.0/loa4")
    assert (provider.user_claim, provider.sign_algorithm, provider.authorization_endpoint) == (
        "sub",
        "RS256",
        None,
    )

    refused = {
        "FINSAM_OIDC_ISSUER": "http://broker.example.se",  # not https, not loopback
        "FINSAM_OIDC_CLIENT_SECRET": "",
        "FINSAM_OIDC_TOKEN_ENDPOINT": "https://broker.example.se/token",  # one endpoint of three
        "FINSAM_OIDC_SIGN_ALGO": "HS256",  # a symmetric key: the secret would sign tokens
        "FINSAM_OIDC_SCOPES": "profile",
        "FINSAM_OIDC_USER_CLAIM": "sub; drop",
    }
    for name, value in refused.items():
        with monkeypatch.context() as patch:
            patch.setenv(name, value)
            with pytest.raises(ImproperlyConfigured, match="FINSAM_OIDC"):
                finsam_settings.env_oidc()

    monkeypatch.delenv("FINSAM_OIDC_ISSUER")
    with pytest.raises(ImproperlyConfigured, match="FINSAM_OIDC_ISSUER is not"):
        finsam_settings.env_oidc()


def test_a_national_administrator_links_and_unlinks_in_the_admin_and_no_one_else_can(world: Any) -> None:
    person = make_user("lankad")
    admin_client = world.client(world.users[Role.NATIONAL_ADMIN])
    add = reverse("admin:accounts_signinlink_add")

    for role in (Role.ASSOCIATION_ADMIN, Role.PARTICIPANT_COORDINATOR):
        refused = world.client(world.users[role]).post(add, {"user": person.pk, "value": "subject-admin"})
        assert refused.status_code in {302, 403} and not SignInLink.objects.exists()
    assert admin_client.post(add, {"user": person.pk, "value": "subject-admin"}).status_code == 302

    link = SignInLink.objects.get(user=person)
    assert services.sign_in_link_user(value="subject-admin") == person
    assert (
        "subject-admin"
        not in admin_client.get(reverse("admin:accounts_signinlink_change", args=[link.pk])).content.decode()
    )
    entry = AuditEntry.objects.get(action=AuditAction.SIGN_IN_LINK_CREATE)
    assert (entry.actor_id, entry.details) == (world.users[Role.NATIONAL_ADMIN].pk, {"user_id": person.pk})

    again = admin_client.post(add, {"user": make_user("tvilling").pk, "value": "subject-admin"})
    assert "redan kopplad till ett annat konto" in again.content.decode()

    delete = reverse("admin:accounts_signinlink_delete", args=[link.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not SignInLink.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN_LINK_DELETE).count() == 1
