"""What a page says in words (issue 13, point 8): no page shows "None", "nan", "[]" or "{}" where a value
should be, in Swedish or in English, and the English pages do not fall back to Swedish words.

The walk signs in as every demo user, starts at the home page and follows the links a user can click (at
most a few addresses per page kind), so that a page added later is walked as soon as a link leads to it.
Only the text a reader sees counts: text nodes and the values shown in fields, not scripts, styles,
attributes the eye never meets or literal codes.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve

from finsam.accounts.demo import USERS
from finsam.core.demo import DemoContext
from finsam.core.rulebook import RULES
from finsam.national.council.models import Recommendation
from finsam.national.handbook.models import HandbookChapter, HandbookPage
from tests.core.test_i18n import EN_PO, parse_po
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

# Addresses the walk does not open: files, feeds, the API, the admin, actions that change the session.
SKIP_PREFIXES = ("/api/", "/static/", "/media/", "/admin/", "/i18n/", "/konto/logga-ut", "/logout")
SKIP_SUFFIXES = (".csv", ".xlsx", ".pdf", ".ics", ".json", ".svg", ".png", ".jpg", ".zip", ".docx", ".odt")
PER_KIND = 2  # addresses per URL name (and user): a list page's rows are all the same kind of page
MAX_PAGES = 120  # per user and language: a guard against a walk that never ends

# A value printed without a thought: Python's None, pandas' nan, an empty list or dict.
# ("None of these" is English, not a value.)
EMPTY_VALUE = re.compile(r"(?<![\w-])(None(?! of )|none|nan|NaN)(?![\w-])|\[\]|\{\}")


class _Text(HTMLParser):
    """The visible text of a page and the links on it."""

    # Never read as words: what the browser does not show, and literal codes (a file's allowed values,
    # such as the code "none" of an import column, are what the user types, not a missing value).
    HIDDEN = frozenset({"script", "style", "template", "head", "code", "kbd", "samp"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in self.HIDDEN:
            self.hidden += 1
        if tag == "a" and values.get("href") and "download" not in values:
            self.links.append(values["href"] or "")
        if tag in ("input", "textarea") and values.get("type") not in ("hidden", "submit", "button"):
            self.parts.append(values.get("value") or "")
            self.parts.append(values.get("placeholder") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts))


def read(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def _followable(href: str) -> str | None:
    url, _ = urldefrag(href)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIP_PREFIXES) or parts.path.lower().endswith(SKIP_SUFFIXES):
        return None
    return url


def walk(client: Client, language: str) -> dict[str, str]:
    """{address: visible text} of the pages reachable from the home page by following links."""
    seen: set[str] = set()
    kinds: Counter[str] = Counter()
    pages: dict[str, str] = {}
    queue = deque(["/"])
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            continue
        kind = match.view_name
        if kinds[kind] >= PER_KIND:
            continue
        kinds[kind] += 1
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        parsed = read(response.content.decode())
        pages[url] = parsed.text
        queue.extend(link for href in parsed.links if (link := _followable(href)) and link not in seen)
    return pages


def _client(username: str) -> Client:
    client: Client = sign_in(Client(), get_user_model().objects.get(username=username))
    return client


def test_the_visible_text_leaves_out_scripts_and_keeps_field_values() -> None:
    page = read(
        "<html><head><title>None</title></head><body><script>let x = None;</script>"
        '<p>Ja <code>none</code></p><input type="text" value="None"><input type="hidden" value="None">'
        '<a href="/a/">A</a>'
        "</body></html>"
    )
    assert page.text.split() == ["Ja", "None", "A"] and page.links == ["/a/"]
    assert EMPTY_VALUE.search(page.text)
    assert not EMPTY_VALUE.search("Nonen, none-such, Ingen, financial, None of these")  # look alike only
    assert EMPTY_VALUE.search("Värde: {}") and EMPTY_VALUE.search("nan kr")


def _interface_texts() -> set[str]:
    """The interface's Swedish sentences and phrases that English pages must not show: the message ids
    of three words or more whose English translation differs (shorter ones, such as "Budget", are
    English words or names too)."""
    catalogue = parse_po(EN_PO.read_text(encoding="utf-8"))
    return {
        msgid
        for (_, msgid, plural), (translations, _fuzzy) in catalogue.items()
        if plural is None
        and len(msgid.split()) >= 3
        and not re.search(r"[%<{]", msgid)
        and translations
        and translations[0] != msgid
    }


def _stored_texts() -> str:
    """Text the users wrote (the council's recommendations, the handbook): Swedish in every language, and
    free to quote the interface's words."""
    parts: list[str] = []
    for model, fields in (
        (Recommendation, ("title", "text")),
        (HandbookPage, ("title", "body")),
        (HandbookChapter, ("title", "intro")),
    ):
        for row in model.objects.values_list(*fields):
            parts += [str(value) for value in row]
    # The sources of the rules are the names of Swedish documents (the register keeps them as names).
    parts += [source for rule in RULES.values() for source in rule.sources]
    return re.sub(r"\s+", " ", " ".join(parts))


# Pages whose body is a document the users wrote in Swedish (the handbook and its history).
DOCUMENT_PAGES = ("/nationellt/handbok/",)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_page_of_any_demo_role_shows_an_empty_value_or_in_english_a_swedish_interface_text(
    demo_data: DemoContext, language: str
) -> None:
    interface = _interface_texts() if language == "en" else set()
    stored = _stored_texts()
    untranslated = {text for text in interface if text not in stored}
    assert language == "sv" or len(untranslated) > 500, "the catalogue scan found almost nothing"
    found: list[str] = []
    walked = 0
    for user in USERS:
        pages = walk(_client(user.username), language)
        assert len(pages) > 3, f"{user.username} reached almost nothing: is the walk broken?"
        walked += len(pages)
        for url, text in pages.items():
            for match in EMPTY_VALUE.finditer(text):
                context = text[max(0, match.start() - 60) : match.end() + 60]
                found.append(f"{user.username} {url}: …{context}…")
            if url.startswith(DOCUMENT_PAGES):
                continue
            found += [f"{user.username} {url}: Swedish {msgid!r}" for msgid in untranslated if msgid in text]
    assert walked > 100
    assert not found, "\n".join(sorted(set(found)))
