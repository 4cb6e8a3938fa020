"""Pure rules of the state allocation around the model itself (which is finance.rules'
`calculate_state_allocation`, R-STATE-MODEL): who is exempt from the 10 % floor, and the settings' checks.

The model exempts a förbund whose equity exceeds the recommended level. The measure is R-EQUITY's: the
closing equity of the förbund's latest closed year as a percentage of the contributions it received that
year (finance.rules.equity_position), compared exactly with the level the working group sets per year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from finsam.core.errors import Violation
from finsam.core.money import format_kr

FIRST_YEAR, LAST_YEAR = 2004, 2199


@dataclass(frozen=True)
class Exemption:
    """Whether the floor protects the förbund, and why, in one Swedish sentence."""

    protected: bool
    reason: str
    share_percent: Decimal | None = None


def floor_exemption(
    *,
    closing: Decimal | None,
    contributions: Decimal | None,
    equity_year: int | None,
    level_percent: Decimal,
) -> Exemption:
    """Equity above the level (closing x 100 > level x contributions) lifts the floor; equity at or below
    it, or no closed year to judge by, keeps it: the exemption needs the figures that show it."""
    level = _percent(level_percent)
    if closing is None or contributions is None or equity_year is None:
        return Exemption(True, _("Inget bokslut finns att bedöma det egna kapitalet mot; spärren gäller."))
    if contributions <= 0:
        return Exemption(
            True,
            (
                _("Inga bidrag %(equity_year)s att jämföra det egna kapitalet med; spärren gäller.")
                % {"equity_year": equity_year}
            ),
        )
    share = (closing * 100 / contributions).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = _(
        "Eget kapital %(format_kr)s vid utgången av %(equity_year)s är "
        "%(percent)s %% av årets bidrag (%(format_kr2)s)"
    ) % {
        "format_kr": format_kr(closing),
        "equity_year": equity_year,
        "percent": _percent(share),
        "format_kr2": format_kr(contributions),
    }
    if closing * 100 > level_percent * contributions:
        return Exemption(
            False,
            (
                _("%(text)s, över den rekommenderade nivån %(level)s %%: spärren gäller inte.")
                % {"text": text, "level": level}
            ),
            share,
        )
    return Exemption(
        True,
        (
            _("%(text)s, inom den rekommenderade nivån %(level)s %%: spärren gäller.")
            % {"text": text, "level": level}
        ),
        share,
    )


def _percent(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")
    return text.replace(".", ",")


def check_settings(
    *,
    year: int,
    need_weight: Decimal,
    population_weight: Decimal,
    max_reduction: Decimal,
    equity_level_percent: Decimal,
    population_year: int,
    support_measure_year: int,
) -> list[Violation]:
    """The settings' own rules (the amounts are checked by finance.rules.check_amount)."""
    violations = []
    for value, field, label in (
        (need_weight, "need_weight", _("Vikten för försörjningsmåttet")),
        (population_weight, "population_weight", _("Vikten för befolkningen 16–64 år")),
        (max_reduction, "max_reduction", _("Största minskning")),
    ):
        if not 0 <= value <= 1:
            violations.append(
                Violation(
                    "R-STATE-MODEL",
                    _("%(label)s ska vara en andel mellan 0 och 1.") % {"label": label},
                    field,
                )
            )
    if 0 <= need_weight <= 1 and 0 <= population_weight <= 1 and need_weight + population_weight != 1:
        violations.append(
            Violation(
                "R-STATE-MODEL",
                _("Vikterna för försörjningsmått och befolkning ska tillsammans vara 1 (100 %)."),
                "population_weight",
            )
        )
    if not 0 <= equity_level_percent <= 1000:
        violations.append(
            Violation(
                "R-STATE-MODEL",
                _("Den rekommenderade nivån för eget kapital anges i procent, mellan 0 och 1 000."),
                "equity_level_percent",
            )
        )
    for year_value, field, label in (
        (population_year, "population_year", _("Befolkningens år")),
        (support_measure_year, "support_measure_year", _("Försörjningsmåttets år")),
    ):
        if not year - 10 <= year_value <= year:
            violations.append(
                Violation(
                    "R-STATE-MODEL",
                    (
                        _(
                            "%(label)s ska vara fördelningsåret eller ett av de tio åren "
                            "före (%(value)s–%(year)s)."
                        )
                        % {"label": label, "value": year - 10, "year": year}
                    ),
                    field,
                )
            )
    return violations
