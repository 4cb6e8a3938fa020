"""R-SHARES, R-CAP-2004 and R-STATE-MODEL as pure functions.

The worked examples are the ones computed by hand in docs/contribution-rules.md and
docs/state-allocation-worked-example.md; change one, change the other.
"""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finsam.core.errors import RuleViolation
from finsam.finance.rules import (
    AssociationFigures,
    ContributionInput,
    PartyInput,
    Share,
    StateModelInput,
    allocate,
    calculate_contributions,
    calculate_state_allocation,
    cap_2004,
)

D = Decimal
ONE_ORE = D("0.01")
# Pure arithmetic: a few dozen examples each find what there is to find, and no deadline, so that a busy
# machine cannot make a test flaky.
quick = settings(max_examples=80, deadline=None)
VASTERBOTTEN = PartyInput("24", "Region Västerbotten")


def refusal(call: Any, *args: Any, **kwargs: Any) -> list[tuple[str, str | None, str]]:
    """The (code, field, message) of every violation the call raises."""
    with pytest.raises(RuleViolation) as caught:
        call(*args, **kwargs)
    return [(v.code, v.field, v.message) for v in caught.value.violations]


ONE_MILLION = D("1000000.00")


def contributions(
    total: Any = ONE_MILLION,
    municipalities: list[PartyInput] | None = None,
    regions: list[PartyInput] | None = None,
    **keys: str,
) -> Any:
    return calculate_contributions(
        ContributionInput(
            total=total,
            municipalities=municipalities if municipalities is not None else [PartyInput("2480", "Umeå")],
            regions=regions if regions is not None else [VASTERBOTTEN],
            **keys,
        )
    )


# --------------------------------------------------------------------------------------------------
# The allocator


def test_largest_remainder_gives_the_left_over_ore_to_the_largest_fractions() -> None:
    # 100.00 kr by 1:1:1 is 33.333... each; the one öre left goes to the first key in order.
    assert allocate(D("100.00"), {"b": 1, "a": 1, "c": 1}) == {
        "a": D("33.34"),
        "b": D("33.33"),
        "c": D("33.33"),
    }
    # 10.00 kr by 1:2:3: quotas 1.666.., 3.333.., 5.00; the left-over öre goes to the largest fraction.
    assert allocate(D("10.00"), {"x": 1, "y": 2, "z": 3}) == {"x": D("1.67"), "y": D("3.33"), "z": D("5.00")}


def test_a_zero_total_gives_zero_to_everyone_even_with_zero_weights() -> None:
    assert allocate(D("0.00"), {"a": 0, "b": 0}) == {"a": D("0.00"), "b": D("0.00")}


@pytest.mark.parametrize(
    ("total", "weights"),
    [(D("-1.00"), {"a": 1}), (D("1.001"), {"a": 1}), (D("1.00"), {"a": 0, "b": 0}), (D("1.00"), {"a": -1})],
)
def test_the_allocator_refuses_what_it_cannot_split(total: Decimal, weights: dict[str, int]) -> None:
    [(code, _, _)] = refusal(allocate, total, weights)
    assert code == "R-INPUT"


ore_amounts = st.integers(0, 10**13).map(lambda ore: D(ore) / 100)
weight_maps = st.dictionaries(
    st.text(alphabet="0123456789ABC", min_size=1, max_size=4), st.integers(0, 10**7), min_size=1, max_size=12
).filter(lambda weights: sum(weights.values()) > 0)


@quick
@given(ore_amounts, weight_maps)
def test_allocated_parts_sum_exactly_and_stay_within_one_ore_of_the_exact_quota(
    total: Decimal, weights: dict[str, int]
) -> None:
    parts = allocate(total, weights)
    assert sum(parts.values()) == total
    weight_sum = sum(weights.values())
    for key, part in parts.items():
        assert part >= 0 and part == part.quantize(ONE_ORE)
        assert abs(Fraction(part) - Fraction(total) * weights[key] / weight_sum) < Fraction(1, 100)


@quick
@given(ore_amounts, weight_maps)
def test_a_larger_weight_never_gets_less(total: Decimal, weights: dict[str, int]) -> None:
    parts = allocate(total, weights)
    for a in weights:
        for b in weights:
            if weights[a] > weights[b]:
                assert parts[a] >= parts[b]


@quick
@given(ore_amounts, weight_maps, st.randoms(use_true_random=False))
def test_the_allocation_does_not_depend_on_input_order(
    total: Decimal, weights: dict[str, int], rnd: Any
) -> None:
    items = list(weights.items())
    rnd.shuffle(items)
    assert allocate(total, dict(items)) == allocate(total, weights)


# --------------------------------------------------------------------------------------------------
# R-SHARES


def test_fk_pays_half_af_is_listed_with_nothing_region_and_municipalities_a_quarter_each() -> None:
    result = contributions(D("1000000.00"))
    assert result.shares == (
        Share("fk", "FK", "Försäkringskassan", D("500000.00")),
        Share("af", "AF", "Arbetsförmedlingen", D("0.00")),
        Share("region", "24", "Region Västerbotten", D("250000.00")),
        Share("municipality", "2480", "Umeå", D("250000.00")),
    )
    assert result.total == D("1000000.00")


def test_three_municipalities_split_their_quarter_by_population_as_computed_by_hand() -> None:
    # docs/contribution-rules.md: 250 000 kr by 10 000 : 20 000 : 40 000 inhabitants.
    result = contributions(
        D("1000000.00"),
        [
            PartyInput("2421", "Storuman", population=40_000),
            PartyInput("2418", "Malå", population=10_000),
            PartyInput("2420", "Sorsele", population=20_000),
        ],
    )
    municipal = [(s.code, s.amount) for s in result.shares if s.kind == "municipality"]
    assert municipal == [("2418", D("35714.29")), ("2420", D("71428.57")), ("2421", D("142857.14"))]
    assert result.amount_of("municipality") == D("250000.00")


def test_an_odd_ore_goes_first_to_fk_then_to_the_regions() -> None:
    # 0.03 kr: FK's exact half is 1.5 öre, each quarter 0.75 öre; FK 1 öre, the two left go to the
    # quarters (largest fractions). 0.02 kr: the one öre left ties between the quarters; regions first.
    assert [s.amount for s in contributions(D("0.03")).shares] == [ONE_ORE, D("0.00"), ONE_ORE, ONE_ORE]
    assert [s.amount for s in contributions(D("0.02")).shares] == [ONE_ORE, D("0.00"), ONE_ORE, D("0.00")]


def test_an_equal_split_gives_the_odd_ore_to_the_lowest_code() -> None:
    result = contributions(
        D("400.00"),
        [PartyInput("2482"), PartyInput("2417"), PartyInput("2460")],
        municipal_key="equal",
    )
    municipal = {s.code: s.amount for s in result.shares if s.kind == "municipality"}
    assert municipal == {"2417": D("33.34"), "2460": D("33.33"), "2482": D("33.33")}


def test_fixed_percentages_from_the_charter_split_the_quarter() -> None:
    result = contributions(
        D("2000000.00"),
        [
            PartyInput("2480", share=D("62.5")),
            PartyInput("2460", share=D("25")),
            PartyInput("2404", share=D("12.5")),
        ],
        municipal_key="fixed",
    )
    municipal = {s.code: s.amount for s in result.shares if s.kind == "municipality"}
    assert municipal == {"2404": D("62500.00"), "2460": D("125000.00"), "2480": D("312500.00")}


def test_several_regions_split_their_quarter_by_the_region_key() -> None:
    result = contributions(
        D("800000.00"),
        regions=[PartyInput("22", "Region Västernorrland", share=D("40")), PartyInput("24", share=D("60"))],
        region_key="fixed",
    )
    regional = [(s.code, s.name, s.amount) for s in result.shares if s.kind == "region"]
    assert regional == [("22", "Region Västernorrland", D("80000.00")), ("24", "24", D("120000.00"))]


def test_a_single_municipality_takes_the_whole_quarter_without_key_data() -> None:
    for key in ("population", "equal", "fixed"):
        result = contributions(D("100.00"), [PartyInput("2480")], municipal_key=key)
        assert result.amount_of("municipality") == D("25.00")


municipality_lists = st.lists(
    st.builds(
        PartyInput,
        code=st.integers(1, 9999).map(lambda n: f"{n:04d}"),
        population=st.integers(0, 1_000_000),
    ),
    min_size=1,
    max_size=10,
    unique_by=lambda party: party.code,
).filter(lambda parties: sum(int(p.population or 0) for p in parties) > 0)
region_lists = st.lists(
    st.builds(
        PartyInput, code=st.integers(1, 25).map(lambda n: f"{n:02d}"), population=st.integers(1, 3_000_000)
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda party: party.code,
)
totals = st.integers(0, 10**11).map(lambda ore: D(ore) / 100)


@quick
@given(totals, municipality_lists, region_lists)
def test_shares_sum_exactly_to_the_total_and_none_is_negative(
    total: Decimal, municipalities: list[PartyInput], regions: list[PartyInput]
) -> None:
    result = contributions(total, municipalities, regions)
    assert sum(s.amount for s in result.shares) == total
    assert all(s.amount >= 0 and s.amount == s.amount.quantize(ONE_ORE) for s in result.shares)
    # FK a half, the regions and the municipalities a quarter each: exact to within one öre.
    assert abs(result.amount_of("fk") * 2 - total) <= 2 * ONE_ORE
    assert abs(result.amount_of("region") * 4 - total) <= 4 * ONE_ORE
    assert abs(result.amount_of("municipality") * 4 - total) <= 4 * ONE_ORE
    assert result.amount_of("af") == 0


@quick
@given(totals, municipality_lists)
def test_a_larger_population_never_gets_less(total: Decimal, municipalities: list[PartyInput]) -> None:
    result = contributions(total, municipalities)
    amount = {s.code: s.amount for s in result.shares if s.kind == "municipality"}
    for a in municipalities:
        for b in municipalities:
            if int(a.population or 0) > int(b.population or 0):
                assert amount[a.code] >= amount[b.code]


@quick
@given(totals, municipality_lists, region_lists, st.randoms(use_true_random=False))
def test_shares_do_not_depend_on_the_order_of_the_parties(
    total: Decimal, municipalities: list[PartyInput], regions: list[PartyInput], rnd: Any
) -> None:
    shuffled_municipalities, shuffled_regions = list(municipalities), list(regions)
    rnd.shuffle(shuffled_municipalities)
    rnd.shuffle(shuffled_regions)
    assert contributions(total, shuffled_municipalities, shuffled_regions) == contributions(
        total, municipalities, regions
    )


@st.composite
def fixed_percentages(draw: Any) -> list[PartyInput]:
    """Between 1 and 6 municipalities with percentages (three decimals, as in a charter) summing to 100."""
    count = draw(st.integers(1, 6))
    cuts = sorted(draw(st.lists(st.integers(0, 100_000), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 100_000]
    return [
        PartyInput(f"{2401 + index}", share=D(bounds[index + 1] - bounds[index]) / 1000)
        for index in range(count)
    ]


@quick
@given(totals, fixed_percentages())
def test_fixed_percentages_give_each_municipality_its_percentage_to_the_ore(
    total: Decimal, municipalities: list[PartyInput]
) -> None:
    result = contributions(total, municipalities, municipal_key="fixed")
    quarter = result.amount_of("municipality")
    amount = {s.code: s.amount for s in result.shares if s.kind == "municipality"}
    assert sum(amount.values()) == quarter
    for party in municipalities:
        assert party.share is not None
        assert abs(Fraction(amount[party.code]) - Fraction(quarter) * Fraction(party.share) / 100) < Fraction(
            1, 100
        )


@pytest.mark.parametrize(
    ("total", "message"),
    [
        ("tusen kronor", "Totalbeloppet måste vara ett tal."),
        (1000.5, "Totalbeloppet måste vara ett tal."),
        (D("NaN"), "Totalbeloppet måste vara ett tal."),
        (D("-100.00"), "Totalbeloppet får inte vara mindre än noll."),
        (D("100.005"), "Totalbeloppet anges i kronor med högst två decimaler (hela ören)."),
        (D("1E+15"), "Totalbeloppet får vara högst 999\u00a0999\u00a0999\u00a0999,99\u00a0kr."),
    ],
)
def test_a_total_that_is_not_an_amount_is_refused(total: Any, message: str) -> None:
    assert refusal(contributions, total) == [("R-INPUT", "total", message)]


def test_every_population_zero_is_refused() -> None:
    parties = [PartyInput("2480", population=0), PartyInput("2460", population=0)]
    assert refusal(contributions, D("100.00"), parties) == [
        (
            "R-SHARES",
            "municipalities",
            "Folkmängden är noll för alla kommuner; deras del kan inte fördelas efter folkmängd.",
        )
    ]


def test_percentages_that_do_not_sum_to_100_are_refused() -> None:
    parties = [PartyInput("2480", share=D("60")), PartyInput("2460", share=D("39.9"))]
    assert refusal(contributions, D("100.00"), parties, municipal_key="fixed") == [
        ("R-SHARES", "municipalities", "Andelarna för kommunerna summerar till 99,9 %, inte 100 %.")
    ]


def test_a_missing_population_or_percentage_is_refused_on_its_field() -> None:
    parties = [PartyInput("2480", population=1000, share=D("100")), PartyInput("2460")]
    assert refusal(contributions, D("100.00"), parties) == [
        (
            "R-SHARES",
            "municipalities[1].population",
            "Folkmängden för kommun 2460 saknas (fördelning efter folkmängd).",
        )
    ]
    assert refusal(contributions, D("100.00"), parties, municipal_key="fixed") == [
        (
            "R-SHARES",
            "municipalities[1].share",
            "Andelen för kommun 2460 saknas (fördelning med fasta procentsatser).",
        )
    ]


def test_bad_party_values_are_refused_on_their_field() -> None:
    parties = [
        PartyInput("2480", population=-5),
        PartyInput("2460", population=D("12.5")),
        PartyInput("2404", population=10, share=D("120")),
        PartyInput("2404", population=10),
        PartyInput(" "),
    ]
    assert refusal(contributions, D("100.00"), parties) == [
        (
            "R-INPUT",
            "municipalities[0].population",
            "Folkmängden för kommun 2480 får inte vara mindre än noll.",
        ),
        ("R-INPUT", "municipalities[1].population", "Folkmängden för kommun 2460 måste vara ett heltal."),
        ("R-INPUT", "municipalities[2].share", "Andelen för kommun 2404 ska vara mellan 0 och 100 %."),
        ("R-SHARES", "municipalities[3].code", "Kommun 2404 finns med mer än en gång."),
        ("R-INPUT", "municipalities[4].code", "Koden för kommun nummer 5 saknas."),
    ]


def test_an_unknown_key_and_missing_parties_are_refused_together() -> None:
    assert refusal(contributions, "x", [], [], municipal_key="by_size") == [
        ("R-INPUT", "total", "Totalbeloppet måste vara ett tal."),
        ("R-SHARES", "regions", "Minst en region måste bidra (lag 5 §)."),
        (
            "R-INPUT",
            "municipal_key",
            "Fördelningsnyckeln för kommunerna är okänd ('by_size'); välj population, equal eller fixed.",
        ),
        ("R-SHARES", "municipalities", "Minst en kommun måste bidra (lag 5 §)."),
    ]


# --------------------------------------------------------------------------------------------------
# R-CAP-2004


def test_hallstahammar_2001_comes_out_exactly_in_kronor() -> None:
    # Seed 003, slide 11: 109 569 tkr -> 5 478 tkr, 2 739 tkr each, at most 10 956 tkr.
    result = cap_2004(D("109569000"))
    assert result.state == D("5478000.00")
    assert result.per_party == D("2739000.00")
    assert result.total == D("10956000.00")


def test_the_state_part_is_rounded_down_so_it_never_exceeds_five_percent() -> None:
    # 5 % of 109 589 999 kr is 5 479 499,95 kr: the state part is 5 479 tkr, not 5 480.
    result = cap_2004("109589999")
    assert (result.state, result.per_party, result.total) == (
        D("5479000.00"),
        D("2739500.00"),
        D("10958000.00"),
    )


def test_the_cap_can_be_computed_to_the_ore_with_another_unit() -> None:
    result = cap_2004(D("109569000"), unit=D("0.02"))
    assert (result.state, result.per_party, result.total) == (
        D("5478450.00"),
        D("2739225.00"),
        D("10956900.00"),
    )


@quick
@given(st.integers(0, 10**13).map(lambda ore: D(ore) / 100))
def test_the_cap_never_exceeds_five_percent_and_four_equal_parts_make_the_total(costs: Decimal) -> None:
    result = cap_2004(costs)
    assert result.total == 2 * result.state == 4 * result.per_party
    assert result.state % 1000 == 0
    assert result.state <= costs * D("0.05") < result.state + 1000


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"sickness_benefit_costs": D("-1")},
            ("R-INPUT", "sickness_benefit_costs", "Sjukpenningkostnaderna får inte vara mindre än noll."),
        ),
        (
            {"sickness_benefit_costs": "109 569 tkr"},
            ("R-INPUT", "sickness_benefit_costs", "Sjukpenningkostnaderna måste vara ett tal."),
        ),
        (
            {"sickness_benefit_costs": 10**13},
            (
                "R-INPUT",
                "sickness_benefit_costs",
                "Sjukpenningkostnaderna får vara högst 999\u00a0999\u00a0999\u00a0999,99\u00a0kr.",
            ),
        ),
        (
            {"sickness_benefit_costs": 1, "rate": D("5")},
            ("R-CAP-2004", "rate", "Procentsatsen anges som andel, större än 0 och högst 1 (0,05 = 5 %)."),
        ),
    ],
)
def test_bad_cap_input_is_refused(kwargs: dict[str, Any], expected: tuple[str, str, str]) -> None:
    assert refusal(cap_2004, **kwargs) == [expected]


def test_a_unit_that_cannot_be_halved_in_ore_is_refused() -> None:
    [(code, field, _)] = refusal(cap_2004, D("1000"), unit=D("0.01"))
    assert (code, field) == ("R-CAP-2004", "unit")


# --------------------------------------------------------------------------------------------------
# R-STATE-MODEL

WORKED_EXAMPLE = StateModelInput(
    appropriation=D("10000000.00"),
    associations=[
        AssociationFigures("A", 3000, 40_000, D("3800000.00"), "Samordningsförbundet Ask"),
        AssociationFigures("B", 1500, 30_000, D("2400000.00"), "Samordningsförbundet Björk"),
        AssociationFigures("C", 1000, 20_000, D("2000000.00"), "Samordningsförbundet Ceder"),
        AssociationFigures("D", 1500, 15_000, D("2260000.00"), "Samordningsförbundet Dunge"),
    ],
)


def test_the_worked_example_comes_out_exactly_as_computed_by_hand() -> None:
    # docs/state-allocation-worked-example.md, every figure.
    calculation = calculate_state_allocation(WORKED_EXAMPLE)
    assert (calculation.need_pool, calculation.population_pool) == (D("6300000.00"), D("2100000.00"))
    assert calculation.floor_rounds == 2
    rows = [
        (
            r.code,
            r.base,
            r.need_part,
            r.population_part,
            r.model_amount,
            r.floor,
            r.floor_adjustment,
            r.final,
            r.change,
            r.at_floor,
        )
        for r in calculation.results
    ]
    expected = [
        ("A", 400_000, 2_700_000, 800_000, 3_900_000, 3_420_000, -52_416, 3_847_584, 47_584, False),
        ("B", 400_000, 1_350_000, 600_000, 2_350_000, 2_160_000, -31_584, 2_318_416, -81_584, False),
        ("C", 400_000, 900_000, 400_000, 1_700_000, 1_800_000, 100_000, 1_800_000, -200_000, True),
        ("D", 400_000, 1_350_000, 300_000, 2_050_000, 2_034_000, -16_000, 2_034_000, -226_000, True),
    ]
    assert rows == [(code, *(D(figure) for figure in figures), held) for code, *figures, held in expected]
    assert sum(r.final for r in calculation.results) == D("10000000.00")


def test_without_previous_allocations_the_model_amounts_are_final() -> None:
    data = StateModelInput(
        appropriation=D("10000000.00"),
        associations=[
            AssociationFigures(f.code, f.support_measure, f.population) for f in WORKED_EXAMPLE.associations
        ],
    )
    calculation = calculate_state_allocation(data)
    assert [(r.final, r.floor, r.change) for r in calculation.results] == [
        (D("3900000.00"), None, None),
        (D("2350000.00"), None, None),
        (D("1700000.00"), None, None),
        (D("2050000.00"), None, None),
    ]
    assert calculation.floor_rounds == 0


def test_a_forbund_exempt_from_the_floor_may_lose_more_than_ten_percent() -> None:
    exempt = [
        AssociationFigures(
            f.code, f.support_measure, f.population, f.previous, f.name, floor_protected=f.code != "C"
        )
        for f in WORKED_EXAMPLE.associations
    ]
    calculation = calculate_state_allocation(
        StateModelInput(appropriation=D("10000000.00"), associations=exempt)
    )
    ceder = calculation.result_for("C")
    assert ceder.floor is None and ceder.final == D("1700000.00") and ceder.change == D("-300000.00")


def test_every_parameter_is_an_input() -> None:
    data = StateModelInput(
        appropriation=D("1000000.00"),
        associations=[AssociationFigures("A", 1, 3), AssociationFigures("B", 3, 1)],
        base_amount=D("100000.00"),
        need_weight=D("0.5"),
        population_weight=D("0.5"),
    )
    # 800 000 left: 400 000 by need (1:3), 400 000 by population (3:1); both get 500 000.
    assert [r.final for r in calculate_state_allocation(data).results] == [D("500000.00"), D("500000.00")]


def test_floors_that_need_more_than_the_appropriation_are_refused() -> None:
    data = StateModelInput(
        appropriation=D("8000000.00"),
        associations=WORKED_EXAMPLE.associations,
    )
    # The floors are 3 420 000 + 2 160 000 + 1 800 000 + 2 034 000 = 9 414 000 kr.
    assert refusal(calculate_state_allocation, data) == [
        (
            "R-STATE-MODEL",
            "appropriation",
            "Anslaget (8\u00a0000\u00a0000,00\u00a0kr) räcker inte för att inget förbund ska minska "
            "mer än 10 %: golven summerar till 9\u00a0414\u00a0000,00\u00a0kr.",
        )
    ]


def test_state_model_parameters_that_break_the_model_are_refused() -> None:
    data = StateModelInput(
        appropriation=D("1000000.00"),
        associations=[
            AssociationFigures("A", 1, 1),
            AssociationFigures("B", 1, 1),
            AssociationFigures("C", 1, 1),
        ],
        need_weight=D("0.7"),
    )
    assert refusal(calculate_state_allocation, data) == [
        (
            "R-STATE-MODEL",
            "need_weight",
            "Vikterna för försörjningsmått och befolkning summerar till 95 %, inte 100 %.",
        ),
        (
            "R-STATE-MODEL",
            "appropriation",
            "Anslaget (1\u00a0000\u00a0000,00\u00a0kr) räcker inte till grundbeloppet för 3 förbund "
            "(1\u00a0200\u00a0000,00\u00a0kr).",
        ),
    ]


def test_a_measure_that_is_zero_everywhere_is_refused() -> None:
    data = StateModelInput(
        appropriation=D("1000000.00"),
        associations=[AssociationFigures("A", 0, 10), AssociationFigures("B", 0, 0)],
    )
    assert refusal(calculate_state_allocation, data) == [
        (
            "R-STATE-MODEL",
            "associations",
            "Försörjningsmåttet är noll för alla förbund; behovsdelen kan inte fördelas.",
        )
    ]


def test_bad_state_model_input_is_refused_on_its_field() -> None:
    data = StateModelInput(
        appropriation="trehundra miljoner",  # type: ignore[arg-type]
        associations=[
            AssociationFigures("A", -3, 10, name="Samordningsförbundet Ask"),
            AssociationFigures("B", 1, 10, D("-1")),
            AssociationFigures("B", 1, 10),
        ],
        max_reduction=D("1.5"),
    )
    assert refusal(calculate_state_allocation, data) == [
        ("R-INPUT", "appropriation", "Anslaget måste vara ett tal."),
        (
            "R-STATE-MODEL",
            "max_reduction",
            "Spärren för minskning anges som andel, minst 0 och högst 1 (0,10 betyder 10 %).",
        ),
        (
            "R-INPUT",
            "associations[0].support_measure",
            "Försörjningsmåttet för Samordningsförbundet Ask får inte vara mindre än noll.",
        ),
        ("R-INPUT", "associations[1].previous", "Fjolårets tilldelning för B får inte vara mindre än noll."),
        ("R-STATE-MODEL", "associations[2].code", "Förbundet B finns med mer än en gång."),
    ]
    assert refusal(calculate_state_allocation, StateModelInput(D("1.00"), [])) == [
        ("R-STATE-MODEL", "associations", "Minst ett förbund måste ingå i fördelningen.")
    ]


@st.composite
def state_inputs(draw: Any, *, with_previous: bool = True) -> StateModelInput:
    """Up to 8 förbund; the appropriation between 85 % and 130 % of last year's, so that the floors
    hold in most cases but not all."""
    count = draw(st.integers(1, 8))
    codes = draw(
        st.lists(
            st.text(alphabet="ABCDEFGH", min_size=1, max_size=2), min_size=count, max_size=count, unique=True
        )
    )
    base = D(draw(st.integers(0, 500_000)))
    associations = []
    for code in codes:
        previous = draw(st.none() | st.integers(0, 5_000_000_000).map(lambda ore: D(ore) / 100))
        associations.append(
            AssociationFigures(
                code,
                support_measure=draw(st.integers(0, 50_000)),
                population=draw(st.integers(0, 500_000)),
                previous=previous if with_previous else None,
                floor_protected=draw(st.sampled_from([True, True, True, False])),
            )
        )
    if sum(a.support_measure for a in associations) == 0:
        associations[0] = AssociationFigures(
            codes[0], 1, associations[0].population, associations[0].previous
        )
    if sum(a.population for a in associations) == 0:
        associations[0] = AssociationFigures(
            codes[0], associations[0].support_measure, 1, associations[0].previous
        )
    last_year = sum((a.previous or base for a in associations), D(0))
    factor = D(draw(st.integers(85, 130))) / 100
    appropriation = (
        max(base * count, (last_year * factor).quantize(ONE_ORE)) + D(draw(st.integers(0, 10**6))) / 100
    )
    need = D(draw(st.integers(0, 100))) / 100
    return StateModelInput(
        appropriation=appropriation,
        associations=associations,
        base_amount=base,
        need_weight=need,
        population_weight=1 - need,
        max_reduction=D(draw(st.integers(0, 50))) / 100,
    )


def floors_of(data: StateModelInput) -> dict[str, Decimal]:
    """previous x (1 - max_reduction), rounded up to the öre, for every protected förbund."""
    keep = 1 - Fraction(data.max_reduction)
    return {
        a.code: D(math.ceil(Fraction(a.previous) * keep * 100)) / 100
        for a in data.associations
        if a.previous is not None and a.floor_protected
    }


@quick
@given(state_inputs())
def test_the_allocation_sums_exactly_and_no_forbund_loses_more_than_allowed(data: StateModelInput) -> None:
    floors = floors_of(data)
    if sum(floors.values()) > data.appropriation:
        # No split can honour the floors: refused, nothing computed.
        [(code, field, _)] = refusal(calculate_state_allocation, data)
        assert (code, field) == ("R-STATE-MODEL", "appropriation")
        return
    calculation = calculate_state_allocation(data)
    results = calculation.results
    assert sum(r.final for r in results) == data.appropriation
    assert sum(r.model_amount for r in results) == data.appropriation
    for r in results:
        assert r.final >= 0 and r.final == r.final.quantize(ONE_ORE)
        assert r.model_amount == r.base + r.need_part + r.population_part
        assert r.final == r.model_amount + r.floor_adjustment
        if r.code in floors:
            # The reduction cap: never below previous x (1 - max_reduction).
            assert r.floor == floors[r.code] and r.previous is not None
            assert Fraction(r.final) >= Fraction(r.previous) * (1 - Fraction(data.max_reduction))
        else:
            assert r.floor is None and not r.at_floor
        if r.at_floor:
            assert r.final == r.floor
    # The money for the floors is taken in proportion: the others keep a common fraction of their model
    # amount, to within one öre.
    free = [r for r in results if not r.at_floor]
    if sum(r.model_amount for r in free) > 0:
        factor = Fraction(sum(r.final for r in free)) / Fraction(sum(r.model_amount for r in free))
        assert factor <= 1
        for r in free:
            assert abs(Fraction(r.final) - Fraction(r.model_amount) * factor) < Fraction(1, 100)


@quick
@given(state_inputs(), st.randoms(use_true_random=False))
def test_the_state_allocation_does_not_depend_on_input_order(data: StateModelInput, rnd: Any) -> None:
    shuffled = list(data.associations)
    rnd.shuffle(shuffled)
    reordered = replace(data, associations=shuffled)
    try:
        expected = calculate_state_allocation(data)
    except RuleViolation as exc:
        assert refusal(calculate_state_allocation, reordered) == [
            (v.code, v.field, v.message) for v in exc.violations
        ]
        return
    assert calculate_state_allocation(reordered) == expected


@quick
@given(state_inputs(with_previous=False))
def test_more_need_and_more_people_never_get_less(data: StateModelInput) -> None:
    results = calculate_state_allocation(data).results
    figures = {a.code: a for a in data.associations}
    for a in results:
        for b in results:
            fa, fb = figures[a.code], figures[b.code]
            if fa.support_measure > fb.support_measure and fa.population > fb.population:
                assert a.final >= b.final
            if fa.support_measure >= fb.support_measure and fa.population >= fb.population:
                # An equal measure can lose a tie-broken öre in each of the two pools.
                assert a.final >= b.final - 2 * ONE_ORE
