"""The second factor (core.second_factor, accounts.two_factor): required for national admins, association
admins and participant coordinators; a TOTP app set up with a first code; recovery codes shown once and each
working once; wrong, reused and hurried codes refused with nothing changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from finsam.accounts import two_factor
from finsam.accounts.audit_actions import AuditAction
from finsam.core import reauth, second_factor
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from tests.factories import PASSWORD, fresh_totp, give_totp, make_user, totp_now

pytestmark = pytest.mark.django_db

REQUIRED = (Role.NATIONAL_ADMIN, Role.ASSOCIATION_ADMIN, Role.PARTICIPANT_COORDINATOR)
NOT_REQUIRED = (Role.NATIONAL_VIEWER, Role.BOARD_MEMBER, Role.AUDITOR, Role.MEMBER_REPRESENTATIVE)


def password_only(user: Any) -> Client:
    """Signed in with the password, the second factor not yet given."""
    client = Client()
    client.force_login(user)
    return client


def given(client: Client) -> str | None:
    return client.session.get(second_factor.SESSION_KEY)


def send_code(client: Client, code: str) -> Any:
    return client.post(reverse("second_factor_verify"), {"otp": code, "next": reverse("audit_log")})


def unthrottle(user: Any) -> None:
    """As if the pause after a wrong code had passed."""
    past = timezone.now() - timedelta(hours=1)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=past)


# --- who must give it ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", REQUIRED)
def test_each_role_that_needs_it_reaches_no_page_before_the_second_factor(world: Any, role: str) -> None:
    user = world.users[role]
    give_totp(user)
    client = password_only(user)
    for url in (reverse("home"), reverse("audit_log"), reverse("api_tokens"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("second_factor_verify")), url
    # Public pages and signing out stay open.
    assert client.get(reverse("accessibility")).status_code == 200
    assert client.get(reverse("second_factor_verify")).status_code == 200


@pytest.mark.parametrize("role", NOT_REQUIRED)
def test_the_other_roles_need_no_second_factor(world: Any, role: str) -> None:
    assert not second_factor.required_for(world.users[role])
    assert password_only(world.users[role]).get(reverse("home")).status_code == 200


def test_an_htmx_request_is_sent_to_the_second_factor_as_a_whole_page(world: Any) -> None:
    client = password_only(world.users[Role.ASSOCIATION_ADMIN])
    response = client.get(reverse("home"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("second_factor_verify"))


@pytest.mark.parametrize("how", ["totp", "recovery", "oidc"])
def test_any_way_of_giving_it_that_the_session_records_is_enough(world: Any, how: str) -> None:
    """The contract with the e-ID sign-in: any non-empty value under SESSION_KEY satisfies."""
    client = password_only(world.users[Role.NATIONAL_ADMIN])
    session = client.session
    session[second_factor.SESSION_KEY] = how
    session.save()
    assert client.get(reverse("home")).status_code == 200


def test_a_role_that_needs_it_granted_during_the_session_asks_for_it_on_the_next_page(world: Any) -> None:
    from finsam.accounts.models import RoleAssignment

    user = make_user("blivande-chef", board_member=world.own)
    client = password_only(user)
    assert client.get(reverse("home")).status_code == 200
    RoleAssignment.objects.create(user=user, role=Role.ASSOCIATION_ADMIN, association=world.own)
    assert client.get(reverse("home"))["Location"].startswith(reverse("second_factor_verify"))


# --- the code from the app ---------------------------------------------------------------------------


def test_the_right_code_opens_the_page_asked_for_and_is_recorded_in_the_session(world: Any) -> None:
    user = world.users[Role.PARTICIPANT_COORDINATOR]
    give_totp(user)
    client = password_only(user)
    before = client.session.session_key

    response = send_code(client, totp_now())

    assert response.status_code == 302 and response["Location"] == reverse("audit_log")
    assert given(client) == "totp"
    assert client.session.session_key != before, "the session key survived the second factor"
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused_in_swedish_and_changes_nothing(world: Any) -> None:
    user = world.users[Role.ASSOCIATION_ADMIN]
    give_totp(user)
    client = password_only(user)
    wrong = f"{(int(totp_now()) + 1) % 1_000_000:06d}"

    response = send_code(client, wrong)

    assert response.status_code == 400
    assert "Koden stämmer inte eller har redan använts" in response.text
    assert given(client) is None
    assert client.get(reverse("home")).status_code == 302
    assert send_code(client, "inte en kod").status_code == 400
    assert given(client) is None


def test_after_a_wrong_code_even_the_right_one_waits_and_the_pause_grows(world: Any) -> None:
    user = world.users[Role.ASSOCIATION_ADMIN]
    device = give_totp(user)
    client = password_only(user)
    send_code(client, "000000" if totp_now() != "000000" else "111111")

    hurried = send_code(client, totp_now())
    assert hurried.status_code == 400 and "Vänta till" in hurried.text
    assert given(client) is None
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    # A sign-in with the password again does not lift the pause.
    client = password_only(user)
    assert "Vänta till" in send_code(client, totp_now()).text

    unthrottle(user)
    assert send_code(client, totp_now()).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_code_already_used_in_its_time_step_is_refused(world: Any) -> None:
    user = world.users[Role.NATIONAL_ADMIN]
    give_totp(user)
    code = totp_now()
    assert send_code(password_only(user), code).status_code == 302

    other = password_only(user)
    response = send_code(other, code)

    assert response.status_code == 400 and "redan använts" in response.text
    assert given(other) is None


# --- setting up the app ------------------------------------------------------------------------------


def test_a_user_without_an_app_is_led_to_set_one_up_and_then_sees_recovery_codes_once(world: Any) -> None:
    user = world.users[Role.ASSOCIATION_ADMIN]
    client = password_only(user)

    assert client.get(reverse("home"))["Location"].startswith(reverse("second_factor_verify"))
    assert client.get(reverse("second_factor_verify"))["Location"] == reverse("second_factor_setup")
    page = client.get(reverse("second_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = two_factor.secret_of(device)
    assert secret in page.text
    svg = page.text.split('<div class="qr-code">', 1)[1].split("</div>", 1)[0]
    assert svg.startswith("<svg") and "<path" in svg
    assert "style=" not in svg, "an inline style would break the Content Security Policy"
    # Loading the page again keeps the same secret (the app may already have read it).
    assert secret in client.get(reverse("second_factor_setup")).text

    refused = client.post(reverse("second_factor_setup"), {"otp": "12345"})
    assert refused.status_code == 400
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert given(client) is None
    unthrottle(user)

    done = client.post(reverse("second_factor_setup"), {"otp": totp_now(device.key)})
    assert done.status_code == 302 and done["Location"] == reverse("second_factor_codes")
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert given(client) == "totp"
    shown = client.get(reverse("second_factor_codes"))
    codes = shown.text.split('<ul class="recovery-codes">')[1].split("</ul>")[0].split("<code>")[1:]
    codes = [c.split("</code>")[0] for c in codes]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("second_factor_codes"))["Location"] == reverse("second_factor"), "shown twice"
    assert client.get(reverse("home")).status_code == 200
    actions = list(AuditEntry.objects.filter(actor_id=user.pk).values_list("action", flat=True))
    assert str(AuditAction.SECOND_FACTOR_SETUP) in actions
    assert str(AuditAction.RECOVERY_CODES_CREATE) in actions


def test_an_app_already_set_up_is_never_replaced_through_the_setup_page(world: Any) -> None:
    user = world.users[Role.NATIONAL_ADMIN]
    device = give_totp(user)
    client = password_only(user)
    assert client.get(reverse("second_factor_setup"))["Location"] == reverse("second_factor")
    assert client.post(reverse("second_factor_setup"), {"otp": totp_now()})["Location"] == reverse(
        "second_factor"
    )
    assert list(TOTPDevice.objects.filter(user=user)) == [device]
    assert given(client) is None


# --- recovery codes ----------------------------------------------------------------------------------


def test_a_recovery_code_works_once_and_its_use_is_audited(world: Any) -> None:
    user = world.users[Role.PARTICIPANT_COORDINATOR]
    give_totp(user)
    codes = two_factor.recovery_codes_create(actor=user)
    client = password_only(user)

    assert send_code(client, codes[0].upper()).status_code == 302
    assert given(client) == "recovery"
    assert AuditEntry.objects.filter(action=AuditAction.RECOVERY_CODE_USE, actor_id=user.pk).count() == 1
    assert two_factor.recovery_codes_left(user=user) == 9

    again = password_only(user)
    response = send_code(again, codes[0])
    assert response.status_code == 400 and "Varje reservkod fungerar en gång" in response.text
    assert given(again) is None


def test_new_recovery_codes_need_the_password_confirmed_and_end_the_old_ones(world: Any) -> None:
    user = world.users[Role.ASSOCIATION_ADMIN]
    give_totp(user)
    old = two_factor.recovery_codes_create(actor=user)
    client = password_only(user)
    send_code(client, totp_now())
    session = client.session
    session[reauth.SESSION_KEY] = int(timezone.now().timestamp()) - 3600
    session.save()

    asked = client.get(reverse("second_factor_codes_new"))
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("reauthenticate"))
    client.post(reverse("reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("second_factor_codes_new")).status_code == 200
    assert client.post(reverse("second_factor_codes_new"), {}).status_code == 400

    made = client.post(reverse("second_factor_codes_new"), {"confirm": "on"})

    assert made["Location"] == reverse("second_factor_codes")
    assert "<code>" in client.get(reverse("second_factor_codes")).text
    remaining = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(remaining) == 10
    assert not remaining & {code.replace("-", "") for code in old}
    assert AuditEntry.objects.filter(action=AuditAction.RECOVERY_CODES_CREATE, actor_id=user.pk).count() == 2


def test_the_overview_says_what_applies(world: Any) -> None:
    coordinator = world.users[Role.PARTICIPANT_COORDINATOR]
    give_totp(coordinator)
    two_factor.recovery_codes_create(actor=coordinator)
    client = password_only(coordinator)
    send_code(client, totp_now())
    assert "Du har 10 oanvända reservkoder kvar." in client.get(reverse("second_factor")).text
    auditor = password_only(world.users[Role.AUDITOR])
    assert "Dina roller kräver inte tvåstegsverifiering" in auditor.get(reverse("second_factor")).text


def test_fresh_totp_gives_a_code_the_app_would(world: Any) -> None:
    """The tests' shortcut computes the code from the shared secret, as an app does."""
    user = world.users[Role.ASSOCIATION_ADMIN]
    assert two_factor.verify(user=user, code=fresh_totp(user)) == "totp"
