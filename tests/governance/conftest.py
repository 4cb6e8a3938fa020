from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded documents go to a directory of the test's own."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


@pytest.fixture
def spring() -> date:
    """A spring day of last year: in the past whatever today is, within the test world's board mandates."""
    return date(date.today().year - 1, 4, 15)  # noqa: DTZ011
