"""PDF from a Django template, through WeasyPrint in the accessible PDF/UA-1 variant (tagged, with the
document's language and title). WeasyPrint is imported when a PDF is made, not when the app starts: it
loads fonts and native libraries that most requests never need."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy: imported when a PDF is made

    base_url = str(settings.STATICFILES_DIRS[0]) if settings.STATICFILES_DIRS else None
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant=PDF_VARIANT)


def render_pdf(template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """The template rendered to HTML and laid out as PDF. The template gives the title (<title>), the
    language (<html lang>) and the print styles."""
    return html_to_pdf(render_to_string(template_name, context, request=request))


def pdf_response(pdf: bytes, *, filename: str, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{safe_filename(filename)}.pdf"'
    return response


def safe_filename(name: str) -> str:
    """A file name of ASCII letters, digits and hyphens ("Umeåregionen 2027" → "umearegionen-2027")."""
    return slugify(name.replace("–", "-").replace("—", "-")) or "rapport"
