"""Markdown from users: rule codes become links only where the caller says, never inside code or inside a
link the author wrote, and the link maker's address still passes the sanitiser."""

from __future__ import annotations

from finsam.reports.markdown import render


def _links(code: str) -> tuple[str, str] | None:
    return None if code == "R-NOPE" else (f"/regler/{code}/", f"Regeln {code}")


def test_codes_in_running_text_become_links_and_others_stay_text() -> None:
    html = str(render("Se R-BUDGET och R-SAMRAD-1, men inte R-NOPE.", link_code=_links))
    assert (
        '<a href="/regler/R-BUDGET/" title="Regeln R-BUDGET" rel="noopener noreferrer">R-BUDGET</a>' in html
    )
    assert '<a href="/regler/R-SAMRAD-1/"' in html
    assert "R-NOPE" in html and "/regler/R-NOPE/" not in html


def test_codes_in_code_or_inside_an_authors_link_are_left_alone() -> None:
    html = str(render("`R-BUDGET` och [om R-SHARES](https://www.finsam.se/)", link_code=_links))
    assert "<code>R-BUDGET</code>" in html
    assert html.count("<a ") == 1 and "/regler/R-SHARES/" not in html


def test_without_a_link_maker_the_text_is_only_rendered() -> None:
    assert str(render("R-BUDGET")) == "<p>R-BUDGET</p>"


def test_a_link_maker_cannot_smuggle_a_script_past_the_sanitiser() -> None:
    html = str(render("R-BUDGET", link_code=lambda code: ("javascript:alert(1)", "x")))
    assert "javascript:" not in html and "R-BUDGET" in html
