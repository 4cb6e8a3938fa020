"""The state model's data in finance (R-STATE-MODEL): the population aged 16–64 derived from SCB's table
by age, the försörjningsmått per municipality and year (all or nothing, every bad row named), and the
calculator that refuses a row with a field too few or too many instead of shifting the others."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from finsam import cli
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.finance.models import Population, SupportMeasure
from finsam.finance.population_csv import parse

pytestmark = pytest.mark.django_db


def _ages(code: str, name: str, year: int, per_age: int, ages: range = range(101)) -> list[str]:
    rows = []
    for age in ages:
        label = "100+ år" if age == 100 else f"{age} år"
        rows.append(f'"{code} {name}";"{label}";"{year}";"{per_age}"')
    return rows


def scb_by_age() -> str:
    """SCB's table "Folkmängd per region, ålder och år", one row per age (0 … 100+), long format, with a
    total row and a county row that are not summed twice."""
    lines = ['"Folkmängden per region, ålder och år"', "", '"region";"ålder";"år";"Folkmängd"']
    lines += ['"24 Västerbottens län";"totalt ålder";"2024";"276000"']
    lines += _ages("2480", "Umeå", 2024, 1000)
    lines += ['"2480 Umeå";"totalt ålder";"2024";"101000"']
    lines += _ages("2460", "Vännäs", 2024, 80)
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, text: str, name: str = "fil.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- population 16-64 ----------------------------------------------------------------------------------


def test_the_population_16_64_is_derived_from_scbs_table_by_age(
    world: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import-population", write(tmp_path, scb_by_age()))

    assert code == 0, err
    stored = {p.municipality.code: p for p in Population.objects.select_related("municipality")}
    # Ages 16 to 64 are 49 ages; the total is the total row where there is one, else the sum of the ages.
    assert (stored["2480"].population, stored["2480"].population_16_64) == (101_000, 49_000)
    assert (stored["2460"].population, stored["2460"].population_16_64) == (101 * 80, 49 * 80)
    assert "16–64 år för 2 av dem" in out


def test_age_groups_inside_16_64_are_summed_and_open_groups_left_out() -> None:
    text = "region;ålder;år;folkmängd\n" + "\n".join(
        f"2480;{label};2024;{value}"
        for label, value in (
            ("0-15 år", 16),
            ("16-19 år", 4),
            ("20–64 år", 45),
            ("65+ år", 35),
        )
    )
    result = parse(text.encode(), known_codes=["2480"])
    assert not result.errors
    assert [(f.population, f.population_16_64) for f in result.figures] == [(100, 49)]


def test_an_age_group_across_16_gives_the_total_but_no_16_64_and_says_why() -> None:
    text = "region;ålder;år;folkmängd\n" + "\n".join(
        f"2480;{label};2024;100" for label in ("0-14 år", "15-19 år", "20-64 år", "65+ år")
    )
    result = parse(text.encode(), known_codes=["2480"])
    assert [(f.population, f.population_16_64) for f in result.figures] == [(400, None)]
    assert "går över gränsen 16 eller 64" in result.notes[0]


def test_a_file_of_totals_keeps_working_and_keeps_a_stored_16_64(
    world: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import-population", write(tmp_path, scb_by_age()))
    code, _, err = run(
        capsys, "import-population", write(tmp_path, '"region";"2024"\n"2480 Umeå";"101500"\n', "totals.csv")
    )
    assert code == 0, err
    umea = Population.objects.get(municipality__code="2480", year=2024)
    assert (umea.population, umea.population_16_64) == (101_500, 49_000)


def test_an_unreadable_age_is_a_row_error_and_nothing_is_written(
    world: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "region;ålder;år;folkmängd\n2480;16 år;2024;10\n2480;sexton;2024;10\n"
    code, _, err = run(capsys, "import-population", write(tmp_path, text))
    assert code == 1 and "rad 3: åldern 'sexton' kan inte läsas" in err
    assert not Population.objects.exists()


# --- försörjningsmått -----------------------------------------------------------------------------------

GOOD = "kommunkod;år;försörjningsmått\n2480;2024;7 100,5\n2460;2024;610\n2480;2023;6990.25\n"


def test_a_good_support_measure_file_is_stored_and_audited(
    world: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import-support-measure", write(tmp_path, GOOD))

    assert code == 0, err
    assert "3 värden för försörjningsmått" in out
    stored = {
        (m.municipality.code, m.year): m.value for m in SupportMeasure.objects.select_related("municipality")
    }
    assert stored == {
        ("2480", 2024): Decimal("7100.50"),
        ("2460", 2024): Decimal("610.00"),
        ("2480", 2023): Decimal("6990.25"),
    }
    assert AuditEntry.objects.filter(action="support_measure.import").count() == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kommun;år;värde\n2480;2024;1\n", "Rubrikraden ska vara kommunkod;år;försörjningsmått"),
        (
            "kommunkod;år;försörjningsmått\n2480;2024;10\n9999;2024;5\n",
            "Rad 3: fältet kommunkod: det finns ingen kommun med koden 9999",
        ),
        (
            "kommunkod;år;försörjningsmått\n2480;2024;10\n2460;2024;tio\n",
            "Rad 3: fältet försörjningsmått: 'tio' är inget tal",
        ),
        ("kommunkod;år;försörjningsmått\n2480;2024;10\n2460;2024\n", "Rad 3: 2 fält, ska vara 3"),
        ("kommunkod;år;försörjningsmått\n2480;24;10\n", "Rad 2: fältet år: '24' är inget årtal"),
        (
            "kommunkod;år;försörjningsmått\n2480;2024;-3\n",
            "Rad 2: fältet försörjningsmått: får inte vara mindre än noll",
        ),
        (
            "kommunkod;år;försörjningsmått\n2480;2024;1\n2480;2024;2\n",
            "Rad 3: 2480 år 2024 finns redan på rad 2",
        ),
    ],
    ids=["wrong header", "unknown code", "not a number", "missing field", "bad year", "negative", "twice"],
)
def test_a_bad_support_measure_file_writes_nothing_and_names_the_row(
    world: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    code, _, err = run(capsys, "import-support-measure", write(tmp_path, text))

    assert code == 1
    assert expected in err
    assert not SupportMeasure.objects.exists()
    assert not AuditEntry.objects.filter(action="support_measure.import").exists()


def test_the_working_group_uploads_the_file_on_its_page(world: Any) -> None:
    client = world.client(world.users[Role.NATIONAL_ADMIN])
    url = reverse("finance:support_measure_import")

    refused = client.post(
        url,
        {"file": SimpleUploadedFile("f.csv", b"kommunkod;ar;forsorjningsmatt\n9999;2024;1\n2480;2024;x\n")},
    )
    assert refused.status_code == 400
    assert "Rad 2: fältet kommunkod" in refused.text and "Rad 3: fältet försörjningsmått" in refused.text
    assert not SupportMeasure.objects.exists()

    done = client.post(url, {"file": SimpleUploadedFile("f.csv", GOOD.encode())}, follow=True)
    assert done.status_code == 200 and SupportMeasure.objects.count() == 3
    assert "2024" in done.text


def test_only_the_working_group_imports_support_measures(world: Any) -> None:
    url = reverse("finance:support_measure_import")
    assert world.client(world.users[Role.ASSOCIATION_ADMIN]).get(url).status_code == 403
    assert world.client(world.users[Role.NATIONAL_VIEWER]).get(url).status_code == 403


# --- the calculator -----------------------------------------------------------------------------------


def _calculate(world: Any, rows: str) -> Any:
    return world.client(world.users[Role.NATIONAL_ADMIN]).get(
        reverse("finance:calculator_state_allocation"),
        {
            "appropriation": "10 000 000",
            "base_amount": "400 000",
            "need_weight": "0,75",
            "population_weight": "0,25",
            "max_reduction": "0,10",
            "associations": rows,
        },
    )


def test_a_row_with_a_missing_field_is_refused_with_its_row_instead_of_shifting(world: Any) -> None:
    """The reported case: "A; 3000; 40000; 3800000" (the name left out) made the name "3000" and the
    population 3.8 million."""
    response = _calculate(world, "A; Ask; 3000; 40000; 3800000\nB; 1500; 30000; 2400000")

    assert response.status_code == 400
    errors = " ".join(str(e) for e in response.context["form"].errors["associations"])
    assert "Rad 2: 4 fält, ska vara 5" in errors
    assert response.context["result"] is None


def test_each_field_of_a_row_is_checked_and_named(world: Any) -> None:
    response = _calculate(world, "A; Ask; 3000; 40000; 3800000\n; 3000; tre; 4,5; x\nC; Ceder; 1; 2; 3; 4")

    errors = " ".join(str(e) for e in response.context["form"].errors["associations"])
    assert "Rad 2: fältet kod saknas" in errors
    assert "fältet namn är ett tal (3000)" in errors
    assert "fältet försörjningsmått är inget tal (tre)" in errors
    assert "fältet befolkning 16–64 år är inget heltal (4,5)" in errors
    assert "fältet fjolårets tilldelning är inget tal (x)" in errors
    assert "Rad 3: 6 fält, ska vara 5" in errors


def test_a_new_forbund_keeps_the_empty_fifth_field(world: Any) -> None:
    response = _calculate(world, "A; Ask; 3000; 40000; 3800000\nB; Björk; 1500; 30000;")
    assert response.status_code == 200 and response.context["result"] is not None
    assert response.context["result"].result_for("B").previous is None
