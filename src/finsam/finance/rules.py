"""Pure functions of the finance rules: R-SHARES, R-CAP-2004 and R-STATE-MODEL.

No ORM here: plain values in, frozen dataclasses out, so that each rule can be property-tested.
Money is `Decimal` kronor exact to the öre, never float. Every split goes through `allocate`, a
largest-remainder allocation in whole öre, so the parts always sum exactly to the whole. The decisions
behind the rounding are written down in docs/contribution-rules.md and
docs/state-allocation-worked-example.md.

Bad input raises `RuleViolation` with every problem found at once: `R-INPUT` for a value that is not a
usable number (not numeric, negative, more than two decimals, absurdly large), the rule's own code for
input that breaks the rule (percentages not summing to 100, every population zero, an appropriation too
small for the base amounts, ...). Messages are Swedish and name the field; `field` is the path of the
value in the API body (`municipalities[2].population`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from finsam.core.errors import RuleViolation, Violation, raise_if_any
from finsam.core.money import format_kr

ORE = Decimal("0.01")
ZERO = Decimal("0.00")

# Upper bounds that no real figure comes near: every förbund together spends about 700 Mkr a year, and
# Sweden has about 10.6 million inhabitants. A larger value is a typing error or an attack.
MAX_AMOUNT = Decimal("999999999999.99")
MAX_COUNT = 100_000_000

POPULATION = "population"
EQUAL = "equal"
FIXED = "fixed"
SPLIT_KEYS = (POPULATION, EQUAL, FIXED)

FK_CODE, FK_NAME = "FK", "Försäkringskassan"
AF_CODE, AF_NAME = "AF", "Arbetsförmedlingen"

# R-CAP-2004 (seed 003, slides 10-11).
CAP_2004_RATE = Decimal("0.05")
CAP_2004_UNIT = Decimal("1000")

# R-STATE-MODEL: the model's published parameters since 2016 (finsam.se, "Statens fördelningsmodell").
# They are defaults of the input, not constants of the calculation.
STATE_MODEL_BASE_AMOUNT = Decimal("400000.00")
STATE_MODEL_NEED_WEIGHT = Decimal("0.75")
STATE_MODEL_POPULATION_WEIGHT = Decimal("0.25")
STATE_MODEL_MAX_REDUCTION = Decimal("0.10")

_MAX_AMOUNT_TEXT = format_kr(MAX_AMOUNT, decimals=True)


# --------------------------------------------------------------------------------------------------
# The shared allocator


def allocate[K: str](total: Decimal, weights: Mapping[K, Decimal | int]) -> dict[K, Decimal]:
    """Split `total` (kronor, whole öre) in proportion to `weights`, exact to the öre.

    Largest remainder: every key first gets its exact quota rounded down to the öre; the öre left over
    (fewer than the number of keys) go one each to the keys with the largest fractional parts. Ties are
    broken by key order (the smaller key first), never by input order, so the result does not depend on
    the order of `weights`. The parts sum exactly to `total`, none is negative, a larger weight never
    gets less, and each part is within one öre of its exact quota. The result is in key order.

    A total of zero gives zero to every key, whatever the weights.
    """
    total_ore = _ore(total)
    exact = {key: _fraction(weight) for key, weight in weights.items()}
    if any(not isinstance(key, str) for key in exact):
        raise RuleViolation("R-INPUT", _("Fördelningsnycklarna måste vara koder i text."), "weights")
    if any(weight < 0 for weight in exact.values()):
        raise RuleViolation("R-INPUT", _("En fördelningsvikt får inte vara mindre än noll."), "weights")
    keys = sorted(exact)
    weight_sum = sum(exact.values(), Fraction(0))
    if total_ore == 0:
        return {key: ZERO for key in keys}
    if weight_sum == 0:
        raise RuleViolation("R-INPUT", _("Beloppet kan inte fördelas när alla vikter är noll."), "weights")
    quotas = {key: total_ore * exact[key] / weight_sum for key in keys}
    parts = {key: math.floor(quota) for key, quota in quotas.items()}
    left_over = total_ore - sum(parts.values())
    by_remainder = sorted(keys, key=lambda key: (-(quotas[key] - parts[key]), key))
    for key in by_remainder[:left_over]:
        parts[key] += 1
    return {key: _kronor(parts[key]) for key in keys}


def _ore(total: Decimal) -> int:
    if isinstance(total, bool) or not isinstance(total, Decimal | int) or not Decimal(total).is_finite():
        raise RuleViolation("R-INPUT", _("Beloppet att fördela måste vara ett belopp i kronor."), "total")
    amount = Decimal(total)
    if amount < 0:
        raise RuleViolation("R-INPUT", _("Beloppet att fördela får inte vara mindre än noll."), "total")
    scaled = Fraction(amount) * 100
    if scaled.denominator != 1:
        raise RuleViolation("R-INPUT", _("Beloppet att fördela anges i hela ören."), "total")
    return int(scaled)


def _fraction(weight: Decimal | int) -> Fraction:
    if isinstance(weight, bool) or not isinstance(weight, Decimal | int) or not Decimal(weight).is_finite():
        raise RuleViolation("R-INPUT", _("En fördelningsvikt måste vara ett tal."), "weights")
    return Fraction(weight)


def _kronor(ore: int) -> Decimal:
    return (Decimal(ore) / 100).quantize(ORE)


def _ceil_ore(value: Fraction) -> Decimal:
    return _kronor(math.ceil(value * 100))


# --------------------------------------------------------------------------------------------------
# Reading input values


def _number(value: object, field: str, label: str, violations: list[Violation]) -> Decimal | None:
    """A finite Decimal from a Decimal, an int or a decimal string; None (and a violation) otherwise.

    Floats are refused: a float cannot hold most amounts in öre exactly.
    """
    number: Decimal | None = None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite():
        violations.append(Violation("R-INPUT", _("%(label)s måste vara ett tal.") % {"label": label}, field))
        return None
    return number


def _amount(value: object, field: str, label: str, violations: list[Violation]) -> Decimal | None:
    """An amount in kronor: a number of at least zero, in whole öre, no larger than MAX_AMOUNT."""
    number = _number(value, field, label, violations)
    if number is None:
        return None
    if number < 0:
        violations.append(
            Violation("R-INPUT", _("%(label)s får inte vara mindre än noll.") % {"label": label}, field)
        )
        return None
    if number > MAX_AMOUNT:
        violations.append(
            Violation(
                "R-INPUT",
                _("%(label)s får vara högst %(max_amount_text)s.")
                % {"label": label, "max_amount_text": _MAX_AMOUNT_TEXT},
                field,
            )
        )
        return None
    if number != number.quantize(ORE):
        violations.append(
            Violation(
                "R-INPUT",
                _("%(label)s anges i kronor med högst två decimaler (hela ören).") % {"label": label},
                field,
            )
        )
        return None
    return number.quantize(ORE)


def _count(
    value: object, field: str, label: str, violations: list[Violation], *, whole: bool
) -> Decimal | None:
    """A count of people (a population, a försörjningsmått): at least zero, at most MAX_COUNT."""
    number = _number(value, field, label, violations)
    if number is None:
        return None
    if number < 0:
        violations.append(
            Violation("R-INPUT", _("%(label)s får inte vara mindre än noll.") % {"label": label}, field)
        )
        return None
    if number > MAX_COUNT:
        violations.append(
            Violation(
                "R-INPUT",
                _("%(label)s får vara högst %(max_count)s.")
                % {"label": label, "max_count": format(MAX_COUNT, ",").replace(",", " ")},
                field,
            )
        )
        return None
    if whole and number != number.to_integral_value():
        violations.append(
            Violation("R-INPUT", _("%(label)s måste vara ett heltal.") % {"label": label}, field)
        )
        return None
    return number


def _fraction_between(
    value: object, field: str, label: str, violations: list[Violation], *, code: str
) -> Decimal | None:
    """A share written as a fraction, 0 <= x <= 1."""
    number = _number(value, field, label, violations)
    if number is None:
        return None
    if not 0 <= number <= 1:
        violations.append(
            Violation(
                code,
                (
                    _("%(label)s anges som andel, minst 0 och högst 1 (0,10 betyder 10 %%).")
                    % {"label": label}
                ),
                field,
            )
        )
        return None
    return number


def _code(value: object, field: str, label: str, violations: list[Violation]) -> str | None:
    if not isinstance(value, str) or not value.strip():
        violations.append(Violation("R-INPUT", _("%(label)s saknas.") % {"label": label}, field))
        return None
    return value.strip()


# --------------------------------------------------------------------------------------------------
# R-SHARES


@dataclass(frozen=True)
class PartyInput:
    """A region or a municipality of the förbund, with what its split key needs.

    `population` is used by the key "population", `share` (a percentage of the group's part, e.g.
    Decimal("37.5")) by the key "fixed"; the key "equal" needs neither.
    """

    code: str
    name: str = ""
    population: int | Decimal | None = None
    share: Decimal | None = None


@dataclass(frozen=True)
class ContributionInput:
    """The body of POST /api/v1/contributions/calculate."""

    total: Decimal
    municipalities: Sequence[PartyInput]
    regions: Sequence[PartyInput]
    municipal_key: str = POPULATION
    region_key: str = POPULATION


@dataclass(frozen=True)
class Share:
    """One party's contribution. `kind` is "fk", "af", "region" or "municipality"."""

    kind: str
    code: str
    name: str
    amount: Decimal


@dataclass(frozen=True)
class ContributionResult:
    total: Decimal
    shares: tuple[Share, ...]

    def amount_of(self, kind: str) -> Decimal:
        """The sum of the shares of one kind of party."""
        return sum((share.amount for share in self.shares if share.kind == kind), ZERO)


_GROUPS: dict[str, dict[str, Any]] = {
    "municipality": {
        "list": "municipalities",
        "key_field": "municipal_key",
        "one": gettext_lazy("kommun"),
        "all": gettext_lazy("kommunerna"),
        "every": gettext_lazy("alla kommuner"),
    },
    "region": {
        "list": "regions",
        "key_field": "region_key",
        "one": pgettext_lazy("en part", "region"),
        "all": gettext_lazy("regionerna"),
        "every": gettext_lazy("alla regioner"),
    },
}


def calculate_contributions(data: ContributionInput) -> ContributionResult:
    """R-SHARES: FK one half, the regions one quarter, the municipalities one quarter (law 5 §).

    FK's half also covers Arbetsförmedlingen's part (finsam.se, "Statens fördelningsmodell"), so AF is
    listed with 0,00 kr: it is a member and shows up on every contribution list, but pays nothing of its
    own. Several regions, and several municipalities, each count as one party whose quarter is split by
    the charter's key: by population, in equal parts, or by fixed percentages summing to 100.

    Shares come in a fixed order: FK, AF, the regions by code, the municipalities by code.
    """
    violations: list[Violation] = []
    total = _amount(data.total, "total", _("Totalbeloppet"), violations)
    region_weights = _group_weights(data.regions, data.region_key, "region", violations)
    municipal_weights = _group_weights(data.municipalities, data.municipal_key, "municipality", violations)
    raise_if_any(violations)
    assert total is not None and region_weights is not None and municipal_weights is not None

    top = allocate(total, {"1-fk": 2, "2-regions": 1, "3-municipalities": 1})
    shares = [Share("fk", FK_CODE, FK_NAME, top["1-fk"]), Share("af", AF_CODE, AF_NAME, ZERO)]
    for kind, parties, group_total, weights in (
        ("region", data.regions, top["2-regions"], region_weights),
        ("municipality", data.municipalities, top["3-municipalities"], municipal_weights),
    ):
        names = {party.code.strip(): (party.name or "").strip() for party in parties}
        for code, amount in allocate(group_total, weights).items():
            shares.append(Share(kind, code, names[code] or code, amount))
    return ContributionResult(total=total, shares=tuple(shares))


def _group_weights(
    parties: Sequence[PartyInput], key: str, kind: str, violations: list[Violation]
) -> dict[str, Decimal] | None:
    """The weights of one group (the regions or the municipalities) under its split key."""
    group = _GROUPS[kind]
    list_field, one, plural = group["list"], group["one"], group["all"]
    found = len(violations)
    if key not in SPLIT_KEYS:
        violations.append(
            Violation(
                "R-INPUT",
                (
                    _(
                        "Fördelningsnyckeln för %(plural)s är okänd (%(key)s); välj "
                        "population, equal eller fixed."
                    )
                    % {"plural": plural, "key": repr(key)}
                ),
                group["key_field"],
            )
        )
        key = EQUAL  # keep checking the parties themselves
    if not parties:
        violations.append(
            Violation("R-SHARES", _("Minst en %(one)s måste bidra (lag 5 §).") % {"one": one}, list_field)
        )
        return None

    weights: dict[str, Decimal] = {}
    given: list[Decimal] = []
    missing: list[Violation] = []
    for index, party in enumerate(parties):
        path = f"{list_field}[{index}]"
        code = _code(
            party.code,
            f"{path}.code",
            _("Koden för %(one)s nummer %(value)s") % {"one": one, "value": index + 1},
            violations,
        )
        if code is None:
            continue
        if code in weights:
            violations.append(
                Violation(
                    "R-SHARES",
                    _("%(capitalize)s %(code)s finns med mer än en gång.")
                    % {"capitalize": one.capitalize(), "code": code},
                    f"{path}.code",
                )
            )
            continue
        weights[code] = Decimal(1)
        if party.population is not None:
            population = _count(
                party.population,
                f"{path}.population",
                _("Folkmängden för %(one)s %(code)s") % {"one": one, "code": code},
                violations,
                whole=True,
            )
            if key == POPULATION and population is not None:
                weights[code] = population
                given.append(population)
        elif key == POPULATION:
            missing.append(
                Violation(
                    "R-SHARES",
                    (
                        _("Folkmängden för %(one)s %(code)s saknas (fördelning efter folkmängd).")
                        % {"one": one, "code": code}
                    ),
                    f"{path}.population",
                )
            )
        if party.share is not None:
            share = _number(
                party.share,
                f"{path}.share",
                _("Andelen för %(one)s %(code)s") % {"one": one, "code": code},
                violations,
            )
            if share is not None and not 0 <= share <= 100:
                violations.append(
                    Violation(
                        "R-INPUT",
                        _("Andelen för %(one)s %(code)s ska vara mellan 0 och 100 %%.")
                        % {"one": one, "code": code},
                        f"{path}.share",
                    )
                )
            elif share is not None and key == FIXED:
                weights[code] = share
                given.append(share)
        elif key == FIXED:
            missing.append(
                Violation(
                    "R-SHARES",
                    (
                        _("Andelen för %(one)s %(code)s saknas (fördelning med fasta procentsatser).")
                        % {"one": one, "code": code}
                    ),
                    f"{path}.share",
                )
            )
    # A single party takes the whole group part; it needs no key data.
    if len(parties) > 1:
        violations.extend(missing)
    if len(violations) > found:
        return None
    if key == POPULATION and given and sum(given, ZERO) == 0:
        violations.append(
            Violation(
                "R-SHARES",
                (
                    _("Folkmängden är noll för %(group)s; deras del kan inte fördelas efter folkmängd.")
                    % {"group": group["every"]}
                ),
                list_field,
            )
        )
        return None
    if key == FIXED and given and sum(given, ZERO) != 100:
        violations.append(
            Violation(
                "R-SHARES",
                (
                    _("Andelarna för %(plural)s summerar till %(percent)s %%, inte 100 %%.")
                    % {"plural": plural, "percent": _percent(sum(given, ZERO))}
                ),
                list_field,
            )
        )
        return None
    return weights


def _percent(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


# --------------------------------------------------------------------------------------------------
# R-CAP-2004


@dataclass(frozen=True)
class Cap2004Result:
    """The most a förbund could hold under the 2004 rule.

    `state` is FK's (and the employment service's) joint part, `per_party` what each of the four
    parties puts in (FK, AF, the region, the municipalities), `total` the most the coordination could
    comprise: total = 2 x state = 4 x per_party.
    """

    sickness_benefit_costs: Decimal
    state: Decimal
    per_party: Decimal
    total: Decimal


def cap_2004(
    sickness_benefit_costs: Decimal | int | str,
    *,
    rate: Decimal = CAP_2004_RATE,
    unit: Decimal = CAP_2004_UNIT,
) -> Cap2004Result:
    """R-CAP-2004: FK may use at most `rate` (5 %) of the local sickness-benefit costs.

    The state part is that percentage rounded *down* to a whole `unit` (1 000 kr, whole tkr as in the
    source): it is a ceiling, so rounding may never lift it above 5 %. FK and AF take half each, and the
    region and the municipalities each match one party's part. With the default unit this reproduces
    Hallstahammar 2001 exactly: 109 569 000 kr -> state 5 478 000, per party 2 739 000, total 10 956 000.
    """
    violations: list[Violation] = []
    costs = _amount(sickness_benefit_costs, "sickness_benefit_costs", _("Sjukpenningkostnaderna"), violations)
    rate_value = _number(rate, "rate", _("Procentsatsen"), violations)
    if rate_value is not None and not 0 < rate_value <= 1:
        violations.append(
            Violation(
                "R-CAP-2004",
                _("Procentsatsen anges som andel, större än 0 och högst 1 (0,05 = 5 %)."),
                "rate",
            )
        )
    unit_value = _number(unit, "unit", _("Avrundningsenheten"), violations)
    if unit_value is not None and (
        unit_value <= 0 or (Fraction(unit_value) / Fraction(2, 100)).denominator != 1
    ):
        violations.append(
            Violation(
                "R-CAP-2004",
                _(
                    "Avrundningsenheten ska vara ett positivt belopp som går jämnt "
                    "upp i hela ören när det delas på två (till exempel 1000 eller "
                    "0,02)."
                ),
                "unit",
            )
        )
    raise_if_any(violations)
    assert costs is not None and rate_value is not None and unit_value is not None
    units = math.floor(Fraction(costs) * Fraction(rate_value) / Fraction(unit_value))
    state = (units * unit_value).quantize(ORE)
    per_party = (state / 2).quantize(ORE)
    return Cap2004Result(
        sickness_benefit_costs=costs, state=state, per_party=per_party, total=(per_party * 4).quantize(ORE)
    )


# --------------------------------------------------------------------------------------------------
# R-STATE-MODEL


@dataclass(frozen=True)
class AssociationFigures:
    """One förbund in the state model.

    `support_measure` is SCB's försörjningsmått for the förbund's area (people supported by sickness,
    labour-market or social-assistance benefits; may have decimals, e.g. full-year equivalents);
    `population` the inhabitants aged 16-64; `previous` last year's allocation, None for a new förbund.
    `floor_protected` False lifts the 10 % floor for this förbund (the model exempts a förbund whose equity
    exceeds the recommended level).
    """

    code: str
    support_measure: Decimal | int
    population: int | Decimal
    previous: Decimal | None = None
    name: str = ""
    floor_protected: bool = True


@dataclass(frozen=True)
class StateModelInput:
    """The body of POST /api/v1/state-allocation/calculate. Weights and the reduction are fractions."""

    appropriation: Decimal
    associations: Sequence[AssociationFigures]
    base_amount: Decimal = STATE_MODEL_BASE_AMOUNT
    need_weight: Decimal = STATE_MODEL_NEED_WEIGHT
    population_weight: Decimal = STATE_MODEL_POPULATION_WEIGHT
    max_reduction: Decimal = STATE_MODEL_MAX_REDUCTION


@dataclass(frozen=True)
class StateAllocationResult:
    """One förbund's allocation and how it came about.

    model_amount = base + need_part + population_part; final = model_amount + floor_adjustment.
    `floor` is the least it may get (None without a protected previous allocation); `at_floor` says it
    gets exactly its floor: either lifted to it, or pushed down to it while the others made room for a
    lifted förbund; `change` is final - previous (None for a new förbund).
    """

    code: str
    name: str
    base: Decimal
    need_part: Decimal
    population_part: Decimal
    model_amount: Decimal
    floor: Decimal | None
    floor_adjustment: Decimal
    final: Decimal
    previous: Decimal | None
    change: Decimal | None
    at_floor: bool


@dataclass(frozen=True)
class StateAllocationCalculation:
    appropriation: Decimal
    base_amount: Decimal
    need_pool: Decimal
    population_pool: Decimal
    floor_rounds: int
    results: tuple[StateAllocationResult, ...]

    def result_for(self, code: str) -> StateAllocationResult:
        return next(result for result in self.results if result.code == code)


def calculate_state_allocation(data: StateModelInput) -> StateAllocationCalculation:
    """R-STATE-MODEL: split the state appropriation between the förbund.

    1. Every förbund gets the base amount. What is left is split by `need_weight` and
       `population_weight` into a need pool and a population pool (largest remainder).
    2. The need pool is split by försörjningsmått, the population pool by population 16-64 (each by
       largest remainder). base + need part + population part is the model amount; they sum exactly to
       the appropriation.
    3. No protected förbund with a previous allocation may fall below previous x (1 - max_reduction),
       rounded up to the öre (the floor). Those below it are held at the floor; the money needed is
       taken from all the others in proportion to their model amounts. That may push another förbund
       below its floor: it is held at its floor too, and the others are scaled again, until no one new
       falls below (each round holds at least one more förbund, so this ends). What is left after the
       floors is split between the others by largest remainder, so the total stays exact.
       `floor_rounds` counts the rounds that held someone.

    When the floors alone need more than the appropriation, no split can honour them: the function
    refuses with R-STATE-MODEL and names both sums (lower `max_reduction` or raise the appropriation).
    """
    violations: list[Violation] = []
    appropriation = _amount(data.appropriation, "appropriation", _("Anslaget"), violations)
    base_amount = _amount(data.base_amount, "base_amount", _("Grundbeloppet"), violations)
    need_weight = _fraction_between(
        data.need_weight,
        "need_weight",
        _("Vikten för försörjningsmåttet"),
        violations,
        code="R-STATE-MODEL",
    )
    population_weight = _fraction_between(
        data.population_weight,
        "population_weight",
        _("Vikten för befolkningen 16–64 år"),
        violations,
        code="R-STATE-MODEL",
    )
    max_reduction = _fraction_between(
        data.max_reduction,
        "max_reduction",
        _("Spärren för minskning"),
        violations,
        code="R-STATE-MODEL",
    )
    figures = _association_figures(data.associations, violations)
    raise_if_any(violations)
    assert appropriation is not None and base_amount is not None and max_reduction is not None
    assert need_weight is not None and population_weight is not None

    if need_weight + population_weight != 1:
        violations.append(
            Violation(
                "R-STATE-MODEL",
                (
                    _(
                        "Vikterna för försörjningsmått och befolkning summerar till "
                        "%(percent)s %%, inte 100 %%."
                    )
                    % {"percent": _percent((need_weight + population_weight) * 100)}
                ),
                "need_weight",
            )
        )
    base_total = base_amount * len(figures)
    if base_total > appropriation:
        violations.append(
            Violation(
                "R-STATE-MODEL",
                (
                    _("Anslaget (%(kr)s) räcker inte till grundbeloppet för %(count)s förbund (%(kr2)s).")
                    % {"kr": _kr(appropriation), "count": len(figures), "kr2": _kr(base_total)}
                ),
                "appropriation",
            )
        )
    raise_if_any(violations)

    pools = allocate(appropriation - base_total, {"need": need_weight, "population": population_weight})
    if pools["need"] > 0 and sum(f.support_measure for f in figures) == 0:
        violations.append(
            Violation(
                "R-STATE-MODEL",
                _("Försörjningsmåttet är noll för alla förbund; behovsdelen kan inte fördelas."),
                "associations",
            )
        )
    if pools["population"] > 0 and sum(f.population for f in figures) == 0:
        violations.append(
            Violation(
                "R-STATE-MODEL",
                _("Befolkningen 16–64 år är noll för alla förbund; befolkningsdelen kan inte fördelas."),
                "associations",
            )
        )
    raise_if_any(violations)

    need = allocate(pools["need"], {f.code: f.support_measure for f in figures})
    population = allocate(pools["population"], {f.code: f.population for f in figures})
    model = {f.code: base_amount + need[f.code] + population[f.code] for f in figures}
    keep = Fraction(1) - Fraction(max_reduction)
    floors = {
        f.code: _ceil_ore(Fraction(f.previous) * keep)
        for f in figures
        if f.previous is not None and f.floor_protected
    }
    floor_total = sum(floors.values(), ZERO)
    if floor_total > appropriation:
        raise RuleViolation(
            "R-STATE-MODEL",
            (
                _(
                    "Anslaget (%(kr)s) räcker inte för att inget förbund ska minska "
                    "mer än %(percent)s %%: golven summerar till %(kr2)s."
                )
                % {
                    "kr": _kr(appropriation),
                    "percent": _percent(max_reduction * 100),
                    "kr2": _kr(floor_total),
                }
            ),
            "appropriation",
        )

    lifted: set[str] = set()
    rounds = 0
    while True:
        free = [f.code for f in figures if f.code not in lifted]
        remaining = appropriation - sum((floors[code] for code in lifted), ZERO)
        free_model = sum((model[code] for code in free), ZERO)
        # Below its floor once the others are scaled: model x remaining / free_model < floor. Compared
        # as exact fractions, so that no precision limit of Decimal can flip the answer.
        below = {
            code
            for code in free
            if code in floors
            and Fraction(model[code]) * Fraction(remaining) < Fraction(floors[code]) * Fraction(free_model)
        }
        if not below:
            break
        lifted |= below
        rounds += 1
    final = {code: floors[code] for code in lifted}
    final.update(allocate(remaining, {code: model[code] for code in free}))

    results = []
    for f in sorted(figures, key=lambda item: item.code):
        results.append(
            StateAllocationResult(
                code=f.code,
                name=f.name,
                base=base_amount,
                need_part=need[f.code],
                population_part=population[f.code],
                model_amount=model[f.code],
                floor=floors.get(f.code),
                floor_adjustment=final[f.code] - model[f.code],
                final=final[f.code],
                previous=f.previous,
                change=None if f.previous is None else final[f.code] - f.previous,
                at_floor=f.code in lifted,
            )
        )
    return StateAllocationCalculation(
        appropriation=appropriation,
        base_amount=base_amount,
        need_pool=pools["need"],
        population_pool=pools["population"],
        floor_rounds=rounds,
        results=tuple(results),
    )


@dataclass(frozen=True)
class _Figures:
    code: str
    name: str
    support_measure: Decimal
    population: Decimal
    previous: Decimal | None
    floor_protected: bool


def _association_figures(
    associations: Sequence[AssociationFigures], violations: list[Violation]
) -> list[_Figures]:
    if not associations:
        violations.append(
            Violation("R-STATE-MODEL", _("Minst ett förbund måste ingå i fördelningen."), "associations")
        )
        return []
    figures: list[_Figures] = []
    seen: set[str] = set()
    for index, item in enumerate(associations):
        path = f"associations[{index}]"
        code = _code(
            item.code,
            f"{path}.code",
            _("Koden för förbund nummer %(value)s") % {"value": index + 1},
            violations,
        )
        if code is None:
            continue
        if code in seen:
            violations.append(
                Violation(
                    "R-STATE-MODEL",
                    _("Förbundet %(code)s finns med mer än en gång.") % {"code": code},
                    f"{path}.code",
                )
            )
            continue
        seen.add(code)
        name = item.name.strip() if isinstance(item.name, str) else ""
        called = name or code
        support = _count(
            item.support_measure,
            f"{path}.support_measure",
            _("Försörjningsmåttet för %(called)s") % {"called": called},
            violations,
            whole=False,
        )
        population = _count(
            item.population,
            f"{path}.population",
            _("Befolkningen 16–64 år för %(called)s") % {"called": called},
            violations,
            whole=True,
        )
        previous = None
        if item.previous is not None:
            previous = _amount(
                item.previous,
                f"{path}.previous",
                _("Fjolårets tilldelning för %(called)s") % {"called": called},
                violations,
            )
        if support is None or population is None or (item.previous is not None and previous is None):
            continue
        figures.append(_Figures(code, name, support, population, previous, bool(item.floor_protected)))
    return figures


def _kr(amount: Decimal) -> str:
    return format_kr(amount, decimals=True)


# --------------------------------------------------------------------------------------------------
# Amounts and counts typed by a person (budget pages, the population import)


def check_amount(value: object, *, field: str, label: str, violations: list[Violation]) -> Decimal | None:
    """An amount in kronor as the rules accept it (see `_amount`); None and a violation otherwise."""
    return _amount(value, field, label, violations)


def check_population(value: object, *, field: str, label: str, violations: list[Violation]) -> int | None:
    """A population: a whole number of at least zero and at most MAX_COUNT."""
    number = _count(value, field, label, violations, whole=True)
    return None if number is None else int(number)


# --------------------------------------------------------------------------------------------------
# R-BUDGET: the adoption deadline


def adoption_deadline(year: int) -> date:
    """The board adopts the budget for `year` no later than 30 November of the year before (law 23 §)."""
    return date(year - 1, 11, 30)


def adoption_overdue(*, year: int, adopted: bool, today: date) -> bool:
    """R-BUDGET: the budget for `year` is not adopted and its last day of adoption has passed."""
    return not adopted and today > adoption_deadline(year)


def adopted_late(year: int, adopted_on: date) -> bool:
    """Adoption after the deadline is allowed (the budget still has to exist) but flagged."""
    return adopted_on > adoption_deadline(year)


# --------------------------------------------------------------------------------------------------
# Outcome and equity (R-EQUITY)

WITHIN = "within"
ABOVE = "above"
NEGATIVE = "negative"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class YearResult:
    """income - costs = result, each exact to the öre."""

    income: Decimal
    costs: Decimal
    result: Decimal


def year_result(*, income: Decimal, costs: Sequence[Decimal]) -> YearResult:
    """The year's result: the contributions (budgeted or received) less the costs of every line."""
    total_costs = sum(costs, ZERO).quantize(ORE)
    income = Decimal(income).quantize(ORE)
    return YearResult(income=income, costs=total_costs, result=(income - total_costs).quantize(ORE))


@dataclass(frozen=True)
class EquityPosition:
    """Equity (eget kapital) at the end of a year, and how it stands against the reference level.

    opening + result = closing. `share_percent` is closing equity as a percentage of the year's
    contributions, to one decimal (None without contributions). `status`: "within" (0 <= share <= the
    reference), "above" (more than the reference: the förbund holds more than recommended), "negative"
    (closing equity below zero: the members must cover it), "unknown" (no contributions to compare with).
    """

    opening: Decimal
    result: Decimal
    closing: Decimal
    contributions: Decimal
    reference_percent: Decimal
    share_percent: Decimal | None
    status: str


def equity_position(
    *, opening: Decimal, result: Decimal, contributions: Decimal, reference_percent: Decimal | int
) -> EquityPosition:
    """Carry the year's result to equity and compare the closing equity with the reference level.

    The comparison is exact (closing x 100 against reference x contributions); only the shown share is
    rounded, half up to one decimal.
    """
    opening = Decimal(opening).quantize(ORE)
    result = Decimal(result).quantize(ORE)
    contributions = Decimal(contributions).quantize(ORE)
    reference = Decimal(reference_percent)
    closing = (opening + result).quantize(ORE)
    share: Decimal | None = None
    if contributions > 0:
        share = (closing * 100 / contributions).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if closing < 0:
        status = NEGATIVE
    elif contributions <= 0:
        status = UNKNOWN
    elif closing * 100 > reference * contributions:
        status = ABOVE
    else:
        status = WITHIN
    return EquityPosition(
        opening=opening,
        result=result,
        closing=closing,
        contributions=contributions,
        reference_percent=reference,
        share_percent=share,
        status=status,
    )
