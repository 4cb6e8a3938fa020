"""Template filters of the finance pages: amounts to the öre, signed deviations, percentages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext_lazy as _

from finsam.core import money
from finsam.finance import rules, selectors
from finsam.finance.models import Budget, BudgetStatus

register = template.Library()


@register.filter
def kr_ore(value: Decimal | int | None) -> str:
    """1 234 567,89 kr: exact to the öre, for contributions and calculator results."""
    return money.format_kr(value, decimals=True)


@register.filter
def signed_kr(value: Decimal | int | None) -> str:
    """+12 000 kr / −3 500 kr: a deviation, with its sign also when positive."""
    if value is None:
        return "–"
    text = money.format_kr(value)
    return "+" + text if Decimal(value) > 0 else text


@register.filter
def percent(value: Decimal | int | None) -> str:
    """Decimal("12.5") → "12,5 %", Decimal("20") → "20 %"."""
    if value is None:
        return "–"
    text = format(Decimal(value).normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",").replace("-", "−") + "\u00a0%"


@register.filter
def fraction_percent(value: Decimal | None) -> str:
    """0.75 → "75 %"."""
    if value is None:
        return "–"
    return percent(Decimal(value) * 100)


@register.filter
def count(value: int | None) -> str:
    """130 000 (no-break space between thousands)."""
    if value is None:
        return "–"
    return f"{int(value):,}".replace(",", "\u00a0")


EQUITY_TEXT = {
    "within": _("Inom referensnivån"),
    "above": _("Över referensnivån"),
    "negative": _("Negativt eget kapital"),
    "unknown": _("Inga bidrag att jämföra med"),
}
EQUITY_CLASS = {"within": "ok", "above": "warning", "negative": "error", "unknown": "neutral"}


@register.filter
def equity_text(status: str) -> str:
    return str(EQUITY_TEXT.get(status, status))


@register.filter
def equity_class(status: str) -> str:
    return EQUITY_CLASS.get(status, "neutral")


@register.filter
def subtract(value: Decimal | int | None, other: Decimal | int | None) -> Decimal | None:
    if value is None or other is None:
        return None
    return Decimal(value) - Decimal(other)


@register.filter
def adoption_overdue(budget: Budget) -> bool:
    """R-BUDGET: the budget is not adopted and its last day of adoption (30 November) has passed."""
    return rules.adoption_overdue(
        year=budget.year, adopted=budget.status == BudgetStatus.ADOPTED, today=selectors.today()
    )
