from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from referrals.models import Referral
from tests.factories import PASSWORD

from .conftest import assert_accessible, sign_in

TEST_NHS_NUMBER = "943 476 5919"  # begins with 9: never issued; valid check digit


def fill_referral(page, *, nhs_number: str) -> None:
    page.get_by_label("First name").fill("Zoë")
    page.get_by_label("Last name").fill("O'Brien")
    page.get_by_label("Date of birth").fill("1948-05-17")
    page.get_by_label("NHS number").fill(nhs_number)
    page.get_by_label("Postcode").fill("nr1 3ab")
    page.get_by_label("Phone number").fill("01603 123456")
    page.get_by_label("Falls prevention", exact=True).check()
    page.get_by_label("Falls in the last 12 months").fill("2")
    page.get_by_label("Arthritis or other joint or back condition").check()
    page.get_by_role("group", name="Does the patient have a disability?").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_label("Minutes of physical activity per week").fill("20")
    page.get_by_label("Reason for referral").fill("Two falls this winter; lost confidence.")
    for question in ["unstable angina", "blood pressure", "chest pain", "heart rhythm"]:
        page.get_by_role("group", name=re.compile(question)).get_by_label("No", exact=True).check()
    page.get_by_label("The patient consents to this referral").check()


@pytest.mark.django_db(transaction=True)
def test_a_referrer_refers_a_patient_and_finds_the_referral_in_their_list(
    page, live_server, referrer_a
):
    sign_in(page, live_server, referrer_a.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Active NoW referrals")
    assert_accessible(page)

    page.get_by_role("link", name="New referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New referral")
    assert_accessible(page)
    # With JavaScript, only the chosen pathway's questions show.
    expect(page.get_by_label("Care coordinator's name")).to_be_hidden()
    fill_referral(page, nhs_number=TEST_NHS_NUMBER)
    expect(page.get_by_label("Care coordinator's name")).to_be_hidden()
    page.get_by_role("button", name="Submit referral").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Referral sent")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Zoë O'Brien")
    expect(status).to_contain_text(re.compile(r"ANW-\d{2}-\d{6}"))
    referral = Referral.objects.get()
    expect(status).to_contain_text(referral.reference)
    assert referral.first_name == "Zoë"
    assert referral.nhs_number == "9434765919"
    assert_accessible(page)

    page.get_by_role("link", name="My organisation's referrals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Active NoW referrals")
    row = page.get_by_role("row").filter(has_text=referral.reference)
    expect(row).to_contain_text("Falls prevention")
    expect(row).to_contain_text("Submitted")
    assert_accessible(page)

    row.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {referral.reference}")
    expect(page.get_by_text("Zoë O'Brien")).to_be_visible()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_an_invalid_nhs_number_is_explained_by_the_field(page, live_server, referrer_a):
    sign_in(page, live_server, referrer_a.email, PASSWORD)
    assert_accessible(page)
    page.goto(f"{live_server.url}/referrals/new/")
    assert_accessible(page)
    fill_referral(page, nhs_number="943 476 5918")
    page.get_by_role("button", name="Submit referral").click()

    expect(page.get_by_role("alert")).to_contain_text("The referral has not been sent")
    nhs_number = page.get_by_label("NHS number")
    expect(nhs_number).to_have_attribute("aria-invalid", "true")
    expect(nhs_number).to_have_accessible_description(re.compile("not a valid NHS number"))
    # What was typed is kept, so only the mistake needs correcting.
    expect(page.get_by_label("First name")).to_have_value("Zoë")
    assert_accessible(page)
    assert not Referral.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_red_flag_stops_the_referral_and_says_what_to_do(page, live_server, referrer_a):
    sign_in(page, live_server, referrer_a.email, PASSWORD)
    assert_accessible(page)
    page.goto(f"{live_server.url}/referrals/new/")
    assert_accessible(page)
    fill_referral(page, nhs_number=TEST_NHS_NUMBER)
    page.get_by_role("group", name=re.compile("unstable angina")).get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_role("button", name="Submit referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This patient cannot be referred now")
    expect(page.get_by_role("status")).to_contain_text("Nothing has been saved")
    expect(page.get_by_role("heading", name="What to do instead")).to_be_visible()
    assert_accessible(page)
    assert not Referral.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_person_refers_themselves(page, live_server, settings):
    settings.SELF_REFERRAL_ENABLED = True
    page.goto(f"{live_server.url}/referrals/self/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer yourself to Active NoW")
    assert_accessible(page)
    page.get_by_label("First name").fill("Siân")
    page.get_by_label("Last name").fill("Nguyễn")
    page.get_by_label("Date of birth").fill("1980-02-29")
    page.get_by_label("Postcode").fill("NR2 4TT")
    page.get_by_label("Email address").fill("person@example.org")
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("I prefer not to say").check()
    page.get_by_label("Minutes of physical activity per week").fill("0")
    page.get_by_label("What would you like help with?").fill("Getting back to swimming.")
    page.get_by_label("I agree to").check()
    page.get_by_role("button", name="Send my referral").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("your referral has been sent")
    reference = Referral.objects.get().reference
    expect(page.get_by_text(reference)).to_be_visible()
    assert_accessible(page)
