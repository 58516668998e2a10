from __future__ import annotations

from decimal import Decimal

import pytest

from activeportal.lib.money import format_count, format_gbp, parse_pounds, to_pounds


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


@pytest.mark.parametrize(
    ("text", "pounds"),
    [
        ("12345.67", Decimal("12345.67")),
        ("12,345.67", Decimal("12345.67")),
        ("£12,345.67", Decimal("12345.67")),
        ("£1,234,567", Decimal("1234567.00")),
        (" 5 ", Decimal("5.00")),
        ("0", Decimal("0.00")),
        (1234.5, Decimal("1234.50")),
    ],
)
def test_parse_pounds_reads_what_a_spreadsheet_holds(text, pounds):
    assert parse_pounds(text) == pounds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12,34x", "'12,34x' is not an amount in pounds"),
        ("12,34", "is not an amount in pounds"),
        ("12.345", "is not an amount in pounds"),
        ("", "is not an amount in pounds"),
        ("-5", "'-5' is negative: amounts are £0 or more"),
        ("£-5", "is negative"),
        ("10000000000", "is too large"),
    ],
)
def test_parse_pounds_refuses_what_is_not_an_amount(text, message):
    with pytest.raises(ValueError, match=message):
        parse_pounds(text)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (4694, "4,694"),
        (Decimal("7542.0"), "7,542"),
        (2959098, "2,959,098"),
        (Decimal("1.25"), "1.25"),
        (0, "0"),
        ("<5", "<5"),
        (None, "—"),
    ],
)
def test_counts_are_written_with_thousands_separators(value, shown):
    assert format_count(value) == shown
