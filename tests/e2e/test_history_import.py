from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from referrals.models import FollowUp, Referral
from tests.factories import PASSWORD

from .conftest import assert_accessible, sign_in

REFERRALS = (
    "reference,submitted_on,pathway,referrer_organisation,district,imd_decile,postcode,"
    "nhs_number,first_name,last_name,date_of_birth,baseline_minutes,status,"
    "referred_onto_activity\n"
    "OLD-0001,2023-02-10,general,Practice A,Norwich,3,,,,,,20,completed,yes\n"
    "OLD-0002,2024-05-02,falls,Lakeside Surgery,E07000143,,,,,,,,declined,no\n"
)
FOLLOW_UPS = (
    "reference,timepoint,completed_on,minutes,life_satisfaction\nOLD-0001,12w,2023-05-10,160,8\n"
)


def csv_file(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


@pytest.mark.django_db(transaction=True)
def test_a_hub_user_uploads_previews_and_imports_the_history(
    page, live_server, hub_user, practice_a, breckland
):
    sign_in(page, live_server, hub_user.email, PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name="Import history").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import referral history")
    assert_accessible(page)

    # A bad file first: the problem is shown by row and column, nothing is kept.
    page.get_by_label("Referrals file (referrals.csv)").set_input_files(
        csv_file("referrals.csv", REFERRALS.replace(",falls,", ",fall,"))
    )
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "referrals.csv row 3, pathway: 'fall' is not general, falls or smi"
    )
    assert_accessible(page)

    page.get_by_label("Referrals file (referrals.csv)").set_input_files(
        csv_file("referrals.csv", REFERRALS)
    )
    page.get_by_label("Follow-ups file (follow-ups.csv)").set_input_files(
        csv_file("follow-ups.csv", FOLLOW_UPS)
    )
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    expect(page.get_by_role("table", name=re.compile("by financial year"))).to_contain_text(
        "2022-23"
    )
    expect(page.get_by_role("table", name=re.compile("Not yet in the portal"))).to_contain_text(
        "Lakeside Surgery"
    )
    assert_accessible(page)
    assert Referral.objects.count() == 0

    page.get_by_role("button", name="Import 2 referrals and 1 follow-ups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral history imported")
    expect(page.get_by_role("status")).to_contain_text("Imported 2 referrals and 1 follow-ups.")
    assert_accessible(page)
    assert Referral.objects.filter(source="import").count() == 2
    assert FollowUp.objects.get().minutes == 160


@pytest.mark.django_db(transaction=True)
def test_a_hub_user_discards_a_previewed_history_and_nothing_is_written(
    page, live_server, hub_user, practice_a, breckland
):
    sign_in(page, live_server, hub_user.email, PASSWORD)
    assert_accessible(page)
    page.goto(f"{live_server.url}/referrals/import/")
    assert_accessible(page)
    page.get_by_label("Referrals file (referrals.csv)").set_input_files(
        csv_file("referrals.csv", REFERRALS)
    )
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    assert_accessible(page)

    page.get_by_role("button", name="Discard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import referral history")
    expect(page.get_by_role("status")).to_contain_text(
        "The import was discarded; nothing was written."
    )
    assert_accessible(page)
    assert Referral.objects.count() == 0
