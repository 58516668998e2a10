"""Money is Decimal pounds with two places; shown as £12,345 (pence only when asked). Counts
are shown as people write them too: 4,694."""

from __future__ import annotations

import re
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


def format_count(value) -> str:
    """``4694`` -> ``"4,694"``; ``Decimal("1.5")`` -> ``"1.5"``; None -> ``"—"``. Text (a hidden
    small number such as ``"<5"``, or a word) is returned as it is."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, int) or value == int(value):
        return f"{int(value):,}"
    return f"{value:,}"


_POUNDS = re.compile(r"^(-?)£?\s*(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$")
MAX_POUNDS = Decimal("9999999999.99")  # what a Decimal(12, 2) column holds


def parse_pounds(text: str | int | float | Decimal) -> Decimal:
    """``"12345.67"``, ``"12,345.67"`` or ``"£12,345.67"`` -> ``Decimal("12345.67")``.

    Raises ``ValueError`` with a message a person can act on: not an amount, negative, too large.
    """
    raw = str(text).strip().replace("£ ", "£")
    match = _POUNDS.match(raw)
    if not match:
        raise ValueError(f"'{text}' is not an amount in pounds")
    minus = match.group(1) or match.group(2)
    amount = Decimal(match.group(3).replace(",", "") + "." + (match.group(4) or "0"))
    if minus and amount:
        raise ValueError(f"'{text}' is negative: amounts are £0 or more")
    if amount > MAX_POUNDS:
        raise ValueError(f"'{text}' is too large for one allocation")
    return amount.quantize(PENNY)
