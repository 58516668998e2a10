"""How the portal writes a person's identifiers: NHS numbers in 3-3-4, phone numbers as dialled."""

from __future__ import annotations

import phonenumbers


def format_nhs_number(value: str | None) -> str:
    """'9434765919' -> '943 476 5919'; anything not ten digits is returned as it is."""
    digits = "".join((value or "").split())
    if len(digits) == 10 and digits.isdigit():
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return value or ""


def format_phone(value: str | None) -> str:
    """A UK number in its national form ('01603 123456', '07700 900123'); others international;
    what cannot be read as a number is returned as it is."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_possible_number(number):
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
