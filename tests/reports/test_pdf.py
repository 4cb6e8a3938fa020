"""The budget-and-outcome report and the contribution letter as PDF: real PDF documents (tagged, PDF/UA)
that carry the association's name, organisation number, year and amounts in Swedish format."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from finsam.core.roles import Role
from finsam.registry.models import Member, PartyKind
from tests.factories import make_budget

pytestmark = pytest.mark.django_db


def poppler(tool: str, pdf: bytes, *args: str) -> str:
    """The output of a poppler tool (Debian package poppler-utils, installed in CI) on the PDF."""
    path = shutil.which(tool)
    assert path is not None, f"{tool} is missing: install the Debian package poppler-utils"
    result = subprocess.run(  # noqa: S603 - a fixed tool on our own PDF
        [path, *args, "-", "-"] if tool == "pdftotext" else [path, "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8").replace("\u00a0", " ")


def pdftotext(pdf: bytes) -> str:
    return " ".join(poppler("pdftotext", pdf, "-layout").split())


def test_the_report_pdf_is_a_tagged_pdf_with_the_associations_figures(world: Any) -> None:
    budget = make_budget(world.own, year=2025, adopt_on=date(2024, 11, 20))

    response = world.client(world.users[Role.AUDITOR]).get(reverse("finance:report_pdf", args=[budget.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="samordningsforbundet-umearegionen-budget-2025.pdf"' in response["Content-Disposition"]
    text = pdftotext(response.content)
    assert world.own.name in text and f"Org.nr {world.own.org_number}" in text
    assert "Budget och utfall 2025" in text and "Fastställd 2024-11-20" in text
    assert "1 000 000 kr" in text and "Arbetslivsinriktad rehabilitering 600 000 kr" in text
    assert "Sida 1 av" in text
    info = poppler("pdfinfo", response.content)
    assert "Tagged:          yes" in info
    assert f"Title:           Budget och utfall 2025 – {world.own.name}" in info


def test_a_draft_budget_pdf_says_it_is_a_draft(world: Any) -> None:
    budget = make_budget(world.own)

    response = world.client(world.users[Role.ASSOCIATION_ADMIN]).get(
        reverse("finance:report_pdf", args=[budget.pk])
    )

    assert "Utkast – budgeten är inte fastställd." in pdftotext(response.content)


def test_the_contribution_letter_tells_the_member_its_amount(world: Any) -> None:
    budget = make_budget(world.own, year=2026, adopt_on=date(2025, 11, 25))
    umea = Member.objects.get(association=world.own, kind=PartyKind.MUNICIPALITY, municipality__code="2480")

    response = world.client(world.users[Role.MEMBER_REPRESENTATIVE]).get(
        reverse("finance:contribution_letter", args=[budget.pk, umea.pk])
    )

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = pdftotext(response.content)
    assert "Umeå kommun" in text and world.own.name in text and world.own.org_number in text
    assert "Bidrag till samordningsförbundet 2026" in text
    assert "166 666,67 kr" in text and "fastställde den 2025-11-25" in text
    assert "Er andel av kommunernas del är 66,7 %" in text


def test_a_letter_for_a_member_of_another_association_is_not_found(world: Any) -> None:
    budget = make_budget(world.own)
    foreign = Member.objects.filter(association=world.other).first()

    response = world.client(world.users[Role.ASSOCIATION_ADMIN]).get(
        reverse("finance:contribution_letter", args=[budget.pk, foreign.pk])
    )

    assert response.status_code == 404


def test_a_member_that_pays_nothing_gets_no_letter_and_no_link_to_one(world: Any) -> None:
    from finsam.finance.models import Contribution

    budget = make_budget(world.own, year=2026, adopt_on=date(2025, 11, 25))
    umea = Member.objects.get(association=world.own, kind=PartyKind.MUNICIPALITY, municipality__code="2480")
    Contribution.objects.filter(budget=budget, member=umea).update(amount=0)
    paying = Contribution.objects.filter(budget=budget).exclude(member=umea).first()
    admin = world.client(world.users[Role.ASSOCIATION_ADMIN])

    letter = reverse("finance:contribution_letter", args=[budget.pk, umea.pk])
    assert admin.get(letter).status_code == 404
    other_letter = reverse("finance:contribution_letter", args=[budget.pk, paying.member_id])
    for page in ("finance:budget_detail", "finance:report"):
        text = admin.get(reverse(page, args=[budget.pk])).text
        assert letter not in text and other_letter in text
