"""Pure functions of the handbook: what a chapter or page may hold, and the difference between two
versions of a page (line by line, as a table of removed, added and unchanged lines)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from finsam.core.errors import Violation

MAX_TITLE = 200
MAX_BODY = 100_000
MAX_INTRO = 20_000
MAX_COMMENT = 300
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def check_chapter(*, number: int, title: str, slug: str, intro: str) -> list[Violation]:
    violations = _common(number=number, title=title, slug=slug)
    if len(intro) > MAX_INTRO:
        violations.append(
            Violation(
                "R-INPUT",
                _("Inledningen får vara högst %(max_intro)s tecken.") % {"max_intro": MAX_INTRO},
                "intro",
            )
        )
    return violations


def check_page(*, number: int, title: str, slug: str, body: str, comment: str) -> list[Violation]:
    violations = _common(number=number, title=title, slug=slug)
    if not body.strip():
        violations.append(Violation("R-REQUIRED", _("Skriv sidans text."), "body"))
    elif len(body) > MAX_BODY:
        violations.append(
            Violation(
                "R-INPUT", _("Texten får vara högst %(max_body)s tecken.") % {"max_body": MAX_BODY}, "body"
            )
        )
    if len(comment) > MAX_COMMENT:
        violations.append(
            Violation(
                "R-INPUT",
                _("Kommentaren får vara högst %(max_comment)s tecken.") % {"max_comment": MAX_COMMENT},
                "comment",
            )
        )
    return violations


def _common(*, number: int, title: str, slug: str) -> list[Violation]:
    violations: list[Violation] = []
    if not 1 <= number <= 999:
        violations.append(Violation("R-INPUT", _("Numret ska vara mellan 1 och 999."), "number"))
    if not title.strip():
        violations.append(Violation("R-REQUIRED", _("Skriv en rubrik."), "title"))
    elif len(title) > MAX_TITLE:
        violations.append(
            Violation(
                "R-INPUT",
                _("Rubriken får vara högst %(max_title)s tecken.") % {"max_title": MAX_TITLE},
                "title",
            )
        )
    if not SLUG.match(slug) or len(slug) > 80:
        violations.append(
            Violation(
                "R-INPUT",
                _("Adressen får bara ha små bokstäver a–z, siffror och bindestreck (högst 80 tecken)."),
                "slug",
            )
        )
    return violations


class Change(StrEnum):
    SAME = "same"
    REMOVED = "removed"
    ADDED = "added"
    GAP = "gap"  # unchanged lines left out of a shortened difference


@dataclass(frozen=True)
class DiffLine:
    change: Change
    text: str
    old_number: int | None  # the line's number in the older version
    new_number: int | None  # and in the newer


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """The lines of `old` and `new` with what happened to each: removed from the old, added in the new,
    or the same. A changed line is a removed line followed by its replacement."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            lines += [
                DiffLine(Change.SAME, a[i], i + 1, j + 1)
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        lines += [DiffLine(Change.REMOVED, a[i], i + 1, None) for i in range(i1, i2)]
        lines += [DiffLine(Change.ADDED, b[j], None, j + 1) for j in range(j1, j2)]
    return lines


@dataclass(frozen=True)
class Gap:
    count: int  # how many unchanged lines are left out
    change: Change = Change.GAP


def with_context(lines: list[DiffLine], context: int = 2) -> list[DiffLine | Gap]:
    """The changed lines with `context` unchanged lines around each change; each longer run of unchanged
    lines becomes one Gap that says how many lines it stands for."""
    changed = [i for i, line in enumerate(lines) if line.change != Change.SAME]
    keep = {j for i in changed for j in range(i - context, i + context + 1)}
    shown: list[DiffLine | Gap] = []
    left_out = 0
    for i, line in enumerate(lines):
        if i in keep:
            if left_out:
                shown.append(Gap(left_out))
                left_out = 0
            shown.append(line)
        else:
            left_out += 1
    if left_out:
        shown.append(Gap(left_out))
    return shown


def diff_counts(lines: list[DiffLine]) -> tuple[int, int]:
    """(removed, added) lines."""
    return (
        sum(1 for line in lines if line.change == Change.REMOVED),
        sum(1 for line in lines if line.change == Change.ADDED),
    )
