"""The national report pages and their exports (Excel and CSV). The figures come from `national_report`
(derived from the detailed data, participant counts suppressed); the views only lay them out.

CSV: UTF-8 with a byte order mark, fields separated by semicolons and numbers written with a decimal comma
and no thousands separator. That is what a Swedish Excel reads as numbers when the file is opened with a
double click (its list separator is the semicolon and its decimal separator the comma); the byte order mark
makes it read å, ä and ö as UTF-8. docs/national-report.md describes the columns.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from finsam.core.access import scope_for
from finsam.core.decorators import page_access
from finsam.core.roles import Capability
from finsam.core.suppression import Cell
from finsam.reports import csvfile, excel
from finsam.reports.pdf import safe_filename
from finsam.statistics import national_report
from finsam.statistics.national_report import MEASURES, NationalReport, ReportRow

HIDDEN = "–"
YES, NO = "ja", "nej"

CSV_HEADERS = (
    "år",
    "förbund_id",
    "organisationsnummer",
    "förbund",
    "avsnitt",
    "post",
    "benämning",
    "insats_id",
    "inriktning",
    "målgrupp",
    "mått",
    "måttets_namn",
    "värde",
    "enhet",
    "dold",
)


def _year(request: HttpRequest) -> int:
    """The year asked for (?ar=), or the year the report is due for; nonsense falls back to the latter."""
    try:
        year = int(request.GET.get("ar", ""))
    except ValueError:
        return national_report.default_year()
    if not national_report.FIRST_YEAR <= year <= timezone.localdate().year:
        return national_report.default_year()
    return year


def _years(year: int) -> list[int]:
    years = national_report.years()
    return years if year in years else sorted({*years, year}, reverse=True)


# --- pages --------------------------------------------------------------------------------------------


@page_access(Capability.NATIONAL_REPORT, scoped="association_id")
def association_report(request: HttpRequest, association_id: int) -> HttpResponse:
    year = _year(request)
    report = national_report.national_report(user=request.user, association_id=association_id, year=year)
    return render(
        request,
        "statistics/national_report.html",
        {
            "report": report,
            "year": year,
            "years": _years(year),
            "hidden_text": str(national_report.SUPPRESSED_TEXT),
            "national": scope_for(request.user, Capability.GOVERNANCE_NATIONAL).all,
        },
    )


@page_access(Capability.GOVERNANCE_NATIONAL)
def national(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    reports = national_report.national_reports(user=request.user, year=year)
    readable = scope_for(request.user, Capability.NATIONAL_REPORT)
    return render(
        request,
        "statistics/national_report_national.html",
        {
            "reports": [(report, readable.allows(report.association.pk)) for report in reports],
            "total": national_report.national_total(reports),
            "year": year,
            "years": _years(year),
            "hidden_text": str(national_report.SUPPRESSED_TEXT),
        },
    )


# --- exports ------------------------------------------------------------------------------------------


@page_access(Capability.NATIONAL_REPORT, scoped="association_id")
def association_excel(request: HttpRequest, association_id: int) -> HttpResponse:
    year = _year(request)
    report = national_report.national_report(user=request.user, association_id=association_id, year=year)
    title = _("Nationell rapport %(year)s – %(name)s") % {"year": year, "name": report.association.name}
    sheets = [_report_sheet(report, title), _data_sheet(national_report.rows(report), title)]
    return excel.xlsx_response(excel.workbook(sheets, title=title), filename=_filename(report))


@page_access(Capability.NATIONAL_REPORT, scoped="association_id")
def association_csv(request: HttpRequest, association_id: int) -> HttpResponse:
    year = _year(request)
    report = national_report.national_report(user=request.user, association_id=association_id, year=year)
    return _csv_response(national_report.rows(report), _filename(report))


@page_access(Capability.GOVERNANCE_NATIONAL)
def national_excel(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    reports = national_report.national_reports(user=request.user, year=year)
    title = _("Nationell rapport %(year)s – alla förbund") % {"year": year}
    rows = [row for report in reports for row in national_report.rows(report)]
    sheets = [_summary_sheet(reports, title), _data_sheet(rows, title)]
    return excel.xlsx_response(excel.workbook(sheets, title=title), filename=f"nationell-rapport-{year}")


@page_access(Capability.GOVERNANCE_NATIONAL)
def national_csv(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    reports = national_report.national_reports(user=request.user, year=year)
    rows = [row for report in reports for row in national_report.rows(report)]
    return _csv_response(rows, f"nationell-rapport-{year}")


def _filename(report: NationalReport) -> str:
    return f"nationell-rapport-{report.year}-{safe_filename(report.association.name)}"


# --- CSV ----------------------------------------------------------------------------------------------


def csv_number(value: int | Decimal | None) -> str:
    """12 → "12", Decimal("1234.50") → "1234,50" (decimal comma, no grouping), None → ""."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value)


def _csv_fields(row: ReportRow) -> list[str]:
    return [
        str(row.year),
        str(row.association_id),
        row.org_number,
        csvfile.text(row.association),
        row.section,
        row.item,
        csvfile.text(row.label),
        "" if row.intervention_id is None else str(row.intervention_id),
        row.focus,
        csvfile.text(row.target_group),
        row.measure,
        str(MEASURES.get(row.measure, row.measure)),
        csv_number(row.value),
        row.unit,
        YES if row.suppressed else NO,
    ]


def _csv_response(rows: Sequence[ReportRow], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csvfile.writer(buffer, delimiter=";")
    writer.writerow(CSV_HEADERS)
    writer.writerows(_csv_fields(row) for row in rows)
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}.csv"'
    return response


# --- Excel --------------------------------------------------------------------------------------------


def _shown(cell: Cell | None) -> excel.Cell:
    if cell is None:
        return None
    return HIDDEN if cell.suppressed else cell.value


def _data_sheet(rows: Sequence[ReportRow], title: str) -> excel.Sheet:
    """The rows as open data: one figure per row, a hidden figure empty with "ja" under "dold"."""
    data: list[list[excel.Cell]] = [
        [
            row.year,
            row.association_id,
            row.org_number,
            row.association,
            row.section,
            row.item,
            row.label,
            row.intervention_id,
            row.focus,
            row.target_group,
            row.measure,
            str(MEASURES.get(row.measure, row.measure)),
            row.value,
            row.unit,
            YES if row.suppressed else NO,
        ]
        for row in rows
    ]
    table = excel.Table(_("Data"), CSV_HEADERS, data, {12: "General"})
    return excel.Sheet(
        title=_("Data"),
        heading=[
            title,
            _("En rad per förbund och uppgift. Dolda antal är tomma och markerade med ja under dold."),
        ],
        tables=[table],
        widths=[6, 10, 14, 36, 14, 24, 36, 9, 20, 30, 24, 24, 16, 7, 6],
    )


def _report_sheet(report: NationalReport, title: str) -> excel.Sheet:
    money = excel.MONEY_FORMAT
    tables: list[excel.Table] = []
    if report.has_budget and report.equity is not None:
        tables.append(
            excel.Table(
                _("Tilldelade medel, kr"),
                [_("Medlem"), _("Tilldelat"), _("Inbetalt")],
                [[line.label, line.allocated, line.received] for line in report.funds],
                {1: money, 2: money},
                total=[_("Summa (budgetram)"), report.frame, report.received],
            )
        )
        equity = report.equity
        tables.append(
            excel.Table(
                _("Eget kapital, kr") if report.closed else _("Eget kapital (prognos), kr"),
                [_("Post"), _("Belopp")],
                [
                    [str(MEASURES["opening"]), equity.opening],
                    [str(MEASURES["result"]), equity.result],
                    [str(MEASURES["closing"]), equity.closing],
                    [str(MEASURES["share_of_contributions"]) + " (%)", equity.share_percent],
                    [str(MEASURES["reference_level"]) + " (%)", equity.reference_percent],
                ],
                {1: money},
            )
        )
        costs = [report.administration, report.intervention_costs]
        tables.append(
            excel.Table(
                _("Budget och utfall, kr"),
                [_("Post"), _("Budget"), _("Utfall")],
                [[line.label, line.budget, line.actual] for line in costs if line is not None]
                + [
                    [
                        _("Insats utan registrering: %(label)s") % {"label": line.label},
                        line.budget,
                        line.actual,
                    ]
                    for line in report.unregistered
                ],
                {1: money, 2: money},
            )
        )
    tables.append(
        excel.Table(
            _("Insatser"),
            [
                _("Insats"),
                _("Inriktning"),
                _("Målgrupp"),
                _("Planerade deltagare"),
                _("Budget, kr"),
                _("Utfall, kr"),
            ],
            [
                [
                    line.name,
                    line.focus,
                    line.target_group,
                    line.planned,
                    line.budget,
                    line.actual,
                ]
                for line in report.interventions
            ],
            {3: excel.COUNT_FORMAT, 4: money, 5: money},
        )
    )
    if report.participants is not None:
        tables.append(
            excel.Table(
                _("Deltagare i individinriktade insatser under året"),
                [_("Insats"), _("Kvinnor"), _("Män"), _("Totalt")],
                [
                    [line.name, _shown(line.women), _shown(line.men), _shown(line.participants)]
                    for line in report.individual
                ],
                {1: excel.COUNT_FORMAT, 2: excel.COUNT_FORMAT, 3: excel.COUNT_FORMAT},
                total=[
                    _("Summa"),
                    _shown(report.participants_total("woman")),
                    _shown(report.participants_total("man")),
                    _shown(report.participants_total()),
                ],
            )
        )
    if report.people_trained is not None:
        tables.append(
            excel.Table(
                _("Strukturövergripande insatser"),
                [_("Insats"), _("Utbildade personer"), _("Nådd personal")],
                [
                    [line.name, _shown(line.people_trained), _shown(line.staff_reached)]
                    for line in report.structural
                ],
                {1: excel.COUNT_FORMAT, 2: excel.COUNT_FORMAT},
                total=[_("Summa"), _shown(report.trained_total()), _shown(report.reached_total())],
            )
        )
    heading = [title, _("Antal 1–4 och antal som skulle röja dem är dolda (–).")]
    if not report.has_budget:
        heading.append(_("Förbundet har ingen budget för året."))
    return excel.Sheet(
        title=_("Nationell rapport"), heading=heading, tables=tables, widths=[44, 20, 30, 14, 16, 16]
    )


def _summary_sheet(reports: Sequence[NationalReport], title: str) -> excel.Sheet:
    money = excel.MONEY_FORMAT
    data: list[list[excel.Cell]] = []
    for report in reports:
        equity = report.equity
        admin, spent = report.administration, report.intervention_costs
        data.append(
            [
                report.association.name,
                report.frame,
                report.received,
                None if equity is None else equity.closing,
                None if equity is None else equity.share_percent,
                None if admin is None else admin.budget,
                None if admin is None else admin.actual,
                None if spent is None else spent.budget,
                None if spent is None else spent.actual,
                _shown(report.participants_total("woman")),
                _shown(report.participants_total("man")),
                _shown(report.participants_total()),
                _shown(report.trained_total()),
                _shown(report.reached_total()),
            ]
        )
    formats = (
        {i: money for i in range(1, 9)}
        | {4: excel.PERCENT_FORMAT}
        | {i: excel.COUNT_FORMAT for i in range(9, 14)}
    )
    return excel.Sheet(
        title=_("Förbund"),
        heading=[title, _("Antal 1–4 och antal som skulle röja dem är dolda (–).")],
        tables=[excel.Table(_("Per förbund"), _summary_headers(), data, formats)],
        widths=[40, *[16] * 13],
    )


def _summary_headers() -> list[str]:
    return [
        _("Förbund"),
        _("Budgetram, kr"),
        _("Inbetalt, kr"),
        _("Utgående eget kapital, kr"),
        _("Eget kapital, andel av bidrag (%)"),
        _("Administration, budget"),
        _("Administration, utfall"),
        _("Insatser, budget"),
        _("Insatser, utfall"),
        _("Deltagare, kvinnor"),
        _("Deltagare, män"),
        _("Deltagare, totalt"),
        _("Utbildade personer"),
        _("Nådd personal"),
    ]
