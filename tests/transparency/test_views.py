"""The public pages: the transparency page and the 360Giving open data, without signing in."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
import tablib

from districts.models import District
from funding.models import FundingStream
from tests.factories import AllocationFactory, FundingStreamFactory, PartnerFactory


@pytest.fixture
def published(breckland: District, norwich: District) -> FundingStream:
    now = FundingStreamFactory(name="Active NoW")
    person_like = PartnerFactory(name="A Sole Trader Coach")
    AllocationFactory(
        stream=now,
        district=breckland,
        amount=Decimal("1000.50"),
        recipient=person_like,
        purpose="Walking groups",
        status="paid",
        award_date=date(2024, 6, 1),
    )
    AllocationFactory(stream=now, district=norwich, amount=Decimal("2000"))
    AllocationFactory(stream=now, district=norwich, amount=Decimal("7"), status="planned")
    AllocationFactory(stream=now, district=norwich, amount=Decimal("9"), status="withdrawn")
    return now


@pytest.mark.django_db
def test_the_transparency_page_needs_no_sign_in_and_names_no_recipient(client, published, settings):
    settings.PARTNERSHIP_NAME = "Active Testshire"
    response = client.get("/transparency/?year=2024")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Active Testshire" in page
    assert "£3,008" in page  # withdrawn left out, as on the dashboard
    assert "Breckland" in page and "Active NoW" in page
    assert "Sole Trader" not in page
    assert "Walking groups" not in page
    assert "@" not in page.replace("&#x27;", "")


@pytest.mark.django_db
def test_the_360giving_csv_has_the_standards_required_fields(client, published, settings):
    settings.OPEN_DATA_PREFIX = "360G-testshire"
    settings.FUNDING_ORG_ID = "GB-CHC-1234567"
    settings.PARTNERSHIP_NAME = "Active Testshire"
    response = client.get("/transparency/360giving-2024-25.csv")
    assert response.status_code == 200
    data = tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv")
    required = [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Award Date",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Beneficiary Location:Geographic Code",
        "Beneficiary Location:Geographic Code Type",
    ]
    assert set(required) <= set(data.headers)
    assert len(data) == 2  # awarded and paid; never planned or withdrawn
    grants = {row["Beneficiary Location:Geographic Code"]: row for row in data.dict}
    breckland = grants["E07000143"]
    assert breckland["Identifier"].startswith("360G-testshire-")
    assert breckland["Currency"] == "GBP"
    assert breckland["Amount Awarded"] == "1000.50"
    assert breckland["Award Date"] == "2024-06-01"
    assert breckland["Funding Org:Identifier"] == "GB-CHC-1234567"
    assert breckland["Funding Org:Name"] == "Active Testshire"
    assert breckland["Beneficiary Location:Geographic Code Type"] == "LAD"
    assert breckland["Description"] == "Walking groups"
    norwich = grants["E07000148"]
    assert norwich["Award Date"] == "2024-04-01"  # none recorded: the start of the year
    assert norwich["Recipient Org:Identifier"] == "360G-testshire-district-E07000148"
    assert all(row[field] for row in data.dict for field in required)


@pytest.mark.django_db
def test_the_360giving_json_follows_the_standards_schema(client, published, settings):
    settings.OPEN_DATA_PREFIX = "360G-testshire"
    response = client.get("/transparency/360giving-2024-25.json")
    assert response["Content-Type"].startswith("application/json")
    grants = json.loads(response.content)["grants"]
    assert len(grants) == 2
    for grant in grants:
        for field in ("id", "title", "description", "currency", "amountAwarded", "awardDate"):
            assert grant[field] not in ("", None)
        assert grant["currency"] == "GBP"
        assert isinstance(grant["amountAwarded"], int | float)
        assert grant["recipientOrganization"][0].keys() >= {"id", "name"}
        assert grant["fundingOrganization"][0].keys() >= {"id", "name"}
        assert grant["beneficiaryLocation"][0]["geoCodeType"] == "LAD"
        assert len(set(g["id"] for g in grants)) == len(grants)
    amounts = sorted(g["amountAwarded"] for g in grants)
    assert amounts == [1000.5, 2000]
    assert client.get("/transparency/360giving-2024-26.json").status_code == 404


def test_the_transparency_page_shows_suppressed_impact_figures(client, built, breckland):
    AllocationFactory(district=breckland, financial_year=2024)
    page = client.get("/transparency/?year=2024").content.decode()
    assert "What the money did" in page
    assert "Social value for every £1 invested" in page
    # Norwich has 3 referrals: shown as * to the public, never as 3.
    impact = page[page.index("What the money did") :]
    norwich_row = impact[impact.index('<th scope="row">Norwich</th>') :].split("</tr>")[0]
    assert "*" in norwich_row


def test_the_transparency_page_says_when_impact_is_not_built(client, db):
    page = client.get("/transparency/?year=2024").content.decode()
    assert "have not been published yet" in page
