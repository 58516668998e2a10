"""A hub user works a referral from its page: contact, match by the choices table, a follow-up
recorded early, the follow-ups due, the activity directory and a closing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import ActivityOpportunity, Status
from tests.factories import (
    PASSWORD,
    ActivityOpportunityFactory,
    DistrictFactory,
    FollowUpFactory,
    PartnerFactory,
    PostcodeLookupFactory,
    ReferralFactory,
)

from .conftest import assert_accessible, sign_in


def _loaded(page):
    page.wait_for_load_state()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_a_hub_user_contacts_matches_and_follows_up(page, live_server, hub_user):
    PostcodeLookupFactory(postcode="NR1 3AB", latitude=52.0, longitude=1.0)
    referral = ReferralFactory(
        status=Status.TRIAGED,
        postcode="NR1 3AB",
        nhs_number="9434765919",
        phone="01603123456",
        preferences="Mornings; something sociable.",
    )
    ActivityOpportunityFactory(
        district=referral.district,
        activity="Walking football",
        latitude=52.1,
        longitude=1.0,
        capacity=12,
    )
    ActivityOpportunityFactory(district=referral.district, activity="Chair yoga")

    sign_in(page, live_server, hub_user.email, PASSWORD)
    _loaded(page)
    page.goto(f"{live_server.url}/referrals/hub/{referral.pk}/")
    _loaded(page)
    expect(page.get_by_text("943 476 5919")).to_be_visible()
    expect(page.get_by_text("01603 123456")).to_be_visible()

    form = page.get_by_role("form", name="Record a contact attempt")
    form.get_by_label("Outcome").select_option(label="Spoke to the person")
    form.get_by_role("button", name="Record contact attempt").click()
    _loaded(page)
    expect(page.get_by_text("Status: Contacted")).to_be_visible()
    attempts = page.get_by_role("table", name="Contact attempts")
    expect(attempts.get_by_role("row").nth(1)).to_contain_text(str(hub_user))

    page.get_by_role("link", name="Match to an activity").click()
    _loaded(page)
    expect(page.get_by_text("Mornings; something sociable.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Walking football"))).to_contain_text(
        "6.9 miles"
    )
    page.get_by_role("button", name="Match").click()
    _loaded(page)
    expect(page.get_by_text("Choose an activity.")).to_be_visible()
    page.get_by_label("Walking football").check()
    page.get_by_role("button", name="Match").click()
    _loaded(page)
    expect(page.get_by_role("status").first).to_contain_text("Matched to Walking football.")
    expect(page.get_by_text("Status: Matched to an activity")).to_be_visible()

    page.get_by_role("button", name="Mark as active").click()
    _loaded(page)
    expect(page.get_by_text("Status: Active")).to_be_visible()

    # The 6-week follow-up is six weeks off: recording it now is asked about first.
    page.get_by_role("link", name="Record the 6 weeks follow-up").click()
    _loaded(page)
    expect(page.get_by_label("Record it early")).to_have_count(0)
    page.get_by_label("Minutes of activity per week").fill("95")
    page.get_by_role("button", name="Record follow-up").click()
    _loaded(page)
    due = timezone.localdate() + dt.timedelta(weeks=6)
    expect(
        page.get_by_text(f"This follow-up is not due until {due.day} {due:%b %Y}.")
    ).to_be_visible()
    page.get_by_label("Record it early").check()
    page.get_by_role("button", name="Record follow-up").click()
    _loaded(page)
    expect(page.get_by_role("status").first).to_contain_text("6 weeks follow-up recorded")
    referral.refresh_from_db()
    assert referral.follow_ups.get(timepoint="6w").minutes == 95


@pytest.mark.django_db(transaction=True)
def test_a_hub_user_filters_follow_ups_keeps_the_directory_and_closes(
    page, live_server, hub_user, norwich
):
    broadland = DistrictFactory(name="Broadland")
    today = timezone.localdate()
    FollowUpFactory(
        referral=ReferralFactory(
            status=Status.ACTIVE, first_name="Ada", last_name="Lovelace", district=norwich
        ),
        due_on=today - dt.timedelta(days=5),
    )
    FollowUpFactory(
        referral=ReferralFactory(
            status=Status.ACTIVE, first_name="Ben", last_name="Day", district=broadland
        ),
        due_on=today,
    )
    PartnerFactory(name="Fictional Leisure Trust")
    PostcodeLookupFactory(postcode="NR1 3AB", latitude=52.62, longitude=1.30)
    active = ReferralFactory(status=Status.ACTIVE, district=norwich)

    sign_in(page, live_server, hub_user.email, PASSWORD)
    _loaded(page)
    hub = page.get_by_role("navigation", name="Hub")

    hub.get_by_role("link", name="Follow-ups due").click()
    _loaded(page)
    filters = page.get_by_role("form", name="Filter the follow-ups due")
    filters.get_by_label("District").select_option(label="Norwich")
    filters.get_by_role("button", name="Filter").click()
    _loaded(page)
    expect(page.get_by_role("row", name=re.compile("Ada Lovelace"))).to_contain_text(
        "Overdue by 5 days"
    )
    expect(page.get_by_text("Ben Day")).to_have_count(0)
    filters = page.get_by_role("form", name="Filter the follow-ups due")
    filters.get_by_label("District").select_option(label="Any district")
    filters.get_by_label("Only overdue").check()
    filters.get_by_role("button", name="Filter").click()
    _loaded(page)
    expect(page.get_by_text("Ada Lovelace")).to_be_visible()
    expect(page.get_by_text("Ben Day")).to_have_count(0)

    hub = page.get_by_role("navigation", name="Hub")
    hub.get_by_role("link", name="Activity directory").click()
    _loaded(page)
    page.get_by_role("link", name="Add an activity").click()
    _loaded(page)
    page.get_by_label(re.compile(r"^\s*Activity\b")).fill("Chair yoga")
    page.get_by_label("Provider").select_option(label="Fictional Leisure Trust")
    page.get_by_label("District").select_option(label="Norwich")
    page.get_by_label("Suits the falls-prevention pathway").check()
    page.get_by_label("Day and time").fill("Fridays 14:00")
    page.get_by_label("Venue").fill("St Giles Hall")
    page.get_by_label("Address").fill("1 Example Street, Norwich")
    page.get_by_label("Postcode").fill("nr1 3ab")
    page.get_by_label("Places (optional)").fill("-2")
    page.get_by_label("Contact").fill("01603 111111")
    page.get_by_role("button", name="Save").click()
    _loaded(page)
    expect(page.get_by_text("The number of places cannot be negative")).to_be_visible()
    page.get_by_label("Places (optional)").fill("12")
    page.get_by_role("button", name="Save").click()
    _loaded(page)
    expect(page.get_by_role("status").first).to_contain_text("Saved “Chair yoga”.")
    row = page.get_by_role("row", name=re.compile("Chair yoga"))
    expect(row).to_contain_text("St Giles Hall, 1 Example Street, Norwich, NR1 3AB")
    expect(row).to_contain_text("12 (0 taken)")

    directory = page.get_by_role("form", name="Filter the directory")
    directory.get_by_label("Pathway").select_option(label="Stable severe mental illness")
    directory.get_by_role("button", name="Filter").click()
    _loaded(page)
    expect(page.get_by_role("row", name=re.compile("Chair yoga"))).to_have_count(0)
    directory = page.get_by_role("form", name="Filter the directory")
    directory.get_by_label("Pathway").select_option(label="Falls prevention")
    directory.get_by_role("button", name="Filter").click()
    _loaded(page)
    row = page.get_by_role("row", name=re.compile("Chair yoga"))
    row.get_by_role("link", name="Chair yoga").click()
    _loaded(page)
    page.get_by_label("Postcode").fill("NR2 9ZZ")
    page.get_by_role("button", name="Save").click()
    _loaded(page)
    expect(page.get_by_role("status").nth(1)).to_contain_text(
        "NR2 9ZZ is not in the look-up: distance will not be shown"
    )
    assert ActivityOpportunity.objects.get(activity="Chair yoga").latitude is None

    page.goto(f"{live_server.url}/referrals/hub/{active.pk}/")
    _loaded(page)
    page.get_by_role("link", name="Completed", exact=True).click()
    _loaded(page)
    page.get_by_role("button", name="Close as completed").click()
    _loaded(page)
    expect(page.get_by_text("Give a reason for closing the referral.")).to_be_visible()
    page.get_by_label("Reason").fill("Finished the course early.")
    page.get_by_role("button", name="Close as completed").click()
    _loaded(page)
    expect(page.get_by_role("status").first).to_contain_text(
        f"{active.reference} is closed: Completed."
    )
    expect(page.get_by_text("Status: Completed")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_hub_user_sets_the_district_of_a_postcode_not_found(page, live_server, hub_user):
    DistrictFactory(name="Norwich")
    DistrictFactory(name="Breckland")
    referral = ReferralFactory(status=Status.SUBMITTED, district=None, postcode="ZZ9 9ZZ")

    sign_in(page, live_server, hub_user.email, PASSWORD)
    _loaded(page)
    page.goto(f"{live_server.url}/referrals/hub/{referral.pk}/")
    _loaded(page)
    page.get_by_label("District").select_option(label="Breckland")
    page.get_by_role("button", name="Set district").click()
    _loaded(page)
    expect(page.get_by_role("status").first).to_contain_text("District set to Breckland.")
    expect(page.get_by_role("button", name="Set district")).to_have_count(0)
    referral.refresh_from_db()
    assert referral.district.name == "Breckland"
