from __future__ import annotations

from decimal import Decimal

from django import template

from finsam.core import money
from finsam.core.decorators import may_open as _may_open

register = template.Library()


@register.filter
def kr(value: Decimal | int | None) -> str:
    return money.format_kr(value)


@register.filter
def tkr(value: Decimal | int | None) -> str:
    return money.format_tkr(value)


@register.simple_tag(takes_context=True)
def may_open(context: template.Context, path: str) -> bool:
    """`{% may_open url as allowed %}`: whether the signed-in user may open that page (see
    `core.decorators.may_open`), so that a link never leads to a refusal."""
    request = context.get("request")
    return request is not None and _may_open(request.user, path)
