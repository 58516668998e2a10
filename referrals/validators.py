"""Validation and normalisation of a referral's identifiers: pure functions, clear messages."""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from nhs_number import calculate_checksum

_NHS_SEPARATORS = re.compile(r"[\s-]+")
# UK postcode: outward code (area, district, optional sub-district) and inward code (sector
# digit and unit letters, which never use C, I, K, M, O or V).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][ABD-HJLNP-UW-Z]{2})$")
_PHONE_SEPARATORS = re.compile(r"[\s().-]+")
_UK_PHONE = re.compile(r"^0[1-9][0-9]{8,9}$")
OLDEST_AGE = 125


def normalise_nhs_number(raw: str, *, allow_test: bool | None = None) -> str:
    """Return the 10 digits of an NHS number, or raise ValidationError saying what is wrong.

    Spaces and dashes are removed; the tenth digit must be the modulus-11 check digit.
    Numbers beginning with 9 are never issued (test data) and are accepted only when
    ``allow_test`` (default: the ALLOW_TEST_NHS_NUMBERS setting) is on; placeholder numbers of
    one repeated digit never are.
    """
    if allow_test is None:
        allow_test = settings.ALLOW_TEST_NHS_NUMBERS
    digits = _NHS_SEPARATORS.sub("", str(raw or ""))
    if not digits.isascii() or not digits.isdigit() or len(digits) != 10:
        raise ValidationError(
            "Enter the NHS number as 10 digits, for example 943 476 5919.", code="nhs_format"
        )
    if len(set(digits)) == 1:
        raise ValidationError(
            "This is a placeholder, not a real NHS number: enter the patient's own NHS number.",
            code="nhs_placeholder",
        )
    if calculate_checksum(digits[:9]) != int(digits[9]):
        raise ValidationError(
            "This is not a valid NHS number: check the digits (the last one is a check digit).",
            code="nhs_check_digit",
        )
    if digits.startswith("9") and not allow_test:
        raise ValidationError(
            "NHS numbers beginning with 9 are test numbers and are never issued to patients.",
            code="nhs_test_number",
        )
    return digits


def normalise_postcode(raw: str) -> str:
    """Return a UK postcode in capitals with one space (``nr1 3ab`` -> ``NR1 3AB``)."""
    compact = re.sub(r"\s+", "", str(raw or "")).upper()
    match = _POSTCODE.match(compact)
    if not match:
        raise ValidationError(
            "Enter a full UK postcode, for example NR1 3AB.", code="postcode_format"
        )
    return f"{match.group(1)} {match.group(2)}"


def normalise_uk_phone(raw: str) -> str:
    """Return a UK phone number as its national digits (``+44 1603 123456`` -> ``01603123456``)."""
    compact = _PHONE_SEPARATORS.sub("", str(raw or ""))
    for prefix in ("+44", "0044"):
        if compact.startswith(prefix):
            # "+44 (0)1603 ..." is often written with the national 0 kept.
            compact = "0" + compact.removeprefix(prefix).removeprefix("0")
            break
    if not _UK_PHONE.match(compact):
        raise ValidationError(
            "Enter a UK phone number, for example 01603 123456 or 07700 900123.",
            code="phone_format",
        )
    return compact


def validate_date_of_birth(born: date, *, today: date, minimum_age: int | None = None) -> date:
    """Refuse a date of birth in the future, implausibly old, or under the minimum age."""
    if minimum_age is None:
        minimum_age = settings.MINIMUM_REFERRAL_AGE
    if born >= today:
        raise ValidationError("The date of birth must be in the past.", code="dob_future")
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age > OLDEST_AGE:
        raise ValidationError(
            f"Check the date of birth: it makes the person {age} years old.", code="dob_too_old"
        )
    if age < minimum_age:
        raise ValidationError(
            f"The person must be at least {minimum_age} to be referred to this programme.",
            code="dob_too_young",
        )
    return born
