"""Template tags of the council pages. `rule_link` is the one place that shows a rule code: a link to
the rule's page (`national:rule_detail`) where that page exists, otherwise the code and title as text."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from finsam.core.rulebook import rule_for
from finsam.reports.markdown import render

register = template.Library()


@register.filter(name="markdown")
def markdown(text: str) -> SafeString:
    """Markdown typed by the working group as sanitised HTML."""
    return render(text)


@register.simple_tag
def rule_link(code: str) -> SafeString:
    rule = rule_for(code)
    title = rule.translated().title if rule is not None else ""
    try:
        url = reverse("national:rule_detail", kwargs={"code": code})
    except NoReverseMatch:
        url = ""
    if url:
        return format_html('<a href="{}"><span class="nowrap">{}</span> {}</a>', url, code, title)
    return format_html('<span class="nowrap">{}</span> {}', code, title)
