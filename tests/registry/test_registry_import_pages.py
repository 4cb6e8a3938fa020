"""The page where the national working group brings on the förbund from a file (docs/registry-import.md)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.registry.models import Association, BoardSeat, Member
from tests.registry.test_registry_import import BOARD, MEMBER_HEADER, MEMBERS, UPPSALA

pytestmark = pytest.mark.django_db

URL = reverse("registry:association_import")


def upload(text: str, name: str = "forbund.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def admin(world: Any) -> Any:
    return world.client(world.users[Role.NATIONAL_ADMIN])


def counts() -> tuple[int, int, int, int]:
    return (
        Association.objects.count(),
        Member.objects.count(),
        BoardSeat.objects.count(),
        AuditEntry.objects.count(),
    )


def test_the_working_group_sees_the_form_the_columns_and_the_example(world: Any) -> None:
    response = admin(world).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Läs in förbund från fil" in page
    assert "<code>medlem_typ</code>" in page and "<code>uppdrag</code>" in page
    assert reverse("registry:association_import_xlsx") in page
    assert 'value="check"' in page and 'value="import"' in page


def test_the_list_of_forbund_links_to_the_page_for_the_working_group_only(world: Any) -> None:
    link = f'href="{URL}"'
    assert link in admin(world).get(reverse("registry:association_list")).content.decode()
    chef = world.client(world.users[Role.ASSOCIATION_ADMIN])
    assert link not in chef.get(reverse("registry:association_list")).content.decode()


@pytest.mark.parametrize("role", [Role.ASSOCIATION_ADMIN, Role.NATIONAL_VIEWER, Role.BOARD_MEMBER])
def test_no_one_else_may_import(world: Any, role: Role) -> None:
    client = world.client(world.users[role])
    before = counts()

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": upload(MEMBERS), "action": "import"}).status_code == 403
    assert client.get(reverse("registry:association_import_xlsx")).status_code == 403
    assert counts() == before


def test_a_good_file_is_imported_and_summarised(world: Any) -> None:
    before = Association.objects.count()

    response = admin(world).post(
        URL, {"file": upload(MEMBERS), "board": upload(BOARD, "styrelse.csv"), "action": "import"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Filen är inläst." in page
    assert "Samordningsförbundet Uppsala län" in page
    assert Association.objects.count() == before + 3
    assert BoardSeat.objects.filter(association__org_number=UPPSALA).count() == 4
    entry = AuditEntry.objects.get(action="registry.import")
    assert entry.actor_id == world.users[Role.NATIONAL_ADMIN].pk


def test_checking_a_file_writes_nothing(world: Any) -> None:
    before = counts()

    response = admin(world).post(
        URL, {"file": upload(MEMBERS), "board": upload(BOARD, "styrelse.csv"), "action": "check"}
    )

    assert response.status_code == 200
    assert "Filen är kontrollerad och kan läsas in; ingenting har sparats ännu." in response.content.decode()
    assert counts() == before


def test_a_bad_file_answers_400_with_the_row_report_and_writes_nothing(world: Any) -> None:
    bad = MEMBERS.replace(";kommun;0381;", ";kommun;0399;").replace(";region;14;", ";region;44;")
    before = counts()

    response = admin(world).post(URL, {"file": upload(bad), "action": "import"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Filen lästes inte in; ingenting har sparats." in page
    assert "<caption>Felen i filen</caption>" in page
    assert '<tr><td>Förbund</td><th scope="row">6</th><td><code>medlem_kod</code></td>' in page
    assert '<th scope="row">10</th>' in page
    assert counts() == before


def test_a_forbund_that_differs_from_the_registry_is_reported(world: Any) -> None:
    text = f"{MEMBER_HEADER}\n{world.own.org_number};Ett annat namn;2480;2005-01-01;fk;;;\n"

    response = admin(world).post(URL, {"file": upload(text), "action": "import"})

    assert response.status_code == 400
    assert "ändrar aldrig ett befintligt förbund" in response.content.decode()
    assert Association.objects.get(pk=world.own.pk).name == world.own.name


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "gamla Excelformatet"),
        (b"PK\x03\x04 not a workbook", "kan inte läsas som Excelfil"),
        (b"a;b\n1;2\n", "kolumner som saknas"),
    ],
    ids=["xls", "broken-xlsx", "header"],
)
def test_a_file_that_cannot_be_read_is_shown_on_the_field(world: Any, content: bytes, message: str) -> None:
    before = counts()

    response = admin(world).post(URL, {"file": SimpleUploadedFile("f.xlsx", content), "action": "import"})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == before


def test_a_file_over_the_limit_is_refused(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from finsam.registry import onboarding

    monkeypatch.setattr(onboarding, "MAX_BYTES", 1024 * 1024)
    big = MEMBERS + "\n" * (1024 * 1024)

    response = admin(world).post(URL, {"file": upload(big), "action": "import"})

    assert response.status_code == 400
    assert "Filen är större än 1 MB" in response.content.decode()


def test_the_example_workbook_has_both_sheets(world: Any) -> None:
    response = admin(world).get(reverse("registry:association_import_xlsx"))

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Förbund", "Styrelse", "Anvisningar"]
    csv_text = admin(world).get(reverse("registry:association_import_csv")).content.decode("utf-8-sig")
    assert csv_text.startswith("organisationsnummer;förbund;säte;bildat;medlem_typ;")
    assert "Samordningsförbundet Södra Lappland" in csv_text
    board = admin(world).get(reverse("registry:association_import_board_csv")).content.decode("utf-8-sig")
    assert "ordförande" in board


def test_the_example_in_the_documentation_is_the_one_the_page_offers() -> None:
    from pathlib import Path

    from finsam.registry import onboarding, services

    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    assert (examples / "forbund-exempel.csv").read_bytes() == onboarding.example_csv(services.MEMBERS)
    assert (examples / "styrelse-exempel.csv").read_bytes() == onboarding.example_csv(services.BOARD)
