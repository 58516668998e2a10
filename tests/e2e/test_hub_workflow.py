"""A hub user takes a new referral from triage to its 6-week follow-up; the referrer hears."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from referrals.models import Status
from tests.factories import PASSWORD, ActivityOpportunityFactory, ReferralFactory

from .conftest import assert_accessible, sign_in


def _sign_out(page):
    page.get_by_role("button", name=re.compile("Sign out")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_a_hub_user_works_a_referral_and_the_referrer_hears(
    page, live_server, hub_user, referrer_a, mailoutbox
):
    referral = ReferralFactory(
        referrer=referrer_a,
        organisation=referrer_a.organisation,
        district=referrer_a.organisation.district,
    )
    ActivityOpportunityFactory(district=referral.district, activity="Walking football")

    # The referrer asks to hear about their referrals.
    sign_in(page, live_server, referrer_a.email, PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name="E-mail notices").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.goto(f"{live_server.url}/referrals/notifications/")
    assert_accessible(page)
    page.get_by_label(re.compile("E-mail me when my referral")).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("You will be e-mailed")
    assert_accessible(page)
    _sign_out(page)

    sign_in(page, live_server, hub_user.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage queue")
    assert_accessible(page)
    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {referral.reference}")
    assert_accessible(page)

    page.get_by_role("button", name="Mark as triaged").click()
    expect(page.get_by_text("Status: Triaged")).to_be_visible()
    assert_accessible(page)

    form = page.get_by_role("form", name="Record a contact attempt")
    form.get_by_label("Outcome").select_option(label="No answer")
    form.get_by_role("button", name="Record contact attempt").click()
    expect(page.get_by_role("status").first).to_contain_text("Contact attempt recorded: No answer")
    assert_accessible(page)
    form = page.get_by_role("form", name="Record a contact attempt")
    form.get_by_label("Outcome").select_option(label="Spoke to the person")
    form.get_by_label("Note").fill("Keen to try walking football.")
    form.get_by_role("button", name="Record contact attempt").click()
    expect(page.get_by_text("Status: Contacted")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Match to an activity").click()
    assert_accessible(page)
    page.get_by_label("Walking football").check()
    page.get_by_role("button", name="Match").click()
    expect(page.get_by_text("Status: Matched to an activity")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Mark as active").click()
    expect(page.get_by_text("Status: Active")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record the 6 weeks follow-up").click()
    assert_accessible(page)
    page.get_by_label("Minutes of activity per week").fill("-10")
    page.get_by_role("button", name="Record follow-up").click()
    # Six weeks early: the hub is asked to confirm before anything else.
    expect(page.get_by_text("Tick ‘Record it early’ to record it now.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Record it early").check()
    page.get_by_role("button", name="Record follow-up").click()
    expect(page.get_by_text("Minutes a week must be between 0 and 10,080")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Minutes of activity per week").fill("95")
    page.get_by_label("Life satisfaction (0–10, optional)").fill("7")
    page.get_by_label("Record it early").check()
    page.get_by_role("button", name="Record follow-up").click()
    expect(page.get_by_role("status").first).to_contain_text("6 weeks follow-up recorded")
    assert_accessible(page)

    referral.refresh_from_db()
    assert referral.status == Status.ACTIVE
    assert referral.follow_ups.get(timepoint="6w").minutes == 95
    # The referrer hears when it was matched: the reference and status, nothing about the person.
    assert [m.subject for m in mailoutbox] == [
        f"Referral {referral.reference}: Matched to an activity"
    ]
    assert referral.last_name not in mailoutbox[0].body


@pytest.mark.django_db(transaction=True)
def test_the_other_hub_pages_are_accessible(page, live_server, hub_user):
    referral = ReferralFactory(status=Status.TRIAGED, nhs_number="9434765919")
    ActivityOpportunityFactory(district=referral.district)
    sign_in(page, live_server, hub_user.email, PASSWORD)
    assert_accessible(page)
    for link in ("Follow-ups due", "Activity directory", "Subject access"):
        page.get_by_role("navigation", name="Hub").get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(link)
        assert_accessible(page)
    page.get_by_label("NHS number or referral reference").fill("943 476 5919")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", name=f"Referral {referral.reference}")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/referrals/hub/activities/new/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/referrals/hub/{referral.pk}/close/withdrawn/")
    page.get_by_role("button", name="Close as withdrawn").click()
    expect(page.get_by_text("Give a reason for closing the referral.")).to_be_visible()
    assert_accessible(page)
