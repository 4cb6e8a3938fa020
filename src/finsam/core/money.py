"""Money is Decimal kronor with two decimals; shown the Swedish way (1 234 567 kr, 10 956 tkr)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ORE = Decimal("0.01")
NBSP = "\u00a0"


def to_money(value: object) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount.quantize(ORE, rounding=ROUND_HALF_UP)


def _group(integer: int) -> str:
    return f"{integer:,}".replace(",", NBSP)


def format_kr(amount: Decimal | int | None, *, decimals: bool = False) -> str:
    if amount is None:
        return "–"
    value = Decimal(amount)
    sign = "−" if value < 0 else ""
    value = abs(value)
    if decimals:
        q = value.quantize(ORE, rounding=ROUND_HALF_UP)
        whole, frac = divmod(q, 1)
        return f"{sign}{_group(int(whole))},{int(frac * 100):02d}{NBSP}kr"
    return f"{sign}{_group(int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)))}{NBSP}kr"


def format_tkr(amount: Decimal | int | None) -> str:
    if amount is None:
        return "–"
    value = Decimal(amount) / 1000
    sign = "−" if value < 0 else ""
    return f"{sign}{_group(int(abs(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)))}{NBSP}tkr"
