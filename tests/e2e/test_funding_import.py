from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, AllocationFactory, DistrictFactory, FundingStreamFactory

from .conftest import assert_accessible, sign_in

HEADER = "financial_year,district,stream,amount,purpose"


def upload(page, name: str, text: str) -> None:
    page.get_by_label("Allocations file (CSV or XLSX)").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_a_manager_fixes_a_bad_row_imports_the_file_and_sees_the_dashboard_change(
    page, live_server, manager
):
    breckland = DistrictFactory(name="Breckland", ons_code="E07000143", population=142_000)
    DistrictFactory(name="Norwich", ons_code="E07000148", population=144_000)
    stream = FundingStreamFactory(name="Active NoW")
    AllocationFactory(stream=stream, district=breckland, amount=Decimal("1000"))

    sign_in(page, live_server, manager.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding dashboard")
    expect(page.get_by_text("Money into districts in 2024-25: £1,000")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Import allocations").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import allocations")
    assert_accessible(page)

    bad = "\n".join(
        [
            HEADER,
            '2024-25,Breckland,Active NoW,"12,000",Walking groups',
            '2024-25,Norwich,Active NoW,"12,34x",Swimming',
        ]
    )
    upload(page, "allocations.csv", bad)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The file was not imported")
    expect(alert).to_contain_text("row 3, amount: '12,34x' is not an amount in pounds")
    assert_accessible(page)

    upload(page, "allocations.csv", bad.replace("12,34x", "£345.50"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before importing")
    summary = page.get_by_role("table", name="What the file would add to each district")
    expect(summary.get_by_role("row", name=re.compile("Norwich"))).to_contain_text("£345.50")
    expect(summary).to_contain_text("£12,345.50")
    assert_accessible(page)

    page.get_by_role("button", name="Import 2 allocations").click()
    expect(page.get_by_role("status")).to_contain_text("Imported 2 allocations")
    expect(page.get_by_text("Money into districts in 2024-25: £13,346")).to_be_visible()
    table = page.get_by_role("table", name=re.compile("Money into each district by stream"))
    expect(table.get_by_role("row", name=re.compile("^Breckland"))).to_contain_text("£13,000")
    assert_accessible(page)

    table.get_by_role("link", name="Norwich").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocations")
    expect(page.get_by_role("cell", name="Swimming")).to_be_visible()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_the_public_transparency_page_is_accessible_without_signing_in(page, live_server):
    stream = FundingStreamFactory(name="Active NoW")
    AllocationFactory(
        stream=stream, district=DistrictFactory(name="Breckland"), amount=Decimal("5")
    )
    page.goto(f"{live_server.url}/transparency/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("where the money went")
    expect(page.get_by_role("link", name="2024-25 grants (CSV)")).to_be_visible()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_the_stream_and_allocation_pages_are_accessible(page, live_server, manager):
    allocation = AllocationFactory(district=DistrictFactory(name="Breckland"), status="planned")
    sign_in(page, live_server, manager.email, PASSWORD)
    assert_accessible(page)
    for path in [
        "/funding/streams/",
        "/funding/streams/new/",
        f"/funding/streams/{allocation.stream_id}/deactivate/",
        "/funding/allocations/",
        "/funding/allocations/new/",
        f"/funding/allocations/{allocation.pk}/edit/",
        f"/funding/allocations/{allocation.pk}/status/",
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    page.get_by_label("Withdrawn").check()
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("status")).to_contain_text("now withdrawn")
    assert_accessible(page)
