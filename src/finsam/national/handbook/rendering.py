"""The handbook's Markdown as HTML, with its rule codes as links: to the rule pages on the web, to the
appendix in the PDF. The renderer itself (reports.markdown) knows no rules; these are the link makers."""

from __future__ import annotations

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from finsam.core.rulebook import point_of, rule_for
from finsam.reports.markdown import render


def rule_target(code: str) -> tuple[str, str] | None:
    """Where a rule code in the text links to: its rule page (a point's anchor for R-SAMRAD-1), titled
    with the rule's name."""
    rule = rule_for(code)
    if rule is None:
        return None
    url = reverse("national:rule_detail", kwargs={"code": rule.code})
    point = point_of(code)
    return (f"{url}#punkt-{point}" if point else url, _(rule.title))


def pdf_target(code: str) -> tuple[str, str] | None:
    """In the PDF a rule code links to the rule's text in the appendix."""
    rule = rule_for(code)
    return (f"#regel-{rule.code}", rule.title) if rule is not None else None


def as_html(text: str) -> SafeString:
    return render(text, link_code=rule_target)
