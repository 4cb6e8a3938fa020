"""Links to the register of rules from any page: an error's rule code, a rule named in a table.

The rule pages belong to the national level; they are reached by URL name, so core does not import it.
"""

from __future__ import annotations

import re
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


def _about(code: str, text: str = "") -> SafeString | str:
    rule = rule_for(code)
    url = rule_url(code)
    if rule is None or url is None:
        return ""
    if text:  # a link of its own, among others: its text tells which rule it leads to
        return format_html('<a class="rule-link rule-link--named" href="{}">{}</a>', url, text)
    label = _("Om kontrollen") if rule.is_check else _("Om regeln")
    return format_html(
        '<a class="rule-link" href="{}">{}<span class="sr-only"> {}</span></a>', url, label, code
    )


def _items(value: Any) -> list[tuple[str, str | None]]:
    pairs: list[tuple[str, str | None]] = []
    if hasattr(value, "as_data"):  # a form's ErrorList: messages with their codes
        for error in value.as_data():
            code = error.code if isinstance(error.code, str) and error.code.startswith("R-") else None
            pairs.extend((str(message), code) for message in error)
    else:
        pairs.extend((str(item), None) for item in ([value] if isinstance(value, str) else value))
    items = []
    for text, code in pairs:
        match = _BRACKETED.search(text)
        items.append((_BRACKETED.sub("", text).rstrip(), code or (match.group(1) if match else None)))
    return items


def _linked(message: str, code: str | None, autoescape: bool) -> SafeString:
    escape = conditional_escape if autoescape else str
    # Each message escaped; the link built by format_html.
    return mark_safe(f"{escape(message)} {_about(code) if code else ''}".rstrip())  # noqa: S308


@register.filter(needs_autoescape=True)
def with_rule_links(value: Any, autoescape: bool = True) -> list[SafeString]:
    """`rule_links` one error at a time, for a list that shows each in its own item."""
    return [_linked(message, code, autoescape) for message, code in _items(value)]


@register.filter(needs_autoescape=True)
def rule_links(value: Any, autoescape: bool = True) -> SafeString:
    """Error messages (one, or a field's list) each with a small "Om regeln" link to the rule it broke,
    joined with spaces. A form's errors carry the rule's code as their code (core.forms); a message
    given as text may still end in its code in brackets ("Meddelandet. [R-BUDGET]"), which becomes the
    link. The code itself is not shown: it is for the API and the rule page. Not for text that is already
    inside a link (an error summary's anchors, which show the messages alone)."""
    return mark_safe(" ".join(with_rule_links(value, autoescape)))  # noqa: S308 - made safe item by item


@register.simple_tag
def rule_link(code: str) -> SafeString:
    """The code as a link to its rule page, or as text when it is not in the register."""
    rule = rule_for(code)
    url = rule_url(code)
    if rule is None or url is None:
        return format_html("{}", code)
    return format_html('<a href="{}" title="{}">{}</a>', url, _(rule.title), code)


@register.simple_tag
def rule_about(code: str, text: str = "") -> SafeString | str:
    """The small "Om regeln" link for a code shown on its own (a warning kept with a meeting); with `text`,
    a link that names the rule's subject, where a page links several rules side by side (not three "Om
    regeln" in a row)."""
    return _about(code, text)
