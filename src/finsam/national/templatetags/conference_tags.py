"""Template filters of the conference pages."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from finsam.reports.markdown import render

register = template.Library()


@register.filter(name="markdown")
def markdown(text: str) -> SafeString:
    """Markdown typed by the working group as sanitised HTML."""
    return render(text)
