from __future__ import annotations

from decimal import Decimal

from activeportal.lib.money import format_gbp, to_pounds


def test_money_is_shown_in_whole_pounds_with_thousands():
    assert format_gbp(Decimal("2959098")) == "£2,959,098"
    assert format_gbp(Decimal("12345.5")) == "£12,346"
    assert format_gbp(Decimal("-5")) == "-£5"
    assert format_gbp(None) == "—"


def test_pence_when_asked():
    assert format_gbp(Decimal("12345.6"), pence=True) == "£12,345.60"


def test_to_pounds_rounds_half_up_to_the_penny():
    assert to_pounds("0.005") == Decimal("0.01")
    assert to_pounds(3) == Decimal("3.00")
