"""Display helpers of the governance pages: the colour class of a status (always shown with its text)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()

_STATUS_CLASSES = {"done": "ok", "due": "warning", "overdue": "error", "not_applicable": "neutral"}


@register.filter
def status_class(status: Any) -> str:
    return _STATUS_CLASSES.get(str(status), "neutral")


@register.filter
def attendance(value: bool | None) -> str:
    if value is None:
        return "–"
    return _("Närvarande") if value else _("Frånvarande")
