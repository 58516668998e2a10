"""Money is Decimal pounds with two places; shown as £12,345 (pence only when asked)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


def to_pounds(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def format_gbp(value: Decimal | int | None, *, pence: bool = False) -> str:
    """``Decimal("12345.6")`` -> ``"£12,346"`` (or ``"£12,345.60"`` with ``pence=True``)."""
    if value is None:
        return "—"
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if pence:
        return f"{sign}£{amount.quantize(PENNY, rounding=ROUND_HALF_UP):,.2f}"
    return f"{sign}£{amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,.0f}"
