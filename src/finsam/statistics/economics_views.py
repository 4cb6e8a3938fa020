"""The socio-economic estimate and cost per participant of a förbund: a page with the table, a chart of public
support before and after, the assumptions written beside them, and the same as an Excel workbook. The
figures come from `economics`; the views lay them out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from finsam.core.decorators import page_access
from finsam.core.money import format_kr
from finsam.core.roles import Capability
from finsam.reports import charts, excel
from finsam.statistics import economics
from finsam.statistics import outcomes as statistics
from finsam.statistics.views import requested_year


def _economy(request: HttpRequest, association_id: int) -> tuple[economics.Economy, str | None]:
    yearly_cost, problem = economics.yearly_cost_from(request.GET.get("kostnad"))
    economy = economics.association_economy(
        user=request.user,
        association_id=association_id,
        year=requested_year(request),
        yearly_cost=yearly_cost,
    )
    return economy, problem


def _fye(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def assumptions(economy: economics.Economy) -> list[str]:
    """The assumptions of the estimate, in the words the page and the workbook show beside it."""
    return [
        _(
            "Uppskattningen gäller deltaganden som avslutades under %(year)s; deltaganden som avslutats som "
            "felregistrerade räknas inte."
        )
        % {"year": economy.year},
        _(
            "Offentlig försörjning är: %(sources)s. Lön, lön i subventionerad anställning, studiemedel och "
            "annan försörjning räknas inte."
        )
        % {"sources": ", ".join(label.lower() for label in economy.public_support_labels)},
        _(
            "En deltagares offentliga försörjning är summan av omfattningen av dessa källor, högst 100 %; "
            "100 % under ett år är en helårsekvivalent."
        ),
        _("En helårsekvivalent värderas till %(cost)s per år.") % {"cost": format_kr(economy.yearly_cost)},
        _(
            "Förändringen antas bestå i ett år efter avslutet. Den visar skillnaden före och efter, inte "
            "insatsens effekt: det finns ingen jämförelsegrupp."
        ),
        _(
            "Insatsens kostnad är årets utfall för insatsens budgetposter, eller budgeten när utfallet "
            "saknas. Kostnad per deltagare är kostnaden delad med antalet personer som deltog någon gång "
            "under året."
        ),
    ]


def _chart(economy: economics.Economy) -> charts.BarChart:
    return charts.grouped_bar_chart(
        chart_id="chart-support",
        title=_("Offentlig försörjning före och efter, helårsekvivalenter"),
        description=_(
            "Liggande stapeldiagram: helårsekvivalenter av offentlig försörjning före och efter per insats. "
            "Samma siffror finns i tabellen ovanför."
        ),
        categories=[row.name for row in economy.rows],
        series=[
            (_("Före"), [row.estimate.before for row in economy.rows]),
            (_("Efter"), [row.estimate.after for row in economy.rows]),
        ],
        format_value=_fye,
    )


@page_access(Capability.STATISTICS_VIEW, scoped="association_id")
def association_economy(request: HttpRequest, association_id: int) -> HttpResponse:
    economy, problem = _economy(request, association_id)
    context: dict[str, Any] = {
        "economy": economy,
        "assumptions": assumptions(economy),
        "chart": _chart(economy) if economy.rows else None,
        "years": statistics.years(),
        "problem": problem,
        "cost_input": request.GET.get("kostnad", "") if problem is None else "",
    }
    return render(request, "statistics/economy.html", context)


def _row(name: str, participants: int, source: str, estimate: Any, per_participant: Any) -> list[excel.Cell]:
    return [
        name,
        participants,
        estimate.cost,
        source,
        per_participant,
        estimate.participations,
        estimate.before,
        estimate.after,
        estimate.change,
        estimate.value,
        estimate.ratio,
        estimate.payback_years,
    ]


@page_access(Capability.STATISTICS_VIEW, scoped="association_id")
def association_economy_excel(request: HttpRequest, association_id: int) -> HttpResponse:
    economy, _problem = _economy(request, association_id)
    title = _("Kostnad per deltagare och samhällsekonomisk uppskattning %(year)s – %(name)s") % {
        "year": economy.year,
        "name": economy.association.name,
    }
    headers = [
        _("Insats"),
        _("Deltagare under året"),
        _("Kostnad (kr)"),
        _("Kostnadens källa"),
        _("Kostnad per deltagare (kr)"),
        _("Avslutade deltaganden"),
        _("Offentlig försörjning före (helårsekv.)"),
        _("Offentlig försörjning efter (helårsekv.)"),
        _("Minskning (helårsekv.)"),
        _("Minskad offentlig försörjning per år (kr)"),
        _("Kronor per kostnadskrona"),
        _("Återbetalningstid (år)"),
    ]
    formats = {
        1: excel.COUNT_FORMAT,
        2: excel.MONEY_FORMAT,
        4: excel.COUNT_FORMAT,
        5: excel.COUNT_FORMAT,
        6: "0.00",
        7: "0.00",
        8: "0.00",
        9: excel.MONEY_FORMAT,
        10: "0.00",
        11: "0.0",
    }
    rows = [
        _row(row.name, row.participants, row.cost_source_label, row.estimate, row.cost_per_participant)
        for row in economy.rows
    ]
    total = _row(_("Förbundet"), economy.participants, "", economy.total, economy.cost_per_participant)
    sheets = [
        excel.Sheet(
            title=_("Uppskattning"),
            heading=[title],
            tables=[excel.Table(_("Per insats"), headers, rows, formats, total=total)],
            widths=[40, *[16] * (len(headers) - 1)],
        ),
        excel.Sheet(
            title=_("Antaganden"),
            heading=[_("Antaganden")],
            tables=[
                excel.Table(_("Antaganden"), [_("Antagande")], [[text] for text in assumptions(economy)])
            ],
            widths=[120],
        ),
    ]
    return excel.xlsx_response(
        excel.workbook(sheets, title=title), filename=f"samhallsekonomi-{economy.year}"
    )
