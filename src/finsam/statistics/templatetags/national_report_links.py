"""Whether to link to a förbund's national report: pages of other apps ask here, so that a link is shown
only to those who may open it (the scope is decided in core.access, as everywhere)."""

from __future__ import annotations

from typing import Any

from django import template

from finsam.core.access import scope_for
from finsam.core.roles import Capability

register = template.Library()


@register.simple_tag(takes_context=True)
def may_read_national_report(context: Any, association_id: int) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return scope_for(user, Capability.NATIONAL_REPORT).allows(association_id)
