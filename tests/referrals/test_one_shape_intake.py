"""Intake and history refuse with the one error shape, shown beside the field it is about."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from activeportal.lib.errors import DomainError
from referrals.history.services import (
    ImportRejected,
    history_import_discard,
    history_import_preview,
    postcode_import,
    referral_history_import,
)
from referrals.intake.services import ReferralError, referral_submit
from referrals.models import FollowUp, HistoryImportBatch, PostcodeLookup, Referral
from tests.factories import referral_data

from .test_referral_form import form_post

HEAD = (
    "reference,submitted_on,pathway,referrer_organisation,district,imd_decile,postcode,"
    "nhs_number,first_name,last_name,date_of_birth,baseline_minutes,status,referred_onto_activity"
)
ROW = "OLD-0001,2023-02-10,general,Practice A,Norwich,3,NR1 3AB,,Zoë,Smith,,20,completed,yes"
FU_HEAD = "reference,timepoint,completed_on,minutes,life_satisfaction"
# 260 characters: the form's email check (at most 320) lets it through, the model (254) does not.
LONG_EMAIL = "a" * 248 + "@example.com"


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def ready(db, norwich, breckland, practice_a):
    PostcodeLookup.objects.create(
        postcode="NR1 3AB", lsoa_code="E01026620", imd_decile=2, district_ons_code="E07000148"
    )


def preview(user, referrals: bytes, follow_ups: bytes | None = None) -> HistoryImportBatch:
    return history_import_preview(
        user=user,
        referrals_data=referrals,
        referrals_filename="referrals.csv",
        follow_ups_data=follow_ups,
        follow_ups_filename="follow-ups.csv" if follow_ups is not None else "",
    )


# ---------------------------------------------------------------------------------------------
# Intake.


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"nhs_number": "943 476 5918"}, "nhs_number", "not a valid NHS number"),
        ({"postcode": "NR1"}, "postcode", "full UK postcode"),
        ({"date_of_birth": date(2099, 1, 1)}, "date_of_birth", "must be in the past"),
        ({"consent": False}, "consent", "consent is needed"),
        ({"baseline_minutes": 20_000}, "baseline_minutes", "between 0 and 10,080"),
        ({"email": LONG_EMAIL}, "email", "at most 254 characters"),
    ],
)
def test_a_refused_referral_is_a_domain_error_about_its_field(
    referrer_a, practice_a, overrides, field, message
):
    with pytest.raises(ReferralError, match=message) as caught:
        referral_submit(
            referrer=referrer_a,
            organisation=practice_a,
            data=referral_data(**overrides),
            submission_token=uuid.uuid4(),
        )
    assert isinstance(caught.value, DomainError)
    assert caught.value.field == field
    assert Referral.objects.count() == 0


def test_a_refusal_about_the_whole_referral_names_no_field(referrer_a, practice_a):
    with pytest.raises(ReferralError, match="not linked to a referring organisation") as caught:
        referral_submit(
            referrer=referrer_a, organisation=None, data=referral_data(), submission_token=None
        )
    assert caught.value.field is None
    token = uuid.uuid4()
    referral_submit(
        referrer=referrer_a, organisation=practice_a, data=referral_data(), submission_token=token
    )
    with pytest.raises(ReferralError, match="already been used") as caught:
        referral_submit(
            referrer=None, organisation=practice_a, data=referral_data(), submission_token=token
        )
    assert caught.value.field is None


def test_the_form_shows_a_refusal_of_the_service_beside_its_field(client, referrer_a):
    client.force_login(referrer_a)
    response = client.post("/referrals/new/", form_post(email=LONG_EMAIL))
    assert response.status_code == 200
    page = response.content.decode()
    assert "at most 254 characters" in page
    assert 'id="error_1_id_email"' in page
    assert list(response.context["form"].errors) == ["email"]
    assert Referral.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# History.


def test_a_refused_referrals_file_is_a_domain_error_about_its_field(ready, hub_user):
    with pytest.raises(ImportRejected) as caught:
        preview(hub_user, csv(HEAD, ROW.replace(",general,", ",fall,")))
    error = caught.value
    assert isinstance(error, DomainError)
    assert error.field == "referrals_file"
    assert error.problems == ["referrals.csv row 2, pathway: 'fall' is not general, falls or smi"]
    assert error.message == error.problems[0]


def test_a_refused_follow_ups_file_is_about_the_follow_ups_field(ready, hub_user):
    with pytest.raises(ImportRejected) as caught:
        preview(hub_user, csv(HEAD, ROW), csv(FU_HEAD, "OLD-0001,7w,2023-03-30,90,7"))
    assert caught.value.field == "follow_ups_file"
    assert caught.value.problems == [
        "follow-ups.csv row 2, timepoint: '7w' is not 6w, 12w, 6m or 12m"
    ]


def test_a_refused_confirmation_says_nothing_was_imported(ready, hub_user):
    batch = preview(hub_user, csv(HEAD, ROW))
    history_import_discard(batch=batch)
    with pytest.raises(DomainError) as caught:
        referral_history_import(batch=batch, user=hub_user)
    assert caught.value.field is None
    assert caught.value.message == (
        "Nothing was imported: This import is no longer waiting for confirmation."
    )
    with pytest.raises(ImportRejected, match=r"^This import is no longer waiting"):
        history_import_discard(batch=batch)


@pytest.mark.django_db
def test_a_refused_postcode_file_is_a_domain_error():
    with pytest.raises(DomainError, match="missing column"):
        postcode_import(lines=["pcds,lsoa21cd\n", "NR1 1AB,E01026620\n"])


def test_the_upload_page_shows_the_problem_beside_the_file_and_lists_it(ready, client, hub_user):
    client.force_login(hub_user)
    bad = csv(HEAD, ROW.replace(",general,", ",fall,"))
    response = client.post(
        "/referrals/import/",
        {"referrals_file": SimpleUploadedFile("referrals.csv", bad, "text/csv")},
    )
    assert response.status_code == 200
    page = response.content.decode()
    problem = "referrals.csv row 2, pathway: &#x27;fall&#x27; is not general, falls or smi"
    assert 'id="error_1_id_referrals_file"' in page
    assert "Nothing was imported: 1 problem to fix" in page
    assert f"<li>{problem}</li>" in page
    assert not HistoryImportBatch.objects.exists()


def test_a_failed_confirmation_is_shown_as_one_message(ready, client, hub_user):
    client.force_login(hub_user)
    batch = preview(hub_user, csv(HEAD, ROW))
    client.post(f"/referrals/import/{batch.pk}/discard/")
    response = client.post(f"/referrals/import/{batch.pk}/confirm/", follow=True)
    assert "Nothing was imported: This import is no longer waiting for confirmation." in (
        response.content.decode()
    )
    response = client.post(f"/referrals/import/{batch.pk}/discard/", follow=True)
    assert response.redirect_chain[-1][0] == f"/referrals/import/{batch.pk}/"
    assert "This import is no longer waiting for confirmation." in response.content.decode()


def test_imported_follow_ups_are_due_on_the_one_schedule(ready, hub_user):
    follow_ups = csv(FU_HEAD, "OLD-0001,6m,2023-08-20,150,8", "OLD-0001,12m,2024-02-20,150,8")
    referral_history_import(batch=preview(hub_user, csv(HEAD, ROW), follow_ups), user=hub_user)
    due = dict(FollowUp.objects.values_list("timepoint", "due_on"))
    # Six and twelve calendar months after submission, as the hub's workflow schedules them.
    assert due == {"6m": date(2023, 8, 10), "12m": date(2024, 2, 10)}
    assert due["6m"] == FollowUp.due_after(date(2023, 2, 10), "6m")
