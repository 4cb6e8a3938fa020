"""The help desk's rules, as pure functions: what a question's text and attachment may be, which step is
allowed in which status and what status follows, and the plain-text snippets of search hits.

Text is plain text. Markup that would run in a browser (a script, an event handler, a frame) is refused
with a Swedish message (R-HELPDESK-TEXT); whatever is stored is still always shown escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.translation import gettext as _

from finsam.core.errors import Violation
from finsam.governance import rules as governance_rules
from finsam.national.helpdesk.schemas import MessageKind, QuestionStatus

MAX_TITLE = 200
MAX_TEXT = 20_000
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# The governance documents' types (PDF and office documents, checked by name and first bytes) and images.
ATTACHMENT_TYPES: dict[str, tuple[str, bytes]] = {
    **governance_rules.DOCUMENT_TYPES,
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}
TEXT_CODE = "R-HELPDESK-TEXT"
FILE_CODE = "R-HELPDESK-FILE"
STATUS_CODE = "R-HELPDESK-STATUS"

_ACTIVE_MARKUP = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style|frame|frameset|svg|math|base|meta|link|form)\b"
    r"|\bjavascript\s*:"
    r"|<[^>]*\son[a-z]+\s*=",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_violations(text: str, *, field: str, what: str, max_length: int = MAX_TEXT) -> list[Violation]:
    """A title or text: not empty, not too long, no control characters, no markup that would run."""
    if not text.strip():
        return [Violation("R-INPUT", _("Skriv %(what)s.") % {"what": what}, field)]
    if len(text) > max_length:
        return [
            Violation(
                "R-INPUT",
                _("Texten får vara högst %(max_length)s tecken.") % {"max_length": max_length},
                field,
            )
        ]
    if _CONTROL.search(text):
        return [Violation("R-INPUT", _("Texten innehåller otillåtna tecken."), field)]
    if _ACTIVE_MARKUP.search(text):
        return [
            Violation(
                TEXT_CODE,
                _(
                    "Texten innehåller HTML-kod som skulle kunna köras i en "
                    "webbläsare (till exempel <script>). Skriv som vanlig text."
                ),
                field,
            )
        ]
    return []


def attachment_type(*, filename: str, size: int, head: bytes) -> tuple[str, str] | Violation:
    """(extension, content type) of an attachment, or why it is refused: empty, over the size limit, or not
    a PDF, office document or image (by its name and by its first bytes, so that a renamed file is caught)."""
    if size <= 0:
        return Violation(FILE_CODE, _("Bilagan är tom."), "attachment")
    if size > MAX_ATTACHMENT_BYTES:
        return Violation(
            FILE_CODE,
            _("Bilagan är för stor: högst %(value)s MB.") % {"value": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
            "attachment",
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    known = ATTACHMENT_TYPES.get(extension)
    if known is None:
        return Violation(
            FILE_CODE,
            _(
                "Den filtypen tas inte emot. Bifoga en PDF, ett Word-, Excel- "
                "eller OpenDocument-dokument, eller en bild (PNG eller JPEG)."
            ),
            "attachment",
        )
    content_type, magic = known
    if not head.startswith(magic):
        return Violation(
            FILE_CODE,
            _("Bilagan är inte en giltig %(extension)s-fil.") % {"extension": extension},
            "attachment",
        )
    return extension, content_type


def safe_filename(filename: str) -> str:
    return governance_rules.safe_document_name(filename)


# --- the workflow --------------------------------------------------------------------------------


def _closed() -> Violation:
    return Violation(STATUS_CODE, _("Frågan är stängd."), None)


def status_after_assign(status: str) -> str | Violation:
    if status == QuestionStatus.CLOSED:
        return _closed()
    return QuestionStatus.ASSIGNED if status == QuestionStatus.NEW else status


def status_after_message(status: str, kind: str, *, assigned: bool) -> str | Violation:
    """The status after the working group's answer or ask-back, or the asker's reply. A closed question
    takes nothing more; a reply puts the question back with the working group."""
    if status == QuestionStatus.CLOSED:
        return _closed()
    if kind == MessageKind.ANSWER:
        return QuestionStatus.ANSWERED
    if kind == MessageKind.ASK_BACK:
        return QuestionStatus.WAITING
    if kind == MessageKind.REPLY:
        return QuestionStatus.ASSIGNED if assigned else QuestionStatus.NEW
    return Violation("R-INPUT", _("Välj svar eller motfråga."), "kind")


def status_after_close(status: str) -> str | Violation:
    return _closed() if status == QuestionStatus.CLOSED else QuestionStatus.CLOSED


def publishable(status: str, *, answers: int) -> Violation | None:
    """Only a question the working group has answered can be published to the FAQ."""
    if answers == 0 or status not in (QuestionStatus.ANSWERED, QuestionStatus.CLOSED):
        return Violation(STATUS_CODE, _("Bara en besvarad fråga kan publiceras bland frågor och svar."), None)
    return None


def identifying_violations(texts: dict[str, str], names: Sequence[str]) -> list[Violation]:
    """A text to be published must not name the asker or the förbund (R-HELPDESK-ANON)."""
    violations = []
    for field, text in texts.items():
        found = [name for name in names if len(name.strip()) >= 3 and name.strip().lower() in text.lower()]
        if found:
            violations.append(
                Violation(
                    "R-HELPDESK-ANON",
                    _("Texten är inte avidentifierad: ta bort %(list)s.")
                    % {"list": ", ".join(sorted(set(found)))},
                    field,
                )
            )
    return violations


# --- search --------------------------------------------------------------------------------------

MAX_WORDS = 10


def search_words(query: str) -> list[str]:
    """The words of a search, without quotes and operators, at most ten."""
    words = re.findall(r"[\w\-–]+", query)
    return [w for w in words if w not in {"-", "–"}][:MAX_WORDS]


Snippet = list[tuple[str, bool]]


def snippet(text: str, words: Sequence[str], *, width: int = 220) -> Snippet:
    """A plain-text excerpt around the first hit, as pieces (text, is_hit) that a template escapes."""
    flat = " ".join(text.split())
    lower = flat.lower()
    hits = [lower.find(w.lower()) for w in words if w]
    first = min((h for h in hits if h >= 0), default=0)
    start = max(0, first - width // 3)
    end = min(len(flat), start + width)
    part = flat[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    if not words:
        return [(prefix + part + suffix, False)]
    pattern = re.compile("|".join(re.escape(w) for w in words if w), re.IGNORECASE)
    pieces: Snippet = [(prefix, False)] if prefix else []
    at = 0
    for match in pattern.finditer(part):
        if match.start() > at:
            pieces.append((part[at : match.start()], False))
        pieces.append((match.group(0), True))
        at = match.end()
    if at < len(part):
        pieces.append((part[at:], False))
    if suffix:
        pieces.append((suffix, False))
    return pieces


def marked_pieces(text: str, start: str, stop: str) -> Snippet:
    """A database headline with its hits between `start` and `stop` markers, as pieces."""
    pieces: Snippet = []
    for i, chunk in enumerate(re.split(f"({re.escape(start)}.*?{re.escape(stop)})", text)):
        if not chunk:
            continue
        if i % 2:
            pieces.append((chunk[len(start) : -len(stop)], True))
        else:
            pieces.append((chunk, False))
    return pieces
