"""A referrer at work: finds a referral by NHS number, adds a note for the hub, withdraws
another referral, opens the printable summary and turns the status e-mails off and on."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, ReferralFactory

from .conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_a_referrer_finds_notes_withdraws_prints_and_sets_e_mails(page, live_server, referrer_a):
    jane = ReferralFactory(
        organisation=referrer_a.organisation,
        referrer=referrer_a,
        first_name="Jane",
        last_name="Smith",
        nhs_number="9434765919",
    )
    other = ReferralFactory(organisation=referrer_a.organisation, referrer=referrer_a)

    sign_in(page, live_server, referrer_a.email, PASSWORD)
    page.goto(f"{live_server.url}/referrals/")
    assert_accessible(page)

    page.get_by_label("Search by name, NHS number or reference").fill("943 476 5919")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("link", name=jane.reference)).to_be_visible()
    expect(page.get_by_role("link", name=other.reference)).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name=jane.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {jane.reference}")
    assert_accessible(page)
    page.get_by_label("Note for the hub").fill("She would prefer afternoon sessions.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("status")).to_contain_text("Your note has been added")
    expect(page.get_by_text("She would prefer afternoon sessions.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Printable summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Active NoW referral {jane.reference}"
    )
    expect(page.get_by_text("943 476 5919")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/referrals/{other.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Withdraw this referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Withdraw referral {other.reference}"
    )
    assert_accessible(page)
    page.get_by_label("Reason").fill("The patient has moved out of the area.")
    page.get_by_role("button", name="Withdraw referral").click()
    expect(page.get_by_text("Status: Withdrawn")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(f"{other.reference} is withdrawn")
    expect(page.get_by_role("link", name="Withdraw this referral")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="E-mail notices").click()
    expect(page.get_by_text("E-mails are now on")).to_be_visible()
    assert_accessible(page)
    box = page.get_by_label(re.compile("E-mail me when my referral"))
    expect(box).to_be_checked()
    box.uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("E-mails are off")
    expect(page.get_by_label(re.compile("E-mail me when my referral"))).not_to_be_checked()
    assert_accessible(page)
    page.get_by_label(re.compile("E-mail me when my referral")).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("E-mails are on")
    assert_accessible(page)
