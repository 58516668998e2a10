"""The public transparency page as a member of the public meets it: the money stated as
distributed is what the year's 360Giving file publishes, and planned money says it is planned."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from activeportal.lib.money import format_gbp
from tests.factories import AllocationFactory, DistrictFactory, FundingStreamFactory

from .conftest import assert_accessible


@pytest.fixture
def imported_year() -> None:
    """2025-26 after an import: awarded and paid money, one planned allocation, one withdrawn."""
    breckland = DistrictFactory(name="Breckland", ons_code="E07000143")
    norwich = DistrictFactory(name="Norwich", ons_code="E07000148")
    haf = FundingStreamFactory(name="Big Norfolk Holiday Fun (HAF)")
    now = FundingStreamFactory(name="Active NoW")
    for stream, district, amount, status in [
        (haf, breckland, "1212000", "paid"),
        (haf, norwich, "9840", "awarded"),
        (now, norwich, "8000.50", "awarded"),
        (now, breckland, "8000", "planned"),
        (now, norwich, "5000", "withdrawn"),
    ]:
        AllocationFactory(
            stream=stream,
            district=district,
            financial_year=2025,
            amount=Decimal(amount),
            status=status,
        )
    AllocationFactory(stream=now, district=norwich, financial_year=2024, amount=Decimal("700"))


@pytest.mark.django_db(transaction=True)
def test_the_public_total_reads_as_the_open_data_sum_and_planned_money_is_labelled(
    page, live_server, imported_year
):
    page.goto(f"{live_server.url}/transparency/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("where the money went")
    assert_accessible(page)

    link = page.get_by_role("link", name="2025-26 grants (CSV)")
    download = page.request.get(live_server.url + link.get_attribute("href"))
    assert download.ok
    grants = list(csv.DictReader(io.StringIO(download.body().decode("utf-8-sig"))))
    published = sum((Decimal(g["Amount Awarded"]) for g in grants), Decimal("0"))
    assert published == Decimal("1229840.50")
    total = format_gbp(published)
    assert total == "£1,229,841"

    lead = page.get_by_text("Money the partnership distributed (awarded or paid)")
    expect(lead).to_contain_text(f"in 2025-26: {total}.")
    districts = page.get_by_role("table", name="Money into each district, 2025-26")
    expect(districts.get_by_role("row", name=re.compile("^Total"))).to_contain_text(total)
    expect(districts.get_by_role("row", name=re.compile("^Breckland"))).to_contain_text(
        "£1,212,000"
    )
    streams = page.get_by_role("table", name="Money through each funding stream, 2025-26")
    expect(streams.get_by_role("row", name=re.compile("^Total"))).to_contain_text(total)
    expect(page.get_by_text("£1,237,841")).to_have_count(0)  # planned money is not distributed

    planned = page.get_by_text("is planned for 2025-26 but not yet awarded")
    expect(planned).to_contain_text("A further £8,000 is planned")
    expect(planned).to_contain_text("planned money is not counted as distributed")
