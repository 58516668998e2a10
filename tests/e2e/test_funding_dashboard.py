"""The funding dashboard as a manager meets it on a 1366 x 768 laptop, with the Norfolk demo's
money: every column of the stream table in view, the change year on year in pounds and per
cent with a total, the charts drawn (after the tables), nothing for axe to find. And the impact
dashboard's charts, drawn by the same deferred script."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from demo.districts import load_districts
from demo.funding import PLACE, load_funding
from funding.models import FundingStream
from reports import services
from tests.factories import PASSWORD, AllocationFactory, FollowUpFactory, ReferralFactory

from .conftest import assert_accessible, sign_in

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def norfolk(db):
    """The demo's districts and money, and the Place Partnership's first phase (a fifth stream,
    so the stream table is as wide as it gets)."""
    districts = load_districts()
    load_funding(districts)
    place = FundingStream.objects.get(name=PLACE)
    for name in ("Great Yarmouth", "King's Lynn and West Norfolk"):
        AllocationFactory(stream=place, district=districts[name], amount=Decimal("86583"))
    return districts


def _fits(table) -> bool:
    """True when the table is no wider than the box holding it (no horizontal scroll)."""
    return table.evaluate(
        "t => t.getBoundingClientRect().width <= t.parentElement.clientWidth + 0.5"
        " && t.parentElement.scrollWidth <= t.parentElement.clientWidth"
    )


@pytest.mark.django_db(transaction=True)
def test_a_manager_reads_the_funding_dashboard_on_a_laptop(page, live_server, manager, norfolk):
    page.set_viewport_size(LAPTOP)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, manager.email, PASSWORD)
    assert_accessible(page)
    page.goto(f"{live_server.url}/funding/")
    year = page.get_by_role("form", name="Choose the financial year")
    year.get_by_label("Financial year").select_option(label="2024-25")
    year.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Money into districts in 2024-25: £3,132,264")).to_be_visible()

    streams = page.get_by_role("table", name=re.compile("^Money into each district by stream"))
    total = streams.get_by_role("columnheader", name="Total", exact=True)
    expect(total).to_be_visible()
    expect(total).to_be_in_viewport()
    assert _fits(streams)
    expect(streams.get_by_role("columnheader", name=PLACE)).to_be_in_viewport()
    expect(streams.get_by_role("row", name=re.compile("^Total"))).to_contain_text("£3,132,264")

    changes = page.get_by_role("table", name=re.compile("^Money into each district in 2023-24"))
    assert _fits(changes)
    expect(changes.get_by_role("columnheader", name="Change (%)")).to_be_visible()
    kings_lynn = changes.get_by_role("row", name=re.compile("^King's Lynn and West Norfolk"))
    expect(kings_lynn.get_by_role("cell").last).to_have_text(re.compile(r"^\+\d+\.\d%$"))
    total_row = changes.get_by_role("row", name=re.compile("^Total"))
    expect(total_row.get_by_role("cell")).to_have_count(4)
    expect(total_row.get_by_role("cell").last).to_have_text(re.compile(r"^\+\d+\.\d%$"))
    for cell in total_row.get_by_role("cell").all():
        box = cell.bounding_box()
        assert box and box["height"] < 40, "an amount wraps over two lines"

    for name in ("by stream", "pounds per resident", "in 2023-24 and 2024-25"):
        chart = page.get_by_role("img", name=re.compile(f"^Bar chart of .*{name}"))
        expect(chart.locator("svg").first).to_be_visible()
    assert not errors
    assert_accessible(page)

    page.get_by_role("form", name="Choose the financial year").get_by_label(
        "Financial year"
    ).select_option(label="2023-24")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Money into districts in 2023-24:")).to_be_visible()
    earlier = page.get_by_role("table", name=re.compile("^Money into each district in 2022-23"))
    assert _fits(earlier)
    expect(earlier.get_by_role("row", name=re.compile("^Total"))).to_contain_text("%")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_the_impact_dashboards_charts_are_drawn_after_its_tables(page, live_server, manager):
    """plotly.js is deferred on the impact dashboard too: its charts still appear."""
    districts = load_districts()
    breckland = districts["Breckland"]
    for i in range(12):
        referral = ReferralFactory(statistical=True, district=breckland, imd_decile=1 + i % 10)
        if i % 2:
            FollowUpFactory(referral=referral, completed=True, minutes=200)
    model = services.social_value_model_create_default()
    services.snapshot_build(year=2024, district_id=None, model_id=model.pk)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in(page, live_server, manager.email, PASSWORD)
    assert_accessible(page)
    page.goto(f"{live_server.url}/reports/2024/")
    charts = page.get_by_role("img", name=re.compile("^Chart: "))
    expect(charts.first).to_be_visible()
    for chart in charts.all():
        expect(chart.locator("svg").first).to_be_visible()
    assert not errors
    assert_accessible(page)
