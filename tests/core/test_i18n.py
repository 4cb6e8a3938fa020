"""The English catalogue is complete and compiled; Swedish stays the default.

Message ids are the Swedish texts. A text marked for translation that is missing from
src/finsam/locale/en/LC_MESSAGES/django.po (or untranslated, or fuzzy) fails here, and so does a
django.mo that was not compiled from the current django.po.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import finsam

PACKAGE = Path(finsam.__file__).resolve().parent
EN_PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
EN_MO = EN_PO.with_suffix(".mo")

Key = tuple[str | None, str, str | None]  # (msgctxt, msgid, msgid_plural)


def parse_po(text: str) -> dict[Key, tuple[list[str], bool]]:
    """The entries of a .po file: key → (translations, fuzzy), without the header and obsolete entries."""
    entries: dict[Key, tuple[list[str], bool]] = {}
    for block in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        current = None
        fuzzy = False
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if not line or line.startswith("#"):
                continue
            if line.startswith('"'):
                assert current is not None, f"continuation line without a keyword: {line}"
                fields[current] += ast.literal_eval(line)
                continue
            keyword, _, rest = line.partition(" ")
            current = keyword
            fields[keyword] = ast.literal_eval(rest)
        if "msgid" not in fields or fields["msgid"] == "":
            continue
        translations = [fields[k] for k in sorted(fields) if k == "msgstr" or k.startswith("msgstr[")]
        key = (fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural"))
        entries[key] = (translations, fuzzy)
    return entries


def _catalogue() -> dict[Key, tuple[list[str], bool]]:
    return parse_po(EN_PO.read_text(encoding="utf-8"))


def _untranslated(keys: set[Key], catalogue: dict[Key, tuple[list[str], bool]]) -> list[Key]:
    """The keys that are missing from the catalogue, or in it without a translation or marked fuzzy."""
    return sorted(
        (key for key in keys if key not in catalogue or catalogue[key][1] or not all(catalogue[key][0])),
        key=lambda k: (k[1], k[0] or ""),
    )


def _label(key: Key) -> str:
    return repr(key[1]) if key[0] is None else f"{key[1]!r} (context {key[0]!r})"


_STRING = r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')"""
_TRANSLATE_TAG = re.compile(
    r"{%-?\s*(?:translate|trans)\s+" + _STRING + r"(?:\s+noop)?(?:\s+context\s+" + _STRING + r")?[^%]*%}"
)


def _template_msgids() -> dict[Key, str]:
    found: dict[Key, str] = {}
    for path in sorted(PACKAGE.rglob("templates/**/*")):
        if path.suffix not in {".html", ".txt"} or not path.is_file():
            continue
        for match in _TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8")):
            msgid = match.group(1) if match.group(1) is not None else match.group(2)
            msgid = msgid.replace("%", "%%")  # as Django's extraction writes it (python-format)
            context = match.group(3) if match.group(3) is not None else match.group(4)
            found[(context, msgid, None)] = str(path.relative_to(PACKAGE))
    return found


def test_every_translate_tag_in_the_templates_has_an_english_translation() -> None:
    found = _template_msgids()
    assert len(found) > 50, "the template scan found almost nothing: is the pattern broken?"
    missing = _untranslated(set(found), _catalogue())
    assert not missing, "not translated in the English catalogue:\n" + "\n".join(
        f"{_label(key)} in {found[key]}" for key in missing
    )


def test_every_message_that_makemessages_finds_has_an_english_translation(tmp_path: Path) -> None:
    """Extraction exactly as a translator runs it (GNU gettext's xgettext), over a copy of the package."""
    if shutil.which("xgettext") is None:
        message = "GNU gettext (xgettext) is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}: CI must install the Debian package 'gettext'", pytrace=False)
        pytest.skip(f"{message}; install the Debian package 'gettext'")
    copy = tmp_path / "finsam"
    shutil.copytree(
        PACKAGE, copy, ignore=shutil.ignore_patterns("static", "locale", "__pycache__", "migrations", "data")
    )
    (copy / "locale").mkdir()
    django_admin = Path(sys.executable).with_name("django-admin")
    subprocess.run(  # noqa: S603
        [str(django_admin), "makemessages", "-l", "en", "--no-location", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
    )
    extracted = parse_po((copy / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    assert len(extracted) > 50
    missing = _untranslated(set(extracted), _catalogue())
    assert not missing, (
        "run `django-admin makemessages -l en --ignore 'static/*'` in src/finsam, translate, and compile:\n"
        + "\n".join(_label(key) for key in missing)
    )


def test_the_compiled_catalogue_is_compiled_from_the_current_po_file() -> None:
    with EN_MO.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    compiled.pop("", None)
    expected: dict[object, str] = {}
    for (context, msgid, plural), (translations, fuzzy) in _catalogue().items():
        if fuzzy or not all(translations):
            continue
        key = msgid if context is None else f"{context}\x04{msgid}"
        if plural is None:
            expected[key] = translations[0]
        else:
            for index, translation in enumerate(translations):
                expected[(key, index)] = translation
    assert compiled == expected, "django.mo is stale: run `django-admin compilemessages` in src/finsam"


@pytest.mark.django_db
def test_pages_are_swedish_by_default_and_english_when_chosen() -> None:
    client = Client()
    swedish = client.get(reverse("login"))
    assert '<html lang="sv">' in swedish.text and "<h1>Logga in</h1>" in swedish.text
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    english = client.get(reverse("login"))
    assert '<html lang="en">' in english.text and "<h1>Sign in</h1>" in english.text
