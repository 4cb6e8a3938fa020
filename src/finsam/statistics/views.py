"""Statistics pages: each table as an SVG bar chart with the same figures in a table beside it, and the
tables shown as an Excel workbook. The figures come from `statistics` (aggregated in the database; the
national ones suppressed); the views only lay them out."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from finsam.core.decorators import page_access
from finsam.core.roles import Capability
from finsam.core.suppression import TOTAL
from finsam.reports import charts, excel
from finsam.statistics import economics
from finsam.statistics import outcomes as statistics

HIDDEN = "–"


@dataclass(frozen=True)
class DisplayCell:
    value: int | None
    suppressed: bool
    total: bool


@dataclass(frozen=True)
class DisplayRow:
    label: str
    cells: list[DisplayCell]
    total: bool


@dataclass(frozen=True)
class DisplayTable:
    key: str
    title: str
    row_heading: str
    columns: list[str]
    rows: list[DisplayRow]
    chart: charts.BarChart

    @property
    def wide(self) -> bool:
        """Too many columns to sit beside the chart: the table goes below it."""
        return len(self.columns) > 4


DIMENSION_NAMES = {
    "intervention": gettext_lazy("Insats"),
    "association": pgettext_lazy("ett förbund", "Förbund"),
    "age_band": gettext_lazy("Åldersgrupp"),
    "employment_after": gettext_lazy("Sysselsättning efter"),
    "income_before": gettext_lazy("Försörjning före"),
    "income_after": gettext_lazy("Försörjning efter"),
    "duration": gettext_lazy("Tid i insatsen"),
    "sex": gettext_lazy("Kön"),
}


def _dimension_name(dimension: str) -> str:
    return str(DIMENSION_NAMES.get(dimension, dimension))


def requested_year(request: HttpRequest) -> int:
    """The year in `?ar=`, when it is one with figures; otherwise the latest."""
    years = statistics.years()
    try:
        year = int(request.GET.get("ar", ""))
    except ValueError:
        return years[0]
    return year if year in years else years[0]


def _count(value: Decimal) -> str:
    """A count, or a gridline between counts (62,5) with a decimal comma."""
    if value == value.to_integral_value():
        return f"{int(value)}"
    return f"{value:.1f}".replace(".", ",")


def _display(item: statistics.StatisticsTable, chart_id: str) -> DisplayTable:
    table = item.table
    if len(table.dimensions) == 1:
        [dimension] = table.dimensions
        [categories] = table.categories
        labels = [*categories, TOTAL]
        rows = [
            DisplayRow(
                item.name(dimension, code),
                [_cell(table.cell(code), code == TOTAL)],
                code == TOTAL,
            )
            for code in labels
        ]
        columns = [_("Antal")]
        chart_rows = [(item.name(dimension, code), table.cell(code).value) for code in categories]
        series = [(_("Antal"), [value for _, value in chart_rows])]
    else:
        row_dimension, column_dimension = table.dimensions
        row_codes, column_codes = table.categories
        columns = [item.name(column_dimension, code) for code in (*column_codes, TOTAL)]
        rows = [
            DisplayRow(
                item.name(row_dimension, row),
                [_cell(table.cell(row, column), TOTAL in (row, column)) for column in (*column_codes, TOTAL)],
                row == TOTAL,
            )
            for row in (*row_codes, TOTAL)
        ]
        chart_rows = [(item.name(row_dimension, row), table.cell(row, TOTAL).value) for row in row_codes]
        if column_dimension == "sex":
            # "… per kön": a bar per sex, as the heading says (a hidden cell draws no bar and says "–").
            series = [
                (item.name(column_dimension, column), [table.cell(row, column).value for row in row_codes])
                for column in column_codes
            ]
        else:
            series = [(_("Totalt"), [value for _, value in chart_rows])]
        dimension = row_dimension
    chart = charts.grouped_bar_chart(
        chart_id=chart_id,
        title=item.title,
        description=(
            _(
                "Liggande stapeldiagram: antal per %(dimension)s och kön. Dolda uppgifter visas som ett "
                "streck. Samma siffror finns i tabellen bredvid."
            )
            if len(series) > 1
            else _(
                "Liggande stapeldiagram: antal per %(dimension)s. Dolda uppgifter visas som ett streck. "
                "Samma siffror finns i tabellen bredvid."
            )
        )
        % {"dimension": _dimension_name(dimension).lower()},
        categories=[label for label, _ in chart_rows],
        series=[(name, [None if v is None else Decimal(v) for v in values]) for name, values in series],
        format_value=_count,
        integer=True,
    )
    return DisplayTable(
        key=item.key,
        title=item.title,
        row_heading=_dimension_name(dimension),
        columns=columns,
        rows=rows,
        chart=chart,
    )


def _cell(cell: Any, total: bool) -> DisplayCell:
    return DisplayCell(cell.value, cell.suppressed, total)


def _context(stats: statistics.Statistics) -> dict[str, Any]:
    return {
        "stats": stats,
        "tables": [_display(item, f"chart-{item.key}") for item in stats.tables],
        "years": statistics.years(),
        "hidden_text": str(statistics.SUPPRESSED_TEXT),
    }


def _cost_sheet(economy: economics.Economy) -> excel.Sheet:
    rows: list[list[excel.Cell]] = [
        [row.name, row.participants, row.cost, row.cost_source_label, row.cost_per_participant]
        for row in economy.rows
    ]
    total: list[excel.Cell] = [
        _("Förbundet"),
        economy.participants,
        economy.total.cost,
        "",
        economy.cost_per_participant,
    ]
    headers = [_("Insats"), _("Deltagare under året"), _("Kostnad (kr)"), _("Kostnadens källa")]
    formats = {1: excel.COUNT_FORMAT, 2: excel.MONEY_FORMAT, 4: excel.COUNT_FORMAT}
    table = excel.Table(
        _("Kostnad per deltagare"), [*headers, _("Kostnad per deltagare (kr)")], rows, formats, total=total
    )
    return excel.Sheet(title=_("Kostnad per deltagare"), heading=[_("Kostnad per deltagare")], tables=[table])


# Short names for the sheets (Excel allows 31 characters); the table's full title heads its sheet.
SHEET_NAMES = {
    "started": gettext_lazy("Påbörjade"),
    "started_age": gettext_lazy("Påbörjade per ålder"),
    "ongoing": gettext_lazy("Pågående vid årets slut"),
    "exited": gettext_lazy("Avslutade"),
    "outcome": gettext_lazy("Sysselsättning vid avslut"),
    "income": gettext_lazy("Försörjning före och efter"),
    "duration": gettext_lazy("Tid i insatsen"),
}


def _workbook(stats: statistics.Statistics, title: str, economy: economics.Economy | None = None) -> bytes:
    sheets = []
    for item in stats.tables:
        shown = _display(item, f"x-{item.key}")
        rows = [[row.label, *[HIDDEN if c.suppressed else c.value for c in row.cells]] for row in shown.rows]
        formats = {i: excel.COUNT_FORMAT for i in range(1, len(shown.columns) + 1)}
        sheets.append(
            excel.Sheet(
                title=str(SHEET_NAMES.get(item.key, item.title)),
                heading=[title, item.title],
                tables=[excel.Table(item.title, [shown.row_heading, *shown.columns], rows, formats)],
                widths=[40, *[14] * len(shown.columns)],
            )
        )
    figures: list[list[excel.Cell]] = [
        [f.label, HIDDEN if f.value is None else Decimal(str(f.value)), f.unit] for f in stats.figures
    ]
    tables = [excel.Table(_("Nyckeltal"), [_("Nyckeltal"), _("Värde"), _("Enhet")], figures, {1: "0.0"})]
    if stats.regions:
        regions = [
            [r.region, HIDDEN if r.started is None else r.started, HIDDEN if r.exited is None else r.exited]
            for r in stats.regions
        ]
        tables.append(
            excel.Table(
                _("Per region"),
                [_("Region"), _("Påbörjade"), _("Avslutade")],
                regions,
                {1: excel.COUNT_FORMAT, 2: excel.COUNT_FORMAT},
            )
        )
    heading = [title]
    if stats.suppressed:
        heading.append(_("Antal 1–4 och uppgifter som skulle röja dem är dolda (–)."))
    sheets.insert(0, excel.Sheet(title=_("Nyckeltal"), heading=heading, tables=tables, widths=[44, 14, 10]))
    if economy is not None:
        sheets.append(_cost_sheet(economy))
    return excel.workbook(sheets, title=title)


@page_access(Capability.STATISTICS_VIEW, scoped="association_id")
def association_statistics(request: HttpRequest, association_id: int) -> HttpResponse:
    stats = statistics.association_statistics(
        user=request.user, association_id=association_id, year=requested_year(request)
    )
    economy = economics.association_economy(user=request.user, association_id=association_id, year=stats.year)
    return render(request, "statistics/statistics.html", {**_context(stats), "economy": economy})


@page_access(Capability.STATISTICS_VIEW, scoped="association_id")
def association_statistics_excel(request: HttpRequest, association_id: int) -> HttpResponse:
    stats = statistics.association_statistics(
        user=request.user, association_id=association_id, year=requested_year(request)
    )
    assert stats.association is not None
    title = _("Statistik %(year)s – %(name)s") % {"year": stats.year, "name": stats.association.name}
    economy = economics.association_economy(user=request.user, association_id=association_id, year=stats.year)
    return excel.xlsx_response(_workbook(stats, title, economy), filename=f"statistik-{stats.year}")


@page_access(Capability.STATISTICS_NATIONAL)
def national_statistics(request: HttpRequest) -> HttpResponse:
    stats = statistics.national_statistics(user=request.user, year=requested_year(request))
    return render(request, "statistics/statistics.html", _context(stats))


@page_access(Capability.STATISTICS_NATIONAL)
def national_statistics_excel(request: HttpRequest) -> HttpResponse:
    stats = statistics.national_statistics(user=request.user, year=requested_year(request))
    title = _("Nationell statistik %(year)s") % {"year": stats.year}
    return excel.xlsx_response(_workbook(stats, title), filename=f"nationell-statistik-{stats.year}")
