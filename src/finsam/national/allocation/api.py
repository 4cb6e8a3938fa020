"""GET /api/v1/state-allocations/{allocation_year}: the year's decided allocation (R-STATE-MODEL). The
national roles read every förbund's row, a förbund's readers their own; 404 when the year is not decided.
Amounts are decimal strings, as in the rest of the API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.params.functions import Path

from finsam.core.decorators import api_operation
from finsam.core.roles import Capability
from finsam.national.allocation import rules, selectors

router = Router(tags=["national"])

AllocationYear = Annotated[int, Path(ge=rules.FIRST_YEAR, le=rules.LAST_YEAR, description="Fördelningsåret.")]


class DecidedAllocationRowOut(Schema):
    association_id: int
    association_name: str
    amount: str
    previous: str | None
    population_16_64: int
    support_measure: str
    base: str
    need_part: str
    population_part: str
    model_amount: str
    floor: str | None
    floor_adjustment: str
    floor_protected: bool
    at_floor: bool


class DecidedAllocationOut(Schema):
    year: int
    decided_on: date
    reference: str
    appropriation: str
    base_amount: str
    need_weight: str
    population_weight: str
    max_reduction: str
    equity_level_percent: str
    population_year: int
    support_measure_year: int
    rows: list[DecidedAllocationRowOut]


def _text(value: Any) -> str | None:
    return None if value is None else f"{value:f}"


@api_operation(
    router,
    "get",
    "/state-allocations/{allocation_year}",
    need=Capability.STATE_ALLOCATION_VIEW,
    response={200: DecidedAllocationOut},
    summary="Beslutad statlig fördelning för ett år (R-STATE-MODEL)",
    description="Beslutet och beloppet per förbund med hur det räknades fram. Nationella roller ser alla "
    "förbund, övriga sina egna.",
)
def state_allocation_get(request: HttpRequest, allocation_year: AllocationYear) -> dict[str, Any]:
    view = next(
        (v for v in selectors.decision_list(user=request.user) if v.decision.year == allocation_year), None
    )
    if view is None:
        raise Http404
    d = view.decision
    return {
        "year": d.year,
        "decided_on": d.decided_on,
        "reference": d.reference,
        "appropriation": _text(d.appropriation),
        "base_amount": _text(d.base_amount),
        "need_weight": _text(d.need_weight),
        "population_weight": _text(d.population_weight),
        "max_reduction": _text(d.max_reduction),
        "equity_level_percent": _text(d.equity_level_percent),
        "population_year": d.population_year,
        "support_measure_year": d.support_measure_year,
        "rows": [
            {
                "association_id": r.association_id,
                "association_name": r.name,
                "amount": _text(r.amount),
                "previous": _text(r.previous),
                "population_16_64": r.population_16_64,
                "support_measure": _text(r.support_measure),
                "base": _text(r.base),
                "need_part": _text(r.need_part),
                "population_part": _text(r.population_part),
                "model_amount": _text(r.model_amount),
                "floor": _text(r.floor),
                "floor_adjustment": _text(r.floor_adjustment),
                "floor_protected": r.floor_protected,
                "at_floor": r.at_floor,
            }
            for r in view.rows
        ],
    }
