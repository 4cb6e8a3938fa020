"""The release that runs: the installed package's version, and FINSAM_RELEASE when the deployment names
its build (a tag, a commit), shown in the footer, in the API and in the health check."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

from django.conf import settings


@cache
def _package() -> str:
    try:
        return package_version("finsam")
    except PackageNotFoundError:  # pragma: no cover - run from a tree that was never installed
        return "0+unknown"


def version() -> str:
    """ "0.1.0", or "0.1.0 (2026-12-07.1)" when FINSAM_RELEASE is set."""
    release = settings.RELEASE
    return f"{_package()} ({release})" if release else _package()
