"""The pages "Användare och roller" in the browser: the director finds them from the menu, gives a role and
ends one with the keyboard, and a new user invited by e-mail chooses a password with the link and signs in.
Each page passes axe without serious or critical findings, with and without an error on its form."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from finsam.core.roles import Role
from tests.e2e import axe
from tests.factories import make_user

pytestmark = pytest.mark.e2e


def no_blocking_findings(ui: Any, where: str) -> None:
    problems = axe.describe(axe.blocking(ui.page), where)
    assert not problems, "\n".join(problems)


def test_the_director_gives_and_ends_a_role_with_the_keyboard(ui: Any, world: Any) -> None:
    staff = make_user("tangentbord-samordnare")
    ui.login_as(world.users[Role.ASSOCIATION_ADMIN])
    ui.goto(reverse("home"))
    ui.follow(
        ui.page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Användare och roller")
    )
    ui.page.get_by_role("heading", name="Användare och roller", level=1).wait_for()
    no_blocking_findings(ui, "the users page")

    # Oneself first: refused at the field, and the page with the error passes axe too.
    ui.page.locator("#id_account").fill(world.users[Role.ASSOCIATION_ADMIN].username)
    ui.page.locator("#id_role").select_option(label="Deltagaransvarig")
    with ui.page.expect_navigation():
        ui.page.get_by_role("button", name="Ge rollen").press("Enter")
    ui.page.get_by_text("Du kan inte ge dig själv en roll.").first.wait_for()
    no_blocking_findings(ui, "the users page with an error")

    ui.page.locator("#id_account").fill(staff.username)
    ui.page.locator("#id_role").select_option(label="Deltagaransvarig")
    with ui.page.expect_navigation():
        ui.page.get_by_role("button", name="Ge rollen").press("Enter")
    ui.page.get_by_text("har rollen Deltagaransvarig").wait_for()

    end = ui.page.get_by_role("link", name=f"Avsluta rollen Deltagaransvarig för {staff.username}")
    end.focus()
    with ui.page.expect_navigation():
        ui.page.keyboard.press("Enter")
    ui.page.get_by_role("heading", name="Avsluta en roll").wait_for()
    no_blocking_findings(ui, "the end page")
    with ui.page.expect_navigation():
        ui.page.get_by_role("button", name="Avsluta rollen").press("Enter")
    ui.page.get_by_text(f"Rollen Deltagaransvarig för {staff.username} upphör från och med").wait_for()
    assert (
        ui.page.get_by_role("link", name=f"Avsluta rollen Deltagaransvarig för {staff.username}").count() == 0
    )


def test_an_invited_user_chooses_a_password_and_signs_in(ui: Any, world: Any) -> None:
    ui.login_as(world.users[Role.ASSOCIATION_ADMIN])
    ui.goto(reverse("registry:user_invite", args=[world.own.pk]))
    no_blocking_findings(ui, "the invitation page")
    ui.page.locator("#id_email").fill(world.users[Role.AUDITOR].email)
    ui.page.locator("#id_first_name").fill("Vera")
    ui.page.locator("#id_last_name").fill("Viklund")
    ui.page.locator("#id_role").select_option(label="Revisor")
    ui.follow(ui.page.get_by_role("button", name="Skicka inbjudan"))
    ui.page.get_by_text("Det finns redan ett konto med den e-postadressen.").first.wait_for()
    no_blocking_findings(ui, "the invitation page with an error")

    ui.page.locator("#id_email").fill("vera.viklund@example.org")
    ui.follow(ui.page.get_by_role("button", name="Skicka inbjudan"))
    ui.page.get_by_text("En inbjudan är skickad till vera.viklund@example.org").wait_for()
    [message] = [m for m in mail.outbox if m.to == ["vera.viklund@example.org"]]
    link = re.search(r"https?://[^/\s]+(/konto/inbjudan/\S+/)", message.body)
    assert link is not None

    ui.logout()
    ui.goto(link.group(1))
    ui.page.get_by_role("heading", name="Välj ditt lösenord").wait_for()
    assert "/konto/inbjudan/valj-losenord/" in ui.page.url  # the token left the address at once
    no_blocking_findings(ui, "the invitation's password page")
    ui.page.locator("#id_new_password1").fill("Veras-eget-lösen-2026")
    ui.page.locator("#id_new_password2").fill("Veras-eget-lösen-2026")
    ui.follow(ui.page.get_by_role("button", name="Spara lösenord"))
    ui.page.get_by_text("Ditt lösenord är sparat.").wait_for()

    ui.page.get_by_label("Användarnamn").fill("vera.viklund@example.org")
    ui.page.get_by_label("Lösenord").fill("Veras-eget-lösen-2026")
    ui.follow(ui.page.get_by_role("button", name="Logga in"))
    ui.page.get_by_role("heading", name="Välkommen, Vera Viklund").wait_for()  # an auditor: no second factor

    ui.logout()
    ui.goto(link.group(1))
    ui.page.get_by_text("Länken har redan använts.").wait_for()
    no_blocking_findings(ui, "a used invitation link")
