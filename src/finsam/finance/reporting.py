"""The budget-and-outcome report in its three forms (page, PDF, Excel) and the contribution letter.

Only presentation: the figures come from `selectors.budget_report`; this module arranges them for the
shared template (finance/report/_body.html), the chart and the workbook.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from finsam.core.money import format_tkr
from finsam.finance import rules
from finsam.finance.models import Contribution
from finsam.finance.selectors import BudgetReport
from finsam.finance.templatetags import finance_format
from finsam.registry.schemas import PartyKind
from finsam.reports import charts, excel

STATUS_CLASS = {rules.WITHIN: "ok", rules.ABOVE: "warning", rules.NEGATIVE: "error", rules.UNKNOWN: "neutral"}


def chart(data: BudgetReport) -> charts.BarChart:
    """Budget against outcome per line, in tkr."""
    lines = data.lines
    outcome_name = _("Utfall")
    return charts.grouped_bar_chart(
        chart_id=f"budget-chart-{data.budget.pk}",
        title=_("Budget och utfall %(year)s per post, tkr") % {"year": data.budget.year},
        description=_(
            "Liggande stapeldiagram med budget och utfall i tusental kronor för varje post i %(name)s "
            "budget %(year)s. Samma siffror finns i tabellen Budget och utfall per post."
        )
        % {"name": data.association.name, "year": data.budget.year},
        categories=[line.title for line in lines],
        series=[
            (_("Budget"), [line.amount for line in lines]),
            *([(outcome_name, [line.actual for line in lines])] if data.has_outcome else []),
        ],
        format_value=format_tkr,
    )


def equity_text(status: str) -> str:
    return finance_format.equity_text(status)


def _basis(contribution: Contribution, group_size: int) -> str:
    """What the member's contribution was computed from, in a few words."""
    kind = contribution.member.kind
    if contribution.percent is not None:
        text = f"{contribution.percent.normalize():f}".replace(".", ",")
        return f"{text} %"
    if contribution.population is not None and kind in (PartyKind.MUNICIPALITY, PartyKind.REGION):
        return _("%(population)s inv.") % {"population": finance_format.count(contribution.population)}
    if kind == PartyKind.FK:
        return _("hälften")
    if kind == PartyKind.AF:
        return _("ingår i FK:s del")
    return _("lika delar") if group_size > 1 else _("en fjärdedel")


def _bases(data: BudgetReport) -> dict[int, str]:
    sizes: dict[str, int] = {}
    for c in data.contributions:
        sizes[c.member.kind] = sizes.get(c.member.kind, 0) + 1
    return {c.pk: _basis(c, sizes[c.member.kind]) for c in data.contributions}


def report_context(data: BudgetReport, *, request: HttpRequest | None = None) -> dict[str, Any]:
    bases = _bases(data)
    return {
        "report": data,
        "budget": data.budget,
        "association": data.association,
        "chart": chart(data).svg() if data.lines else None,
        "equity_status_text": equity_text(data.equity.status),
        "equity_status_class": STATUS_CLASS.get(data.equity.status, "neutral"),
        "contribution_rows": [(c, bases[c.pk]) for c in data.contributions],
        "key_text": _key_text(data),
    }


def _key_text(data: BudgetReport) -> str:
    charter = data.budget.charter
    return _(
        "Försäkringskassan bidrar med hälften (och täcker Arbetsförmedlingens del), regionen med en "
        "fjärdedel och kommunerna tillsammans med en fjärdedel (lag 2003:1210, 5 §). Kommunernas del "
        "fördelas %(key)s enligt förbundsordningen version %(version)s; folkmängd per 31 december "
        "%(population_year)s."
    ) % {
        "key": str(charter.get_municipal_key_display()).lower(),
        "version": charter.version,
        "population_year": data.budget.population_year,
    }


def letter_context(data: BudgetReport, contribution: Contribution) -> dict[str, Any]:
    context = report_context(data)
    context.update(
        {
            "contribution": contribution,
            "basis": _bases(data)[contribution.pk],
            "share_of_group": _share_of_group(data, contribution),
        }
    )
    return context


def _share_of_group(data: BudgetReport, contribution: Contribution) -> Decimal | None:
    """The member's share of its group's part, in per cent to one decimal (municipalities, regions)."""
    group = [c for c in data.contributions if c.member.kind == contribution.member.kind]
    total = sum((c.amount for c in group), Decimal(0))
    if contribution.member.kind not in (PartyKind.MUNICIPALITY, PartyKind.REGION) or total == 0:
        return None
    return (contribution.amount * 100 / total).quantize(Decimal("0.1"))


def workbook_response(data: BudgetReport) -> HttpResponse:
    budget, association = data.budget, data.association
    heading = [
        association.name,
        f"Organisationsnummer {association.org_number}",
        f"Budget och utfall {budget.year} – {budget.get_status_display().lower()}"
        + (f", fastställd {budget.adopted_on:%Y-%m-%d}" if budget.adopted_on else ""),
        f"Utskrivet {data.generated:%Y-%m-%d}",
    ]
    money = {1: excel.MONEY_FORMAT, 2: excel.MONEY_FORMAT, 3: excel.MONEY_FORMAT}
    line_rows: list[list[excel.Cell]] = []
    for group in data.groups:
        for line in group.lines:
            line_rows.append([f"{group.title}: {line.title}", line.amount, line.actual, line.deviation])
    costs = excel.Table(
        caption="Kostnader per post",
        headers=["Post", "Budget, kr", "Utfall, kr", "Avvikelse, kr"],
        rows=line_rows,
        formats=money,
        total=[
            "Summa kostnader",
            data.totals.costs,
            data.totals.actual if data.has_outcome else None,
            (data.totals.actual - data.totals.costs) if data.has_outcome else None,
        ],
    )
    summary = excel.Table(
        caption="Resultat",
        headers=["", "Budget, kr", "Utfall, kr"],
        rows=[
            ["Medlemmarnas bidrag", data.totals.frame, data.totals.received if data.has_outcome else None],
            ["Kostnader", data.totals.costs, data.totals.actual if data.has_outcome else None],
        ],
        formats={1: excel.MONEY_FORMAT, 2: excel.MONEY_FORMAT},
        total=[
            "Årets resultat",
            data.totals.budget_result,
            data.totals.outcome_result if data.has_outcome else None,
        ],
    )
    bases = _bases(data)
    contributions = excel.Table(
        caption="Bidrag per medlem (R-SHARES)",
        headers=["Medlem", "Underlag", "Bidrag, kr", "Inbetalt, kr"],
        rows=[[c.member.name, bases[c.pk], c.amount, c.received] for c in data.contributions],
        formats={2: excel.MONEY_FORMAT, 3: excel.MONEY_FORMAT},
        total=["Summa", "", data.totals.frame, data.totals.received if data.has_outcome else None],
    )
    equity = data.equity
    equity_table = excel.Table(
        caption="Eget kapital",
        headers=["", "Belopp, kr"],
        rows=[
            ["Ingående eget kapital", equity.opening],
            ["Årets resultat", equity.result],
            ["Utgående eget kapital", equity.closing],
            ["Andel av årets bidrag, %", equity.share_percent],
            ["Referensnivå, %", equity.reference_percent],
            ["Bedömning", equity_text(equity.status)],
        ],
        formats={1: excel.MONEY_FORMAT},
    )
    sheets = [
        excel.Sheet(
            title=f"Budget och utfall {budget.year}",
            heading=heading,
            tables=[summary, costs, equity_table],
            widths=[46, 18, 18, 18],
        ),
        excel.Sheet(title="Bidrag", heading=heading[:3], tables=[contributions], widths=[36, 18, 18, 18]),
    ]
    data_bytes = excel.workbook(sheets, title=f"{association.name} – budget och utfall {budget.year}")
    return excel.xlsx_response(data_bytes, filename=f"{association.name} budget {budget.year}")
