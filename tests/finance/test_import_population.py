"""`finsam import-population FILE`: SCB's population table as CSV in the formats SCB exports, all or
nothing, with one clear Swedish line and a non-zero exit for a file that cannot be used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from finsam import cli
from finsam.core.models import AuditEntry
from finsam.finance.models import Population
from finsam.finance.population_csv import PopulationFileError, parse

pytestmark = pytest.mark.django_db

# SCB's default export: title, blank line, header with one column per year, a county row, a footnote.
WIDE_SCB = """"Folkmängden per region, ålder och år"

"region";"ålder";"2023";"2024"
"24 Västerbottens län";"totalt ålder";275000;276000
"2480 Umeå";"totalt ålder";131000;132235
"2460 Vännäs";"totalt ålder";8800;8865
"2403 Bjurholm";"totalt ålder";2 390;2 412

"Uppgifterna avser förhållandena den 31 december."
"""

# One row per municipality, year and age: the ages are summed.
LONG_BY_AGE = """region,ålder,år,Folkmängd
2482 Skellefteå,0 år,2024,700
2482 Skellefteå,1 år,2024,710
2482 Skellefteå,2 år,2024,720
2417 Norsjö,0 år,2024,30
2417 Norsjö,1 år,2024,31
2417 Norsjö,2 år,2024,32
"""


def write(tmp_path: Path, text: str | bytes, name: str = "folkmangd.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding=encoding)
    return str(path)


def populations() -> dict[tuple[str, int], int]:
    return {
        (p.municipality.code, p.year): p.population for p in Population.objects.select_related("municipality")
    }


def run(capsys: pytest.CaptureFixture[str], path: str) -> tuple[int, str, str]:
    code = cli.main(["import-population", path])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_scbs_wide_export_in_latin_1_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, WIDE_SCB, encoding="cp1252")

    code, out, err = run(capsys, path)

    assert code == 0, err
    assert populations() == {
        ("2480", 2023): 131_000,
        ("2480", 2024): 132_235,
        ("2460", 2023): 8_800,
        ("2460", 2024): 8_865,
        ("2403", 2023): 2_390,
        ("2403", 2024): 2_412,
    }
    assert "6 värden" in out and "2023–2024" in out and "1 rader för riket eller län" in out
    assert AuditEntry.objects.filter(action="population.import", actor_username="system").count() == 1


def test_a_long_export_by_age_is_summed_per_municipality(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, write(tmp_path, LONG_BY_AGE))

    assert code == 0, err
    assert populations() == {("2482", 2024): 2_130, ("2417", 2024): 93}


def test_rows_with_a_total_are_used_instead_of_summing_the_ages() -> None:
    text = "region;ålder;år;Folkmängd\n2480 Umeå;totalt ålder;2024;132235\n2480 Umeå;0 år;2024;1500\n"

    result = parse(text.encode())

    assert [(f.code, f.year, f.population) for f in result.figures] == [("2480", 2024, 132_235)]


def test_importing_again_updates_the_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, write(tmp_path, WIDE_SCB))
    corrected = WIDE_SCB.replace("132235", "132300")

    code, out, _err = run(capsys, write(tmp_path, corrected, name="rattad.csv"))

    assert code == 0 and "varav 1 nya eller ändrade" in out
    assert populations()[("2480", 2024)] == 132_300


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "är inte en textfil"),
        (b"", "Filen är tom."),
        ("Det här är ett brev till kommunen.\nMed vänlig hälsning\n", "har inga kolumner"),
        ("namn;telefon\nAnna;070-123\n", "saknar en rubrikrad med kolumnerna region och år"),
        ("region;ålder\n2480 Umeå;totalt\n", "saknar kolumn för år"),
    ],
)
def test_garbage_is_refused_with_one_swedish_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, message: str
) -> None:
    code, out, err = run(capsys, write(tmp_path, content))

    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("finsam import-population: folkmangd.csv: ")
    assert message in lines[0]
    assert not Population.objects.exists()


def test_bad_rows_are_listed_and_nothing_is_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = WIDE_SCB.replace("8865", "-3").replace("2 412", "..") + '"9999 Påhittad";"totalt ålder";1;2\n'

    code, out, err = run(capsys, write(tmp_path, text))

    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert any("rad 6" in line and "2460 år 2024" in line and "mindre än noll" in line for line in lines)
    assert any("rad 7" in line and "värdet saknas" in line for line in lines)
    assert any("ingen kommun med koden 9999" in line for line in lines)
    assert lines[-1] == "finsam import-population: folkmangd.csv: ingenting har lästs in; 3 rader har fel."
    assert not Population.objects.exists()


def test_an_absurd_population_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, write(tmp_path, "region;år;folkmängd\n2480 Umeå;2024;999999999999\n"))

    assert code == 1 and "högst 100 000 000" in err
    assert not Population.objects.exists()


def test_a_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, str(tmp_path / "finns-inte.csv"))

    assert code == 1 and err.strip().endswith("finns-inte.csv: filen finns inte.")


def test_a_municipality_code_in_its_own_column_is_accepted() -> None:
    text = '"Kommunkod","Kommunnamn","År","Folkmängd"\n"2480","Umeå","2024","132 235"\n'

    result = parse(text.encode("utf-8-sig"))

    assert [(f.code, f.year, f.population) for f in result.figures] == [("2480", 2024, 132_235)]


def test_the_same_municipality_and_year_twice_is_an_error() -> None:
    text = "region;år;folkmängd\n2480 Umeå;2024;1\n2480 Umeå;2024;2\n"

    result = parse(text.encode())

    assert result.errors == ["rad 3: 2480 år 2024 finns redan på rad 2"]


def test_a_file_without_any_municipality_is_refused() -> None:
    with pytest.raises(PopulationFileError, match="ingen kommun"):
        parse(b"region;2024\n00 Riket;10551707\n")


def test_the_progress_bar_can_be_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], settings: Any
) -> None:
    from django.core.management import call_command

    call_command("import_population", write(tmp_path, WIDE_SCB), "--progress")

    assert "Folkmängd" in capsys.readouterr().err  # tqdm writes to stderr
