"""The register of rules: every code an error can carry is registered, each rule has its text and
sources, and pages that show a violation link to the rule's page."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

import finsam
from finsam.core import pages
from finsam.core.errors import RuleViolation, Violation
from finsam.core.forms import FinsamForm
from finsam.core.rulebook import CODE_PATTERN, RULES, Kind, checks, codes_in, domain_rules, point_of, rule_for
from finsam.governance.models import Meeting

SOURCE = Path(finsam.__file__).parent


def _codes_in_source() -> dict[str, list[str]]:
    """Every rule code the source writes as a string (in a Violation, a RuleViolation, an API error or a
    constant that names one), with where; an f-string's constant head counts (f"R-SAMRAD-{n}")."""
    found: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = str(node.values[0].value)
                if head.startswith("R-") and head.endswith("-") and CODE_PATTERN.fullmatch(head[:-1]):
                    found.setdefault(head[:-1], []).append(f"{path.relative_to(SOURCE)}:{node.lineno}")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE_PATTERN.fullmatch(node.value)
            ):
                found.setdefault(node.value, []).append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    return found


def test_every_code_the_source_uses_is_in_the_register() -> None:
    used = _codes_in_source()
    assert {"R-BUDGET", "R-SAMRAD-1", "R-INPUT", "R-CONFLICT", "R-MINUTES-LOCKED"} <= set(used)  # it looks
    missing = {code: where for code, where in used.items() if rule_for(code) is None}
    assert not missing, f"register these codes in core/rulebook.py: {missing}"


def test_the_walk_finds_a_code_that_is_not_registered(tmp_path: Path, monkeypatch: Any) -> None:
    (tmp_path / "x.py").write_text('raise RuleViolation("R-NOT-A-RULE", "…")\nf"R-SAMRAD-{n}"\n')
    monkeypatch.setattr(f"{__name__}.SOURCE", tmp_path)
    used = _codes_in_source()
    assert set(used) == {"R-NOT-A-RULE", "R-SAMRAD"}
    assert rule_for("R-NOT-A-RULE") is None


def test_every_rule_of_the_design_has_its_swedish_text_and_sources() -> None:
    design = {
        "R-MEMBERS", "R-SHARES", "R-CAP-2004", "R-STATE-MODEL", "R-BOARD", "R-BUDGET", "R-INFO", "R-ANNUAL",
        "R-AUDIT", "R-NO-AUTHORITY", "R-SAMRAD", "R-CONSENT", "R-FOLLOWUP", "R-SUPPRESS", "R-NATIONAL",
    }  # fmt: skip
    # R-EQUITY is the platform's own: the equity measure of finance and the floor exemption of the state
    # allocation cite it, and the council's recommendation on equity underlies it.
    assert {rule.code for rule in domain_rules()} == design | {"R-EQUITY"}
    for rule in domain_rules():
        assert rule.kind == Kind.RULE and len(rule.text) > 80 and rule.sources, rule.code
    assert "30 november" in RULES["R-BUDGET"].text and any("23 §" in s for s in RULES["R-BUDGET"].sources)


def test_the_member_consultation_has_its_six_points_and_sub_codes_name_them() -> None:
    samrad = RULES["R-SAMRAD"]
    assert len(samrad.points) == 6
    assert (
        "styrelse" in samrad.points[0]
        and "våren" in samrad.points[4]
        and "budgetförutsättningar" in samrad.points[5]
    )
    assert rule_for("R-SAMRAD-1") is samrad and point_of("R-SAMRAD-1") == 1 and point_of("R-SAMRAD-6") == 6
    assert point_of("R-SAMRAD-7") is None and point_of("R-SAMRAD") is None


def test_input_checks_are_a_separate_kind_with_an_explanation() -> None:
    codes = {rule.code for rule in checks()}
    assert {"R-INPUT", "R-CONFLICT", "R-DATES", "R-ACCESS", "R-MINUTES-LOCKED"} <= codes
    assert not codes & {rule.code for rule in domain_rules()}
    assert all(rule.is_check and rule.text for rule in checks())


def test_a_code_that_is_not_registered_has_no_rule() -> None:
    assert rule_for("R-NOPE") is None and rule_for("R-NOPE-1") is None and rule_for("BUDGET") is None
    assert rule_for("R-CAP-2004") is RULES["R-CAP-2004"]  # a year is part of the code, not a point


def test_codes_in_a_text_are_the_registered_ones_in_order() -> None:
    text = "Se R-BUDGET, sedan R-SAMRAD-2 och R-SAMRAD-5; inte R-NOPE. R-BUDGET igen."
    assert codes_in(text) == ["R-BUDGET", "R-SAMRAD"]


# --- links from pages ------------------------------------------------------------------------------


class NameForm(FinsamForm):
    name = forms.CharField(max_length=20)


def _refused(*violations: Violation) -> str:
    """The page as a Swedish user gets it (whatever language an earlier request left active)."""
    with translation.override("sv"):
        return _render_refused(*violations)


def _render_refused(*violations: Violation) -> str:
    request = RequestFactory().post("/", {"name": "Umeå"})
    request.user = AnonymousUser()
    form = NameForm(pages.bound(request))

    def refuse() -> None:
        raise RuleViolation(violations=list(violations))

    attempt = pages.attempt(form, refuse)
    return pages.form_page(
        request, "core/_form.html", {"form": form}, refusal=attempt.refusal
    ).content.decode()


def test_a_violation_on_a_field_links_to_its_rule_page() -> None:
    page = _refused(Violation("R-BUDGET", "Samråd saknas med Umeå kommun.", "name"))
    assert "Samråd saknas med Umeå kommun." in page and "[R-BUDGET]" not in page  # the code is the link's
    link = '<a class="rule-link" href="/nationellt/regler/R-BUDGET/">Om regeln<span class="sr-only"> R-BUDGET'
    assert link in page


def test_a_violation_on_the_form_links_to_the_point_of_the_rule() -> None:
    page = _refused(Violation("R-SAMRAD-1", "Anna Berg sitter i styrelsen.", None))
    assert 'href="/nationellt/regler/R-SAMRAD/#punkt-1"' in page


def test_an_input_check_links_to_its_explanation_and_an_unknown_code_is_not_shown() -> None:
    page = _refused(Violation("R-INPUT", "För långt.", "name"), Violation("R-NOPE", "Något annat.", None))
    assert 'href="/nationellt/regler/R-INPUT/">Om kontrollen' in page
    assert "Något annat." in page and "R-NOPE" not in page  # no rule page: nothing to link, no code shown


def test_a_message_is_escaped_before_the_link_is_added() -> None:
    page = _refused(Violation("R-BUDGET", "<script>alert(1)</script>", "name"))
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_a_warning_kept_with_a_meeting_links_to_the_point_of_the_rule() -> None:
    meeting = Meeting(warnings=[{"code": "R-SAMRAD-5", "message": "Samrådet hålls inte under våren."}])
    html = render_to_string("governance/_warnings.html", {"meeting": meeting})
    assert "Samrådet hålls inte under våren." in html
    assert 'href="/nationellt/regler/R-SAMRAD/#punkt-5"' in html


@pytest.mark.django_db
def test_the_annual_cycle_links_each_obligation_to_its_rule(world: Any) -> None:
    client = world.client(world.users["association_admin"])
    page = client.get(reverse("governance:annual_cycle", args=[world.own.pk])).content.decode()
    assert 'href="/nationellt/regler/R-BUDGET/"' in page and 'href="/nationellt/regler/R-ANNUAL/"' in page
    assert 'href="/nationellt/regler/R-SAMRAD/#punkt-5"' in page


@pytest.mark.django_db
def test_a_refused_budget_adoption_links_to_the_budget_rule(world: Any) -> None:
    from tests.factories import make_budget

    budget = make_budget(world.own)
    client = world.client(world.users["association_admin"])
    response = client.post(
        reverse("finance:budget_adopt", args=[budget.pk]),
        {"adopted_on": "2026-11-20", "version": budget.version},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "Samråd saknas med" in page and "[R-BUDGET]" not in page
    assert '<a class="rule-link" href="/nationellt/regler/R-BUDGET/">Om regeln' in page
    followed = client.get("/nationellt/regler/R-BUDGET/")
    assert followed.status_code == 200 and "30 november" in followed.content.decode()
