"""Links to the register of rules from any page: an error's rule code, a rule named in a table.

The rule pages belong to the national level; they are reached by URL name, so core does not import it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from finsam.core.rulebook import point_of, rule_for

register = template.Library()

# How a page shows a violation's code after its message: "Meddelandet. [R-BUDGET]" (core.forms).
_BRACKETED = re.compile(r"\[(R-[A-Z0-9]+(?:-[A-Z0-9]+)*)\]")


def rule_url(code: str) -> str | None:
    """The address of the rule page for `code` (a point of a rule has its own anchor), or None when the
    code is not in the register."""
    rule = rule_for(code)
    if rule is None:
        return None
    try:
        url = reverse("national:rule_detail", kwargs={"code": rule.code})
    except NoReverseMatch:  # a site without the national level
        return None
    point = point_of(code)
    return f"{url}#punkt-{point}" if point else url


def _about(code: str) -> SafeString | str:
    rule = rule_for(code)
    url = rule_url(code)
    if rule is None or url is None:
        return ""
    label = _("Om kontrollen") if rule.is_check else _("Om regeln")
    return format_html(
        '<a class="rule-link" href="{}">{}<span class="sr-only"> {}</span></a>', url, label, code
    )


@register.filter(needs_autoescape=True)
def rule_links(value: Any, autoescape: bool = True) -> SafeString:
    """Error messages (one, or a field's list) with a small "Om regeln" link after each registered code,
    joined with spaces. Not for text that is already inside a link (an error summary's anchors)."""
    items: Iterable[Any] = [value] if isinstance(value, str) else value
    escape = conditional_escape if autoescape else str
    parts = [
        _BRACKETED.sub(lambda m: f"{m.group(0)} {_about(m.group(1))}".rstrip(), str(escape(str(item))))
        for item in items
    ]
    return mark_safe(" ".join(parts))  # noqa: S308 - each part escaped above; links built by format_html


@register.simple_tag
def rule_link(code: str) -> SafeString:
    """The code as a link to its rule page, or as text when it is not in the register."""
    rule = rule_for(code)
    url = rule_url(code)
    if rule is None or url is None:
        return format_html("{}", code)
    return format_html('<a href="{}" title="{}">{}</a>', url, _(rule.title), code)


@register.simple_tag
def rule_about(code: str) -> SafeString | str:
    """The small "Om regeln" link for a code shown on its own (a warning kept with a meeting)."""
    return _about(code)
