"""Finance endpoints of the API (DESIGN §5). Amounts are decimal strings ("1234.50"), in and out.

The calculators write nothing: they hand the body to the pure rules and answer with the result, or 400
with the rule codes (R-INPUT, R-SHARES, R-CAP-2004, R-STATE-MODEL) and the field's path in the body.
Budgets are read-only here; they are prepared on the pages.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.params.functions import Path
from pydantic import ConfigDict

from finsam.core.decorators import api_operation
from finsam.core.roles import Capability
from finsam.finance import rules, selectors
from finsam.finance.models import Budget

router = Router(tags=["finance"])

MAX_ID = 2**63 - 1
MAX_PARTIES = 400
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1F\x7F]*$"
AssociationId = Annotated[int, Path(ge=1, le=MAX_ID, description="Förbundets id.")]
Year = Annotated[int, Path(ge=2004, le=2199, description="Budgetåret.")]

# A number as text ("1234.50"); the rules check it and answer in Swedish (R-INPUT).
DecimalText = Annotated[
    str, Field(min_length=1, max_length=40, description="Decimaltal som text, punkt som decimaltecken.")
]
Code = Annotated[str, Field(min_length=1, max_length=20, pattern=NO_CONTROL_CHARACTERS)]
Name = Annotated[str, Field(max_length=200, pattern=NO_CONTROL_CHARACTERS)]


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(rules.ORE):f}"


# --- contributions (R-SHARES) -------------------------------------------------------------------


class PartyIn(Schema):
    code: Code = Field(description="Kommunkod (2480) eller länskod (24).")
    name: Name = ""
    population: int | None = Field(
        default=None, ge=0, le=rules.MAX_COUNT, description="Folkmängd (nyckeln population)."
    )
    share: DecimalText | None = Field(
        default=None, description='Andel i procent av gruppens del (nyckeln fixed), t.ex. "37.5".'
    )


class ContributionsIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "total": "1000000.00",
                    "municipal_key": "population",
                    "regions": [{"code": "24"}],
                    "municipalities": [
                        {"code": "2480", "population": 130000},
                        {"code": "2460", "population": 8800},
                    ],
                }
            ]
        }
    )

    total: DecimalText = Field(description="Förbundets samlade medel, kr.")
    municipal_key: str = Field(
        default=rules.POPULATION, max_length=20, description="population, equal eller fixed."
    )
    region_key: str = Field(
        default=rules.POPULATION, max_length=20, description="population, equal eller fixed."
    )
    regions: list[PartyIn] = Field(max_length=MAX_PARTIES)
    municipalities: list[PartyIn] = Field(max_length=MAX_PARTIES)


class ShareOut(Schema):
    kind: str = Field(description="fk, af, region eller municipality.")
    code: str
    name: str
    amount: str = Field(description="Kronor med två decimaler.")


class ContributionsOut(Schema):
    total: str
    shares: list[ShareOut]


@api_operation(
    router,
    "post",
    "/contributions/calculate",
    need=Capability.FINANCE_CALCULATE,
    response={200: ContributionsOut},
    summary="Beräkna medlemmarnas bidrag (R-SHARES)",
    description="FK hälften (täcker även AF:s del, som står med 0), regionerna en fjärdedel, kommunerna en "
    "fjärdedel, fördelat efter nyckeln. Exakt på öret; delarna summerar exakt till totalen. Sparar inget.",
)
def contributions_calculate(request: HttpRequest, payload: ContributionsIn) -> dict[str, Any]:
    def parties(items: list[PartyIn]) -> list[rules.PartyInput]:
        return [
            rules.PartyInput(code=p.code, name=p.name, population=p.population, share=p.share)  # type: ignore[arg-type]
            for p in items
        ]

    result = selectors.with_party_names(
        rules.calculate_contributions(
            rules.ContributionInput(
                total=payload.total,  # type: ignore[arg-type]
                municipalities=parties(payload.municipalities),
                regions=parties(payload.regions),
                municipal_key=payload.municipal_key,
                region_key=payload.region_key,
            )
        )
    )
    return {
        "total": _money(result.total),
        "shares": [
            {"kind": s.kind, "code": s.code, "name": s.name, "amount": _money(s.amount)}
            for s in result.shares
        ],
    }


# --- R-CAP-2004 -----------------------------------------------------------------------------------


class Cap2004In(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"sickness_benefit_costs": "109569000"}]})

    sickness_benefit_costs: DecimalText = Field(description="Sjukpenningkostnaderna i området, kr.")


class Cap2004Out(Schema):
    state: str = Field(description="Statens del: 5 % av kostnaderna, avrundat nedåt till hela tkr.")
    per_party: str = Field(description="Varje parts del (FK, AF, landsting/region, kommun).")
    total: str = Field(description="Det mesta samordningen kunde omfatta.")


@api_operation(
    router,
    "post",
    "/contributions/cap-2004",
    need=Capability.FINANCE_CALCULATE,
    response={200: Cap2004Out},
    summary="Takregeln från 2004 (R-CAP-2004)",
    description="Hallstahammar 2001: 109 569 000 kr ger state 5 478 000, per_party 2 739 000, total "
    "10 956 000. Sparar inget.",
)
def cap_2004(request: HttpRequest, payload: Cap2004In) -> dict[str, Any]:
    result = rules.cap_2004(payload.sickness_benefit_costs)
    return {
        "state": _money(result.state),
        "per_party": _money(result.per_party),
        "total": _money(result.total),
    }


# --- R-STATE-MODEL --------------------------------------------------------------------------------


class AssociationFiguresIn(Schema):
    code: Code
    name: Name = ""
    support_measure: DecimalText = Field(description="SCB:s försörjningsmått för förbundets område.")
    population: int = Field(ge=0, le=rules.MAX_COUNT, description="Befolkningen 16–64 år.")
    previous: DecimalText | None = Field(
        default=None, description="Fjolårets tilldelning, kr; tomt för nytt."
    )
    floor_protected: bool = Field(default=True, description="false: spärren på 10 % gäller inte förbundet.")


class StateAllocationIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "appropriation": "10000000.00",
                    "associations": [
                        {"code": "A", "support_measure": "3000", "population": 40000, "previous": "3800000"},
                        {"code": "B", "support_measure": "1500", "population": 30000, "previous": "2400000"},
                    ],
                }
            ]
        }
    )

    appropriation: DecimalText = Field(description="Statens anslag att fördela, kr.")
    base_amount: DecimalText = Field(default=f"{rules.STATE_MODEL_BASE_AMOUNT:f}")
    need_weight: DecimalText = Field(default=f"{rules.STATE_MODEL_NEED_WEIGHT:f}", description="Andel, 0,75.")
    population_weight: DecimalText = Field(default=f"{rules.STATE_MODEL_POPULATION_WEIGHT:f}")
    max_reduction: DecimalText = Field(
        default=f"{rules.STATE_MODEL_MAX_REDUCTION:f}", description="Största minskning som andel, 0,10."
    )
    associations: list[AssociationFiguresIn] = Field(max_length=MAX_PARTIES)


class AllocationOut(Schema):
    code: str
    name: str
    base: str
    need_part: str
    population_part: str
    model_amount: str
    floor: str | None
    floor_adjustment: str
    final: str
    previous: str | None
    change: str | None
    at_floor: bool


class StateAllocationOut(Schema):
    appropriation: str
    base_amount: str
    need_pool: str
    population_pool: str
    floor_rounds: int
    allocations: list[AllocationOut]


@api_operation(
    router,
    "post",
    "/state-allocation/calculate",
    need=Capability.FINANCE_CALCULATE,
    response={200: StateAllocationOut},
    summary="Statens fördelningsmodell (R-STATE-MODEL)",
    description="Grundbelopp per förbund, resten 75 % efter försörjningsmått och 25 % efter befolkning "
    "16–64 år, ingen minskning över 10 % mot fjolåret; delarna summerar exakt till anslaget. Sparar inget.",
)
def state_allocation(request: HttpRequest, payload: StateAllocationIn) -> dict[str, Any]:
    result = rules.calculate_state_allocation(
        rules.StateModelInput(
            appropriation=payload.appropriation,  # type: ignore[arg-type]
            base_amount=payload.base_amount,  # type: ignore[arg-type]
            need_weight=payload.need_weight,  # type: ignore[arg-type]
            population_weight=payload.population_weight,  # type: ignore[arg-type]
            max_reduction=payload.max_reduction,  # type: ignore[arg-type]
            associations=[
                rules.AssociationFigures(
                    code=a.code,
                    name=a.name,
                    support_measure=a.support_measure,  # type: ignore[arg-type]
                    population=a.population,
                    previous=a.previous,  # type: ignore[arg-type]
                    floor_protected=a.floor_protected,
                )
                for a in payload.associations
            ],
        )
    )
    return {
        "appropriation": _money(result.appropriation),
        "base_amount": _money(result.base_amount),
        "need_pool": _money(result.need_pool),
        "population_pool": _money(result.population_pool),
        "floor_rounds": result.floor_rounds,
        "allocations": [
            {
                "code": r.code,
                "name": r.name,
                "base": _money(r.base),
                "need_part": _money(r.need_part),
                "population_part": _money(r.population_part),
                "model_amount": _money(r.model_amount),
                "floor": _money(r.floor),
                "floor_adjustment": _money(r.floor_adjustment),
                "final": _money(r.final),
                "previous": _money(r.previous),
                "change": _money(r.change),
                "at_floor": r.at_floor,
            }
            for r in result.results
        ],
    }


# --- budgets (read) -------------------------------------------------------------------------------


class BudgetSummaryOut(Schema):
    id: int
    year: int
    status: str = Field(description="draft, consulted eller adopted.")
    frame: str = Field(description="Medlemmarnas bidrag enligt budget, kr.")
    costs: str = Field(description="Budgeterade kostnader, kr.")
    adopted_on: date | None
    adopted_late: bool = Field(description="Fastställd efter 30 november året före (R-BUDGET).")


class MemberOut(Schema):
    id: int
    kind: str
    code: str
    name: str


class ContributionOut(Schema):
    member: MemberOut
    amount: str
    received: str | None


class LineOut(Schema):
    id: int
    kind: str = Field(description="intervention eller administration.")
    intervention: int | None
    cost_type: str
    title: str
    amount: str
    actual: str | None


class EquityOut(Schema):
    opening: str
    result: str
    closing: str
    share_percent: str | None = Field(description="Utgående eget kapital i procent av årets bidrag.")
    reference_percent: str
    status: str = Field(description="within, above, negative eller unknown.")
    closed: bool = Field(description="true när bokslutet är gjort; annars en prognos.")


class BudgetOut(BudgetSummaryOut):
    association: int
    population_year: int
    charter_version: int
    version: int
    contributions: list[ContributionOut]
    lines: list[LineOut]
    consulted_members: list[int]
    equity: EquityOut


def _summary(budget: Budget, costs: Decimal) -> dict[str, Any]:
    return {
        "id": budget.pk,
        "year": budget.year,
        "status": budget.status,
        "frame": _money(budget.frame),
        "costs": _money(costs),
        "adopted_on": budget.adopted_on,
        "adopted_late": budget.adopted_late,
    }


@api_operation(
    router,
    "get",
    "/associations/{association_id}/budgets",
    need=Capability.FINANCE_VIEW,
    scoped="association_id",
    response=list[BudgetSummaryOut],
    summary="Förbundets budgetar",
)
def budget_list(request: HttpRequest, association_id: AssociationId) -> list[dict[str, Any]]:
    return [
        _summary(b, b.costs_total)  # type: ignore[attr-defined]
        for b in selectors.budget_list(user=request.user, association_id=association_id)
    ]


@api_operation(
    router,
    "get",
    "/associations/{association_id}/budgets/{year}",
    need=Capability.FINANCE_VIEW,
    scoped="association_id",
    response=BudgetOut,
    summary="En budget med bidrag, poster, samråd och eget kapital",
)
def budget_detail(request: HttpRequest, association_id: AssociationId, year: Year) -> dict[str, Any]:
    budget = selectors.budget_for_year(user=request.user, association_id=association_id, year=year)
    totals = selectors.budget_totals(budget=budget)
    equity = selectors.equity(budget=budget, totals=totals)
    return {
        **_summary(budget, totals.costs),
        "association": budget.association_id,
        "population_year": budget.population_year,
        "charter_version": budget.charter.version,
        "version": budget.version,
        "contributions": [
            {
                "member": {
                    "id": c.member_id,
                    "kind": c.member.kind,
                    "code": c.member.code,
                    "name": c.member.name,
                },
                "amount": _money(c.amount),
                "received": _money(c.received),
            }
            for c in selectors.contributions(budget=budget)
        ],
        "lines": [
            {
                "id": line.pk,
                "kind": line.kind,
                "intervention": line.intervention_id,
                "cost_type": line.cost_type,
                "title": line.title,
                "amount": _money(line.amount),
                "actual": _money(line.actual),
            }
            for line in selectors.lines(budget=budget)
        ],
        "consulted_members": sorted({c.member_id for c in selectors.consultations(budget=budget)}),
        "equity": {
            "opening": _money(equity.opening),
            "result": _money(equity.result),
            "closing": _money(equity.closing),
            "share_percent": None if equity.share_percent is None else f"{equity.share_percent:f}",
            "reference_percent": f"{equity.reference_percent:f}",
            "status": equity.status,
            "closed": selectors.has_outcome(budget=budget),
        },
    }
