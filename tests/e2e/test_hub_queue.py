"""A hub worker searches the queue, works the caseloads and assigns referrals, in a browser."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from activeportal.accounts import roles
from referrals.models import Referral
from tests.factories import PASSWORD, ReferralFactory, UserFactory

from .conftest import assert_accessible, sign_in


def _row(page, reference: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=reference))


@pytest.mark.django_db(transaction=True)
def test_a_hub_worker_searches_filters_and_assigns(page, live_server, hub_user):
    ann = UserFactory(first_name="Ann", last_name="Hughes", roles=[roles.HUB])
    zoe = ReferralFactory(
        first_name="Zoë",
        last_name="Smith",
        nhs_number="9434765919",
        date_of_birth=dt.date(1950, 3, 12),
    )
    sam = ReferralFactory(first_name="Sam", last_name="Lee")
    kit = ReferralFactory(first_name="Kit", last_name="Marlowe", assigned_to=hub_user)

    sign_in(page, live_server, hub_user.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage queue")
    assert_accessible(page)

    # Search by NHS number, typed with spaces, then by name.
    page.get_by_label("Search", exact=True).fill("943 476 5919")
    page.get_by_role("button", name="Search").click()
    expect(_row(page, zoe.reference)).to_contain_text("Zoë Smith")
    expect(page.get_by_role("link", name=sam.reference)).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Search", exact=True).fill("lee")
    page.get_by_role("button", name="Search").click()
    expect(_row(page, sam.reference)).to_contain_text("Sam Lee")
    expect(page.get_by_role("link", name=zoe.reference)).to_have_count(0)
    assert_accessible(page)

    # My caseload, then Unassigned.
    hub_nav = page.get_by_role("navigation", name="Hub")
    hub_nav.get_by_role("link", name="My caseload").click()
    expect(_row(page, kit.reference)).to_be_visible()
    expect(page.get_by_role("link", name=zoe.reference)).to_have_count(0)
    assert_accessible(page)
    hub_nav.get_by_role("link", name="Unassigned").click()
    expect(page.get_by_role("link", name=kit.reference)).to_have_count(0)
    assert_accessible(page)

    # Assign two of the unassigned to Ann; back on the same view, with the message.
    page.get_by_label(f"Select {zoe.reference}").check()
    page.get_by_label(f"Select {sam.reference}").check()
    page.get_by_label("Assign selected to").select_option(label="Ann Hughes")
    page.get_by_role("button", name="Assign selected").click()
    expect(page.get_by_role("status")).to_contain_text("2 referrals assigned to Ann Hughes.")
    expect(page.get_by_role("link", name=zoe.reference)).to_have_count(0)  # still Unassigned
    assert re.search(r"caseload=unassigned", page.url)
    assert_accessible(page)
    page.get_by_role("navigation", name="Hub").get_by_role("link", name="Triage queue").click()
    expect(_row(page, zoe.reference)).to_contain_text("Ann Hughes")
    expect(_row(page, sam.reference)).to_contain_text("Ann Hughes")
    assert_accessible(page)
    assert set(Referral.objects.filter(assigned_to=ann)) == {zoe, sam}


@pytest.mark.django_db(transaction=True)
def test_a_hub_worker_assigns_and_unassigns_on_the_referral_page(page, live_server, hub_user):
    UserFactory(first_name="Ann", last_name="Hughes", roles=[roles.HUB])
    referral = ReferralFactory(first_name="Zoë", last_name="Smith")

    sign_in(page, live_server, hub_user.email, PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_text("Caseload: Unassigned")).to_be_visible()
    assert_accessible(page)

    form = page.get_by_role("form", name="Change the caseload")
    form.get_by_label("Caseload", exact=True).select_option(label="Ann Hughes")
    form.get_by_role("button", name="Save caseload").click()
    expect(page.get_by_role("status")).to_contain_text("is now on Ann Hughes's caseload")
    expect(page.get_by_text("Caseload: Ann Hughes")).to_be_visible()
    assert_accessible(page)

    form = page.get_by_role("form", name="Change the caseload")
    form.get_by_label("Caseload", exact=True).select_option(label="Unassigned")
    form.get_by_role("button", name="Save caseload").click()
    expect(page.get_by_role("status")).to_contain_text("is now unassigned")
    history = page.get_by_role("table", name="Caseload history")
    expect(history.get_by_role("row")).to_have_count(3)  # heading, assigned, unassigned
    expect(history.get_by_role("row").nth(1)).to_contain_text(
        re.compile(r"Unassigned\s*Ann Hughes")
    )
    expect(history.get_by_role("row").nth(2)).to_contain_text(
        re.compile(r"Ann Hughes\s*Unassigned")
    )
    assert_accessible(page)
