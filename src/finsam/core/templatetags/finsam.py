from __future__ import annotations

from decimal import Decimal

from django import template

from finsam.core import money

register = template.Library()


@register.filter
def kr(value: Decimal | int | None) -> str:
    return money.format_kr(value)


@register.filter
def tkr(value: Decimal | int | None) -> str:
    return money.format_tkr(value)
