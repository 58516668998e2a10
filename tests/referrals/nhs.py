"""NHS numbers for tests, with the modulus-11 check digit worked out independently."""

from __future__ import annotations


def check_digit(nine: str) -> int | None:
    """The check digit of nine digits, or None when the remainder makes it 10 (never issued)."""
    total = sum(int(digit) * weight for digit, weight in zip(nine, range(10, 1, -1), strict=True))
    digit = (11 - total % 11) % 11
    return None if digit == 10 else digit


def fake_nhs_number(serial: int) -> str:
    """A valid NHS number beginning with 9 (test numbers, never issued to anyone)."""
    n = serial
    while True:
        nine = f"9{n:08d}"
        digit = check_digit(nine)
        if digit is not None and len(set(nine + str(digit))) > 1:
            return nine + str(digit)
        n += 1
