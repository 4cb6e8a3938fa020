"""Markdown written by users (the handbook, the council's recommendations, conference programmes) as safe
HTML: Python-Markdown renders it, nh3 keeps only the tags and attributes listed here, so that no script,
event handler, style or `javascript:` link survives."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

TAGS = {
    "a", "abbr", "blockquote", "br", "caption", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "sane_lists", "def_list"]

# A rule code in running text: R-BUDGET, R-SAMRAD-1, R-CAP-2004 (what core.rulebook registers).
CODE = r"\b(R-[A-Z0-9]+(?:-[A-Z0-9]+)*)\b"

# Where a code should link to: (href, title), or None to leave the code as text.
LinkMaker = Callable[[str], tuple[str, str] | None]


class _CodeLink(InlineProcessor):
    ANCESTOR_EXCLUDES = ("a",)  # never a link inside a link the author wrote

    def __init__(self, link: LinkMaker) -> None:
        super().__init__(CODE)
        self.link = link

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | None, int, int]:
        target = self.link(m.group(1))
        if target is None:
            return None, m.start(0), m.end(0)
        element = etree.Element("a", {"href": target[0], "title": target[1]})
        element.text = m.group(1)
        return element, m.start(0), m.end(0)


class _CodeLinks(Extension):
    def __init__(self, link: LinkMaker) -> None:
        super().__init__()
        self.link = link

    def extendMarkdown(self, md: markdown_lib.Markdown) -> None:
        md.inlinePatterns.register(_CodeLink(self.link), "finsam_rule_code", 15)  # after code spans, links


def render(text: str, *, link_code: LinkMaker | None = None) -> SafeString:
    """The text as sanitised HTML. Headings start at h2: the page's own title is the h1.

    `link_code` turns the rule codes in the text (R-BUDGET) into links: it is given each code and answers
    (href, title) or None. The renderer knows no rules itself; the caller passes what it links to."""
    extensions: list[str | Extension] = list(EXTENSIONS)
    if link_code is not None:
        extensions.append(_CodeLinks(link_code))
    html = markdown_lib.markdown(text or "", extensions=extensions, output_format="html")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
