from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from demo.accounts import DEMO_PASSWORD
from reports import services
from tests.factories import PASSWORD, FollowUpFactory, ReferralFactory

from .conftest import assert_accessible, sign_in


def _referrals(n, district):
    for i in range(n):
        referral = ReferralFactory(statistical=True, district=district, imd_decile=1 + i % 10)
        if i % 2:
            FollowUpFactory(referral=referral, completed=True, minutes=200)


@pytest.mark.django_db(transaction=True)
def test_a_manager_rebuilds_and_sees_the_new_figures(page, live_server, manager, breckland):
    _referrals(12, breckland)
    model = services.social_value_model_create_default()
    for district_id in (None, breckland.pk):
        services.snapshot_build(year=2024, district_id=district_id, model_id=model.pk)

    sign_in(page, live_server, manager.email, PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name="Impact", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact 2024-25: the partnership")
    expect(page.get_by_role("group", name="Referrals", exact=True)).to_contain_text("12")
    expect(page.get_by_text("The data have not changed since")).to_be_visible()
    assert_accessible(page)

    _referrals(5, breckland)
    page.reload()
    expect(page.get_by_text("The data have changed since")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Rebuild now").click()
    progress = page.get_by_role("progressbar", name="Rebuild progress")
    expect(progress).to_have_attribute("aria-valuenow", "100", timeout=30_000)
    expect(page.get_by_role("status").filter(has_text="Rebuild finished")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="See the updated figures").click()
    expect(page.get_by_role("group", name="Referrals", exact=True)).to_contain_text("17")
    expect(page.get_by_text("The data have not changed since")).to_be_visible()
    rebuilt = page.get_by_text(
        re.compile(r"Figures last rebuilt on \d{1,2} \w{3} \d{4} at \d\d:\d\d")
    )
    expect(rebuilt).to_be_visible()
    expect(rebuilt).not_to_contain_text("no change since")  # the rebuild changed the figures
    assert_accessible(page)

    # A rebuild with nothing new says when the figures last changed, not only when it ran.
    page.get_by_role("button", name="Rebuild now").click()
    expect(progress).to_have_attribute("aria-valuenow", "100", timeout=30_000)
    expect(page.get_by_role("status").filter(has_text="Rebuild finished")).to_contain_text(
        re.compile(r"Figures rebuilt on .*: no change since \d{1,2} \w{3} \d{4} at \d\d:\d\d")
    )
    page.get_by_role("link", name="See the updated figures").click()
    expect(rebuilt).to_contain_text("no change since")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_every_impact_page_passes_the_accessibility_scan(page, live_server, manager, breckland):
    _referrals(20, breckland)
    model = services.social_value_model_create_default()
    for district_id in (None, breckland.pk):
        services.snapshot_build(year=2024, district_id=district_id, model_id=model.pk)
    sign_in(page, live_server, manager.email, PASSWORD)
    assert_accessible(page)
    for path, heading in [
        ("/reports/2024/", "Impact 2024-25: the partnership"),
        ("/reports/2024/?district=breckland", "Impact 2024-25: Breckland"),
        ("/reports/2024/report/", re.compile("impact report 2024-25")),
        ("/reports/social-value/", "Social-value model"),
        (f"/reports/social-value/{model.pk}/", re.compile("version 1")),
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
    page.get_by_role("button", name="Copy to a new version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit version 2")
    assert_accessible(page)
    page.get_by_label("Deadweight (%)").fill("150")
    page.get_by_role("button", name="Save version 2").click()
    expect(page.get_by_text("Ensure this value is less than or equal to 100")).to_be_visible()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_a_manager_reads_the_demo_figures_as_people_write_them(
    page, live_server, settings, time_machine
):
    time_machine.move_to(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC))  # in 2026-27
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())

    sign_in(page, live_server, "manager@example.org", DEMO_PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name="Impact", exact=True).click()
    # The latest complete year with figures, not the few months of the running one.
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact 2024-25: the partnership")
    expect(page.get_by_role("group", name="Referrals", exact=True)).to_contain_text("4,694")
    months = page.get_by_role("table", name=re.compile("^Referrals by month and pathway"))
    expect(months.get_by_role("row", name=re.compile("^Total"))).to_contain_text("3,765")
    districts = page.get_by_role("table", name="By district")
    total = districts.get_by_role("row", name=re.compile("^Total, rounded to the nearest 5"))
    expect(total).to_contain_text("4,695")
    expect(page.get_by_text("The exact totals are 4,694 referrals")).to_be_visible()
    expect(page.get_by_label("Financial year")).to_contain_text("2026-27 so far")
    assert_accessible(page)

    page.get_by_role("link", name="See 2026-27 so far").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Impact 2026-27 so far: the partnership"
    )
    assert_accessible(page)
    page.get_by_role("link", name="See 2024-25").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact 2024-25: the partnership")
    assert_accessible(page)
    page.get_by_role("link", name="Printable impact report 2024-25").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Active Norfolk: impact report 2024-25"
    )
    expect(page.get_by_text("District figures are rounded to the nearest 5")).to_be_visible()
    report_districts = page.get_by_role("table", name="By district")
    expect(report_districts.get_by_role("row", name=re.compile("^Total, rounded"))).to_contain_text(
        "4,695"
    )
    expect(page.get_by_role("table", name=re.compile("programme to date"))).to_contain_text("1,333")
    assert_accessible(page)
