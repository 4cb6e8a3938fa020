"""The whole handbook as one tagged PDF: a cover, a table of contents with the page number of each chapter
and page, the chapters and pages in order, and the rules the text names."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
from django.urls import reverse

from finsam.national.handbook import services

pytestmark = pytest.mark.django_db


def poppler(tool: str, pdf: bytes, *args: str) -> str:
    """The output of a poppler tool (Debian package poppler-utils) on the PDF."""
    path = shutil.which(tool)
    assert path is not None, f"{tool} is missing: install the Debian package poppler-utils"
    command = [path, *args, "-", "-"] if tool == "pdftotext" else [path, "-"]
    result = subprocess.run(command, input=pdf, capture_output=True, check=True)  # noqa: S603
    return result.stdout.decode("utf-8").replace("\u00a0", " ")


def test_the_handbook_pdf_has_a_table_of_contents_with_the_chapters_and_their_pages(world: Any) -> None:
    editor = world.users["national_admin"]
    law = services.chapter_create(actor=editor, number=3, title="Lagen", slug="lagen")
    finance = services.chapter_create(actor=editor, number=5, title="Ekonomi", slug="ekonomi")
    services.page_create(
        actor=editor, chapter=law, number=1, title="Parterna", slug="parterna", body="Alla fyra (R-MEMBERS)."
    )
    services.page_create(
        actor=editor,
        chapter=finance,
        number=1,
        title="Budgetprocessen",
        slug="budgetprocessen",
        body="## Tidsplan\n\n" + "Senast den 30 november (R-BUDGET).\n\n" * 80,
    )
    response = world.client(world.users["association_admin"]).get(reverse("national:handbook_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = poppler("pdftotext", response.content, "-layout").split("\f")
    cover, contents = pages[0], " ".join(pages[1].split())
    assert "Handbok för finansiell samordning" in cover
    assert "Innehåll" in contents
    entries = {
        title: int(number)
        for title, number in re.findall(
            r"(3\. Lagen|3\.1 Parterna|5\. Ekonomi|5\.1 Budgetprocessen)[ .]+(\d+)", contents
        )
    }
    assert set(entries) == {"3. Lagen", "3.1 Parterna", "5. Ekonomi", "5.1 Budgetprocessen"}
    # each entry's number is the PDF page where the chapter or page begins
    assert "3.1 Parterna" in pages[entries["3.1 Parterna"] - 1]
    assert "5.1 Budgetprocessen" in pages[entries["5.1 Budgetprocessen"] - 1]
    assert entries["5. Ekonomi"] > entries["3. Lagen"]
    text = " ".join(" ".join(pages).split())
    assert (
        "Regler som handboken hänvisar till" in text
        and "R-BUDGET Budget senast 30 november efter samråd" in text
    )
    info = poppler("pdfinfo", response.content)
    assert "Tagged:          yes" in info and "Title:           Handbok för finansiell samordning" in info
