"""`finsam export-openapi [PATH]`: write the API's OpenAPI document, the file committed as openapi.json.

The output is stable (sorted keys, two-space indent, trailing newline), so that a changed API shows as a
readable diff, and tests/api/test_openapi.py fails while the committed file is stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def openapi_document() -> dict[str, Any]:
    from finsam.api import api

    return dict(api.get_openapi_schema())


def render(document: dict[str, Any]) -> str:
    """The committed form of the document; json round trip turns status codes into strings first."""
    return json.dumps(json.loads(json.dumps(document)), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def default_path() -> Path:
    """openapi.json at the root of the source tree (the folder with pyproject.toml), else here."""
    for folder in Path(settings.PACKAGE_DIR).parents:
        if (folder / "pyproject.toml").is_file():
            return folder / "openapi.json"
    return Path.cwd() / "openapi.json"


class Command(BaseCommand):
    help = "Skriv API:ets OpenAPI-dokument (standard: openapi.json i källkodens rot)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", nargs="?", help="fil att skriva till, eller - för standard ut")

    def handle(self, *args: Any, **options: Any) -> None:
        text = render(openapi_document())
        if options["path"] == "-":
            self.stdout.write(text, ending="")
            return
        path = Path(options["path"]) if options["path"] else default_path()
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"kunde inte skriva {path}: {exc.strerror}") from exc
        self.stdout.write(f"Skrev {path}")
