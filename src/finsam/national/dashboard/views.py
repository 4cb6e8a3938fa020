"""The national dashboard's pages: one page of charts, each followed by its table, and the same tables as
an Excel workbook."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finsam.core.decorators import page_access
from finsam.core.money import format_tkr
from finsam.core.roles import Capability
from finsam.national.allocation import selectors as allocation_selectors
from finsam.national.dashboard import selectors
from finsam.reports import charts, excel

FIRST_DAY = date(2004, 1, 1)
EQUITY_STATUS = {
    "above": gettext_lazy("Över"),
    "within": gettext_lazy("Inom"),
    "negative": gettext_lazy("Negativt"),
}  # finansiell samordning began in 2004


class DashboardFilter(forms.Form):
    datum = forms.DateField(
        label=gettext_lazy("Täckning per dag"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "text-field__input"}),
        error_messages={"invalid": gettext_lazy("Ange ett datum som ÅÅÅÅ-MM-DD.")},
    )
    ar = forms.TypedChoiceField(label=gettext_lazy("År"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["ar"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [(y, str(y)) for y in selectors.years()]
        self.fields["ar"].widget.attrs["class"] = "select-field__select"

    def clean_datum(self) -> date | None:
        day: date | None = self.cleaned_data.get("datum")
        if day is not None and not FIRST_DAY <= day <= date(2100, 12, 31):
            raise forms.ValidationError(_("Ange ett datum mellan 2004-01-01 och 2100-12-31."))
        return day


def allocation_inputs(year: int) -> tuple[Decimal | None, dict[int, Decimal] | None]:
    """The recommended equity level (percent) and the decided state allocations per förbund of `year`
    (None when the year has no decision: the page then hides the column)."""
    decided = allocation_selectors.decided_allocations(year=year)
    allocations = {row.association_id: row.amount for row in decided} if decided else None
    return allocation_selectors.recommended_equity_level(year), allocations


def _board(request: HttpRequest, day: date, year: int) -> selectors.Dashboard:
    equity_level, allocations = allocation_inputs(year)
    return selectors.dashboard(
        user=request.user, day=day, year=year, equity_level=equity_level, allocations=allocations
    )


def _filters(request: HttpRequest) -> tuple[DashboardFilter, date, int]:
    form = DashboardFilter(request.GET or None)
    today = selectors.today()
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["datum"] or today, form.cleaned_data["ar"] or today.year
    return form, today, today.year


def _count(value: Decimal) -> str:
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.1f}".replace(".", ",")


def _percent(value: Decimal) -> str:
    return f"{value:.0f} %" if value == value.to_integral_value() else f"{value:.1f} %".replace(".", ",")


def _charts(board: selectors.Dashboard) -> dict[str, charts.BarChart]:
    coverage = board.coverage
    finance = board.finance
    followup = board.followup
    result = {
        "coverage": charts.grouped_bar_chart(
            chart_id="chart-coverage",
            title=_("Kommuner i samordningsförbund per län %(day)s") % {"day": coverage.day.isoformat()},
            description=_(
                "Liggande stapeldiagram: per län antalet kommuner i förbund och antalet utanför. Samma "
                "siffror finns i tabellen under diagrammet."
            ),
            categories=[c.name for c in coverage.counties],
            series=[
                (_("I förbund"), [Decimal(c.covered) for c in coverage.counties]),
                (_("Utanför"), [Decimal(c.outside) for c in coverage.counties]),
            ],
            format_value=_count,
            integer=True,
        ),
        "kinds": charts.grouped_bar_chart(
            chart_id="chart-kinds",
            title=_("Medlemmarnas bidrag %(year)s per slag av medlem") % {"year": finance.year},
            description=_(
                "Liggande stapeldiagram: summan av bidragen i fastställda budgetar, i tusen kronor. Samma "
                "siffror finns i tabellen under diagrammet."
            ),
            categories=[row.label for row in finance.kinds],
            series=[(_("Bidrag (tkr)"), [row.amount for row in finance.kinds])],
            format_value=format_tkr,
        ),
        "equity": charts.grouped_bar_chart(
            chart_id="chart-equity",
            title=_("Eget kapital som andel av årets bidrag"),
            description=_(
                "Liggande stapeldiagram: varje förbunds eget kapital vid senast stängda år, i procent av "
                "det årets bidrag. Samma siffror finns i tabellen under diagrammet."
            ),
            categories=[row.name for row in finance.associations],
            series=[(_("Andel (%)"), [row.equity_share_percent for row in finance.associations])],
            format_value=_percent,
        ),
        "trend": charts.grouped_bar_chart(
            chart_id="chart-trend",
            title=_("Deltaganden per år i hela landet"),
            description=_(
                "Liggande stapeldiagram: påbörjade och avslutade deltaganden per år. Dolda uppgifter visas "
                "som ett streck. Samma siffror finns i tabellen under diagrammet."
            ),
            categories=[str(y.year) for y in followup.trend],
            series=[
                (_("Påbörjade"), [None if y.started is None else Decimal(y.started) for y in followup.trend]),
                (_("Avslutade"), [None if y.exited is None else Decimal(y.exited) for y in followup.trend]),
            ],
            format_value=_count,
            integer=True,
        ),
    }
    return result


def _context(form: DashboardFilter, board: selectors.Dashboard | None) -> dict[str, Any]:
    chosen = board.year if board is not None else None
    if chosen is None:
        raw = form.data.get("ar", "")
        chosen = int(raw) if isinstance(raw, str) and raw.isdigit() else selectors.today().year
    return {
        "form": form,
        "chosen_year": chosen,
        "board": board,
        "charts": _charts(board) if board is not None else {},
    }


@page_access(Capability.NATIONAL_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    form, day, year = _filters(request)
    if form.is_bound and not form.is_valid():
        return render(request, "national/dashboard/dashboard.html", _context(form, None), status=400)
    board = _board(request, day, year)
    return render(request, "national/dashboard/dashboard.html", _context(form, board))


# --- Excel ------------------------------------------------------------------------------------------


def _hidden(value: int | None) -> excel.Cell:
    return "–" if value is None else value


def _sheets(board: selectors.Dashboard) -> list[excel.Sheet]:
    coverage, finance, followup, compliance = board.coverage, board.finance, board.followup, board.compliance
    day = coverage.day.isoformat()
    counties = excel.Table(
        _("Kommuner och regioner i förbund per län %(day)s") % {"day": day},
        [_("Länskod"), _("Län"), _("Kommuner"), _("I förbund"), _("Andel (%)"), _("Region i förbund")],
        [
            [
                c.code,
                c.name,
                c.municipalities,
                c.covered,
                c.share_percent,
                _("Ja") if c.region_covered else _("Nej"),
            ]
            for c in coverage.counties
        ],
        {2: excel.COUNT_FORMAT, 3: excel.COUNT_FORMAT, 4: excel.PERCENT_FORMAT},
        total=[
            "",
            _("Hela landet"),
            coverage.municipalities_total,
            coverage.municipalities_covered,
            coverage.municipalities_share_percent,
            f"{coverage.regions_covered} / {coverage.regions_total}",
        ],
    )
    outside = excel.Table(
        _("Kommuner utanför förbund"),
        [_("Kommunkod"), _("Kommun"), _("Län")],
        [[m.code, m.name, m.county_name] for m in coverage.outside_municipalities],
    )
    outside_regions = excel.Table(
        _("Regioner utanför förbund"),
        [_("Länskod"), _("Region")],
        [[c.code, c.region_name] for c in coverage.outside_regions],
    )
    kinds = excel.Table(
        _("Medlemmarnas bidrag %(year)s per slag av medlem (fastställda budgetar)") % {"year": finance.year},
        [_("Medlemmar"), _("Bidrag (kr)"), _("Andel (%)")],
        [[k.label, k.amount, k.share_percent] for k in finance.kinds],
        {1: excel.MONEY_FORMAT, 2: excel.PERCENT_FORMAT},
        total=[_("Totalt"), finance.total, None],
    )
    headers = [
        _("Förbund"),
        _("Bidrag %(year)s (kr)") % {"year": finance.year},
        _("Eget kapital (kr)"),
        _("Avser år"),
        _("Andel av årets bidrag (%)"),
    ]
    rows: list[list[excel.Cell]] = [
        [r.name, r.contributions, r.equity, r.equity_year, r.equity_share_percent]
        for r in finance.associations
    ]
    formats = {1: excel.MONEY_FORMAT, 2: excel.MONEY_FORMAT, 4: excel.PERCENT_FORMAT}
    if finance.equity_level is not None:
        headers.append(_("Mot rekommenderad nivå (%(level)s %%)") % {"level": finance.equity_level})
        for row, r in zip(rows, finance.associations, strict=True):
            row.append(str(EQUITY_STATUS.get(r.equity_status, "–")))
    if finance.allocation_total is not None:
        formats[len(headers)] = excel.MONEY_FORMAT
        headers.append(_("Statens medel (kr)"))
        for row, r in zip(rows, finance.associations, strict=True):
            row.append(r.allocation)
    associations = excel.Table(_("Bidrag och eget kapital per förbund"), headers, rows, formats)
    trend = excel.Table(
        _("Deltaganden per år i hela landet"),
        [_("År"), _("Påbörjade"), _("Avslutade")],
        [[str(y.year), _hidden(y.started), _hidden(y.exited)] for y in followup.trend],
        {1: excel.COUNT_FORMAT, 2: excel.COUNT_FORMAT},
    )
    per_association = excel.Table(
        _("Deltaganden %(year)s per förbund") % {"year": followup.year},
        [_("Förbund"), _("Påbörjade"), _("Avslutade")],
        [[a.name, _hidden(a.started), _hidden(a.exited)] for a in followup.associations],
        {1: excel.COUNT_FORMAT, 2: excel.COUNT_FORMAT},
    )
    obligations = excel.Table(
        _("Efterlevnad %(year)s per förbund") % {"year": compliance.year},
        [_("Förbund"), *[title for _o, title in compliance.obligations], _("Styrelsen komplett")],
        [
            [
                row.name,
                *[cell.status_label if cell else "–" for cell in row.cells],
                "–" if row.board_complete is None else (_("Ja") if row.board_complete else _("Nej")),
            ]
            for row in compliance.rows
        ],
    )
    heading = [_("Nationell översikt"), _("Täckning %(day)s, år %(year)s") % {"day": day, "year": board.year}]
    return [
        excel.Sheet(
            _("Täckning"), heading, [counties, outside_regions, outside], widths=[12, 40, 12, 12, 12, 18]
        ),
        excel.Sheet(_("Ekonomi"), heading, [kinds, associations], widths=[44, 18, 18, 10, 14]),
        excel.Sheet(
            _("Uppföljning"),
            [*heading, _("Antal 1–4 och uppgifter som skulle röja dem är dolda (–).")],
            [trend, per_association],
            widths=[44, 14, 14],
        ),
        excel.Sheet(_("Efterlevnad"), heading, [obligations], widths=[44, 24, 24, 24, 18]),
    ]


@page_access(Capability.NATIONAL_DASHBOARD)
def dashboard_excel(request: HttpRequest) -> HttpResponse:
    _form, day, year = _filters(request)
    board = _board(request, day, year)
    return excel.xlsx_response(
        excel.workbook(_sheets(board), title=_("Nationell översikt")),
        filename=f"nationell-oversikt-{year}-{day.isoformat()}",
    )
