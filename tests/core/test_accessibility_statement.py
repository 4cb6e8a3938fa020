"""The accessibility statement that the law on accessibility to digital public service (2018:1937)
requires: open to everyone, linked from every page's footer, naming where to report a problem and the
supervisory authority, in Swedish and in English."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@override_settings(ACCESSIBILITY_CONTACT="tillganglighet@example.se")
def test_the_statement_is_public_and_says_how_to_report_and_to_whom() -> None:
    page = Client().get(reverse("accessibility"))
    assert page.status_code == 200
    text = page.text
    assert "<h1>Tillgänglighetsredogörelse</h1>" in text
    assert "2018:1937" in text and "WCAG 2.1" in text
    assert 'href="mailto:tillganglighet@example.se"' in text
    assert 'href="https://www.digg.se/tdosanmalan"' in text
    assert "Kända brister" in text


def test_every_page_links_to_the_statement_in_its_footer() -> None:
    login = Client().get(reverse("login")).text
    footer = login[login.index("<footer") :]
    assert f'href="{reverse("accessibility")}"' in footer


def test_the_statement_is_in_english_when_english_is_chosen() -> None:
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("accessibility")})
    text = client.get(reverse("accessibility")).text
    assert "<h1>Accessibility statement</h1>" in text
    assert "Tillsyn" not in text and "Supervision" in text


def test_pages_name_the_icon_and_favicon_ico_is_the_same_icon() -> None:
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    icon = static("finsam/favicon.svg")
    assert f'<link rel="icon" href="{icon}" type="image/svg+xml">' in Client().get(reverse("login")).text
    response = Client().get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    found = finders.find("finsam/favicon.svg")
    assert found is not None and response.content == Path(found).read_bytes()
