from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from referrals.validators import (
    normalise_nhs_number,
    normalise_postcode,
    normalise_uk_phone,
    validate_date_of_birth,
)

from .nhs import check_digit

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


def _valid(nine: str) -> str:
    digit = check_digit(nine)
    assume(digit is not None)
    number = nine + str(digit)
    assume(len(set(number)) > 1)
    return number


@given(nine_digits)
def test_every_valid_nhs_number_is_accepted(nine):
    number = _valid(nine)
    assert normalise_nhs_number(number, allow_test=True) == number


@given(nine_digits, st.integers(0, 9), st.integers(1, 9))
def test_every_single_digit_change_of_a_valid_nhs_number_is_refused(nine, position, step):
    number = _valid(nine)
    changed = str((int(number[position]) + step) % 10)
    typo = number[:position] + changed + number[position + 1 :]
    with pytest.raises(ValidationError):
        normalise_nhs_number(typo, allow_test=True)


@given(nine_digits)
def test_spaces_and_dashes_are_removed(nine):
    number = _valid(nine)
    spaced = f" {number[:3]} {number[3:6]}-{number[6:]} "
    assert normalise_nhs_number(spaced, allow_test=True) == number


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "10 digits"),
        ("94347659", "10 digits"),
        ("943476591900", "10 digits"),
        ("943476591X", "10 digits"),
        ("９４３４７６５９１９", "10 digits"),  # full-width digits are not accepted
        ("9434765918", "not a valid NHS number"),
        ("4010232170", "not a valid NHS number"),  # the remainder makes the check digit 10
        ("0000000000", "placeholder"),
        ("1111111111", "placeholder"),
        ("9999999999", "placeholder"),
    ],
)
def test_bad_nhs_numbers_are_refused_with_a_clear_message(raw, message):
    with pytest.raises(ValidationError) as caught:
        normalise_nhs_number(raw, allow_test=True)
    assert message in caught.value.messages[0]


def test_numbers_beginning_with_9_need_the_setting(settings):
    with pytest.raises(ValidationError, match="test numbers"):
        normalise_nhs_number("943 476 5919", allow_test=False)
    settings.ALLOW_TEST_NHS_NUMBERS = False
    with pytest.raises(ValidationError, match="test numbers"):
        normalise_nhs_number("9434765919")
    settings.ALLOW_TEST_NHS_NUMBERS = True
    assert normalise_nhs_number("9434765919") == "9434765919"


def test_a_real_range_number_is_accepted_without_the_setting():
    assert normalise_nhs_number("485 777 3457", allow_test=False) == "4857773457"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("nr1 3ab", "NR1 3AB"),
        ("NR13AB", "NR1 3AB"),
        ("  pe30   1aa ", "PE30 1AA"),
        ("ip24 2dz", "IP24 2DZ"),
        ("W1A 1AA", "W1A 1AA"),
        ("m1 1ae", "M1 1AE"),
        ("EC1A 1BB", "EC1A 1BB"),
    ],
)
def test_postcodes_are_normalised(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "NR1", "NR1 3A", "1NR 3AB", "NR1 3CB", "NR1 3AB X", "N1R1 3AB"]
)
def test_bad_postcodes_are_refused(raw):
    with pytest.raises(ValidationError, match="full UK postcode"):
        normalise_postcode(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01603 123456", "01603123456"),
        ("07700 900123", "07700900123"),
        ("+44 7700 900123", "07700900123"),
        ("+44 (0)1603 123456", "01603123456"),
        ("0044 1603 123456", "01603123456"),
        ("(01603) 123-456", "01603123456"),
    ],
)
def test_uk_phone_numbers_are_normalised(raw, expected):
    assert normalise_uk_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "+33 1 23 45 67 89", "07700 9001234567", "phone me"])
def test_bad_phone_numbers_are_refused(raw):
    with pytest.raises(ValidationError, match="UK phone number"):
        normalise_uk_phone(raw)


TODAY = date(2025, 3, 12)


def test_a_person_of_exactly_the_minimum_age_may_be_referred():
    assert validate_date_of_birth(date(2009, 3, 12), today=TODAY, minimum_age=16)


@pytest.mark.parametrize(
    ("born", "message"),
    [
        (date(2009, 3, 13), "at least 16"),
        (date(2025, 3, 12), "in the past"),
        (date(2026, 1, 1), "in the past"),
        (date(1890, 1, 1), "Check the date of birth"),
    ],
)
def test_bad_dates_of_birth_are_refused(born, message):
    with pytest.raises(ValidationError, match=message):
        validate_date_of_birth(born, today=TODAY, minimum_age=16)


def test_the_minimum_age_is_a_setting(settings):
    settings.MINIMUM_REFERRAL_AGE = 18
    with pytest.raises(ValidationError, match="at least 18"):
        validate_date_of_birth(date(2008, 1, 1), today=TODAY)
