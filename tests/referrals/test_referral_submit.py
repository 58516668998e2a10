from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from referrals.intake.services import (
    ReferralError,
    referral_submit,
    referrer_organisation_for_self_referral,
)
from referrals.models import ReferenceSequence, Referral, ReferrerOrganisation, StatusChange
from tests.factories import ReferralFactory, referral_data

from .nhs import fake_nhs_number

LONDON = ZoneInfo("Europe/London")


def test_a_referral_gets_a_reference_district_and_first_status(
    norwich_postcode, norwich, referrer_a, practice_a
):
    referral = referral_submit(
        referrer=referrer_a,
        organisation=practice_a,
        data=referral_data(),
        submission_token=uuid.uuid4(),
        submitted_at=datetime(2024, 6, 3, 10, 0, tzinfo=LONDON),
    )
    assert referral.reference == "ANW-24-000001"
    assert referral.financial_year == 2024
    assert referral.district == norwich
    assert referral.imd_decile == 2
    assert referral.lsoa_code == "E01026777"
    assert referral.postcode_not_found is False
    assert referral.status == "submitted"
    assert referral.first_name == "Zoë"
    assert referral.last_name == "O'Brien"
    change = StatusChange.objects.get(referral=referral)
    assert (change.from_status, change.to_status, change.changed_by) == (
        "",
        "submitted",
        referrer_a,
    )


def test_references_count_up_within_a_financial_year_and_restart_in_the_next(
    referrer_a, practice_a
):
    def submit(when):
        return referral_submit(
            referrer=referrer_a,
            organisation=practice_a,
            data=referral_data(nhs_number=""),
            submission_token=uuid.uuid4(),
            submitted_at=when,
        ).reference

    assert submit(datetime(2025, 3, 31, 23, 30, tzinfo=LONDON)) == "ANW-24-000001"
    assert submit(datetime(2025, 3, 31, 23, 45, tzinfo=LONDON)) == "ANW-24-000002"
    assert submit(datetime(2025, 4, 1, 0, 15, tzinfo=LONDON)) == "ANW-25-000001"
    assert ReferenceSequence.objects.get(financial_year=2024).last_number == 2


def test_a_reference_already_taken_by_imported_history_is_skipped(referrer_a, practice_a):
    first = ReferralFactory.submit(referrer=referrer_a, nhs_number="")
    prefix = first.reference[:-6]
    Referral.objects.filter(pk=first.pk).update(reference=f"{prefix}000002")
    assert ReferralFactory.submit(referrer=referrer_a, nhs_number="").reference == f"{prefix}000003"


def test_a_valid_postcode_missing_from_the_look_up_is_accepted_and_flagged(referrer_a):
    referral = ReferralFactory.submit(referrer=referrer_a, postcode="nr99 9zz")
    assert referral.postcode == "NR99 9ZZ"
    assert referral.postcode_not_found is True
    assert referral.district is None
    assert referral.imd_decile is None


def test_the_same_form_posted_twice_makes_one_referral(referrer_a, practice_a):
    token = uuid.uuid4()
    first = referral_submit(
        referrer=referrer_a, organisation=practice_a, data=referral_data(), submission_token=token
    )
    again = referral_submit(
        referrer=referrer_a, organisation=practice_a, data=referral_data(), submission_token=token
    )
    assert again.pk == first.pk
    assert Referral.objects.count() == 1
    assert StatusChange.objects.count() == 1


def test_another_organisations_token_is_refused(referrer_a, practice_a, referrer_b, practice_b):
    token = uuid.uuid4()
    referral_submit(
        referrer=referrer_a, organisation=practice_a, data=referral_data(), submission_token=token
    )
    with pytest.raises(ReferralError, match="already been used"):
        referral_submit(
            referrer=referrer_b,
            organisation=practice_b,
            data=referral_data(),
            submission_token=token,
        )


def test_same_nhs_number_and_pathway_within_90_days_is_saved_but_flagged(referrer_a):
    first = ReferralFactory.submit(referrer=referrer_a)
    second = ReferralFactory.submit(referrer=referrer_a)
    assert second.pk != first.pk
    assert second.possible_duplicate_of == first
    assert first.possible_duplicate_of is None


def test_a_different_pathway_or_person_is_not_a_duplicate(referrer_a):
    ReferralFactory.submit(referrer=referrer_a, pathway="falls")
    assert (
        ReferralFactory.submit(
            referrer=referrer_a, pathway="general", pathway_answers={}
        ).possible_duplicate_of
        is None
    )
    assert (
        ReferralFactory.submit(
            referrer=referrer_a, nhs_number=fake_nhs_number(500)
        ).possible_duplicate_of
        is None
    )


def test_a_referral_more_than_90_days_later_is_not_a_duplicate(referrer_a, practice_a):
    start = datetime(2024, 5, 1, 9, 0, tzinfo=LONDON)
    for days, flagged in [(0, False), (91, False), (150, True)]:
        referral = referral_submit(
            referrer=referrer_a,
            organisation=practice_a,
            data=referral_data(),
            submission_token=uuid.uuid4(),
            submitted_at=start + timedelta(days=days),
        )
        assert (referral.possible_duplicate_of is not None) is flagged


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent": False}, "consent"),
        ({"red_flags": {"unstable_angina": True}}, "red-flag"),
        ({"nhs_number": "9434765918"}, "not a valid NHS number"),
        ({"postcode": "NOT A POSTCODE"}, "full UK postcode"),
        ({"baseline_minutes": 10_081}, "between 0 and 10,080"),
        ({"pathway": "yoga"}, "not a valid choice"),
        ({"first_name": "x" * 101}, "at most 100"),
    ],
)
def test_refusals_say_why_and_save_nothing(referrer_a, practice_a, overrides, message):
    with pytest.raises(ReferralError, match=message):
        referral_submit(
            referrer=referrer_a,
            organisation=practice_a,
            data=referral_data(**overrides),
            submission_token=uuid.uuid4(),
        )
    assert Referral.objects.count() == 0
    assert StatusChange.objects.count() == 0


def test_a_referrer_without_an_organisation_is_told_to_ask_for_one(referrer_a):
    with pytest.raises(ReferralError, match="not linked to a referring organisation"):
        referral_submit(
            referrer=referrer_a, organisation=None, data=referral_data(), submission_token=None
        )


@pytest.mark.parametrize("name", ["Zoë", "O'Brien-Łukasz", "Nguyễn", "李", "Siân"])
def test_names_in_any_script_are_stored_exactly(referrer_a, name):
    referral = ReferralFactory.submit(referrer=referrer_a, first_name=name, last_name=name)
    referral.refresh_from_db()
    assert (referral.first_name, referral.last_name) == (name, name)


def test_self_referrals_go_to_one_self_referral_organisation(db):
    first = referrer_organisation_for_self_referral()
    assert first.type == ReferrerOrganisation.Type.SELF_REFERRAL
    assert referrer_organisation_for_self_referral() == first
    assert ReferrerOrganisation.objects.filter(type="self_referral").count() == 1
