"""The public pages: the transparency page and the 360Giving open data, without signing in."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
import tablib
from django.core.management import call_command

from activeportal.lib.money import format_gbp
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
    assert "£3,001" in page  # awarded and paid only: £1,000.50 + £2,000
    assert "£3,008" not in page
    assert "A further <strong>£7</strong> is planned for 2024-25 but not yet awarded" in page
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
    assert (
        "District figures are rounded to the nearest 5, and counts from 1 to 7 are shown as *"
        in page
    )
    # Norwich has 3 referrals: shown as * to the public, never as 3.
    impact = page[page.index("What the money did") :]
    norwich_row = impact[impact.index('<th scope="row">Norwich</th>') :].split("</tr>")[0]
    assert "*" in norwich_row


def test_the_transparency_page_says_when_impact_is_not_built(client, db):
    page = client.get("/transparency/?year=2024").content.decode()
    assert "have not been published yet" in page


# --- the public total is the open data's sum ---------------------------------------------------


@pytest.fixture
def load_demo(db: None, settings) -> None:
    """The Active Norfolk demo of 2024-25, its figures built, as `make run` serves it."""
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def year_with_every_status(breckland: District, norwich: District) -> None:
    """2025-26 as after an import: £29,840 awarded or paid, £8,000 planned, £5,000 withdrawn;
    and money of the year before, which the year's figures must leave alone."""
    haf = FundingStreamFactory(name="Big Norfolk Holiday Fun (HAF)")
    now = FundingStreamFactory(name="Active NoW")
    for stream, district, amount, status in [
        (haf, breckland, "12000", "paid"),
        (haf, norwich, "9840", "awarded"),
        (now, norwich, "8000", "awarded"),
        (now, breckland, "8000", "planned"),
        (now, breckland, "5000", "withdrawn"),
    ]:
        AllocationFactory(
            stream=stream,
            district=district,
            financial_year=2025,
            amount=Decimal(amount),
            status=status,
        )
    AllocationFactory(stream=now, district=norwich, financial_year=2024, amount=Decimal("700"))


def _open_data_sum(client, year: str) -> Decimal:
    """The year's 360Giving CSV as the public downloads it, its amounts added up."""
    response = client.get(f"/transparency/360giving-{year}.csv")
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    return sum((Decimal(row["Amount Awarded"]) for row in rows), Decimal("0"))


def _lead(page: str) -> str:
    return page[page.index('<p class="lead">') :].split("</p>")[0]


@pytest.mark.django_db
def test_the_public_total_is_the_sum_of_the_years_360giving_file(client, year_with_every_status):
    published = _open_data_sum(client, "2025-26")
    assert published == Decimal("29840")
    json_sum = sum(
        Decimal(str(g["amountAwarded"]))
        for g in client.get("/transparency/360giving-2025-26.json").json()["grants"]
    )
    assert json_sum == published
    page = client.get("/transparency/?year=2025").content.decode()
    assert f"<strong>{format_gbp(published)}</strong>" in _lead(page)
    assert "distributed (awarded or paid)" in _lead(page)
    # Both tables' totals rows state the same, and the planned money never joins them.
    footers = [foot.split("</tr>")[0] for foot in page.split("<tfoot>")[1:]]
    assert len(footers) == 2
    assert all(format_gbp(published) in foot for foot in footers)
    assert "£37,840" not in page  # awarded, paid and planned together


@pytest.mark.django_db
def test_planned_money_is_shown_apart_and_labelled_planned(client, year_with_every_status):
    page = client.get("/transparency/?year=2025").content.decode()
    assert "A further <strong>£8,000</strong> is planned for 2025-26 but not yet awarded" in page
    districts = page[page.index("Money into each district") :].split("</table>")[0]
    breckland = districts[districts.index('<th scope="row">Breckland</th>') :].split("</tr>")[0]
    assert "£12,000" in breckland  # paid only: not the £8,000 planned nor the £5,000 withdrawn
    streams = page[page.index("Money through each funding stream") :].split("</table>")[0]
    active_now = streams[streams.index('<th scope="row">Active NoW</th>') :].split("</tr>")[0]
    assert "£8,000" in active_now  # Norwich's awarded £8,000, not Breckland's planned


@pytest.mark.django_db
def test_a_year_with_only_planned_money_distributed_nothing_yet(client, breckland):
    AllocationFactory(
        district=breckland, financial_year=2026, amount=Decimal("2500"), status="planned"
    )
    page = client.get("/transparency/?year=2026").content.decode()
    assert "<strong>£0</strong>" in _lead(page)
    assert "No money has been awarded for 2026-27 yet." in page
    assert "A further <strong>£2,500</strong> is planned for 2026-27" in page
    assert _open_data_sum(client, "2026-27") == 0


@pytest.mark.django_db
def test_money_given_to_a_district_no_longer_active_is_still_counted(client, breckland, norwich):
    norwich.is_active = False
    norwich.save()
    AllocationFactory(district=breckland, amount=Decimal("1000"))
    AllocationFactory(district=norwich, amount=Decimal("250"))
    page = client.get("/transparency/?year=2024").content.decode()
    assert _open_data_sum(client, "2024-25") == Decimal("1250")
    assert "<strong>£1,250</strong>" in _lead(page)


@pytest.mark.django_db
def test_the_public_page_reads_its_figures_in_a_fixed_number_of_queries(
    client, year_with_every_status, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        assert client.get("/transparency/?year=2025").status_code == 200


# --- figures as people write them --------------------------------------------------------------


@pytest.mark.django_db
def test_the_360giving_csv_amounts_are_plain_numbers(client, year_with_every_status):
    response = client.get("/transparency/360giving-2025-26.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(row["Amount Awarded"] for row in rows) == ["12000.00", "8000.00", "9840.00"]
    assert all(float(row["Amount Awarded"]) for row in rows)


@pytest.mark.django_db
def test_amounts_on_the_public_page_have_thousands_separators(client, breckland):
    AllocationFactory(district=breckland, amount=Decimal("2959098"))
    page = client.get("/transparency/?year=2024").content.decode()
    assert "<strong>£2,959,098</strong>" in _lead(page)
    assert "2959098" not in page


def test_counts_on_the_public_page_read_as_people_write_them(client, load_demo):
    page = client.get("/transparency/?year=2024").content.decode()
    assert "<strong>£2,959,098</strong>" in _lead(page)
    impact = page[page.index("What the money did") :]
    figures = dict(
        re.findall(r'<dt class="col-sm-7">([^<]+)</dt><dd class="col-sm-5">([^<]+)</dd>', impact)
    )
    assert figures["Referrals"] == "4,694"
    assert figures["Referring organisations"] == "202"
    assert figures["In the two most deprived IMD quintiles"] == "44%"
    assert figures["Referrals, programme to date"] == "7,542"
    assert figures["Referred onto activity, programme to date"] == "4,838"
    # No figure of four or more digits without its separators (years and dates aside).
    text = re.sub(r"<[^>]+>", " ", page)
    text = re.sub(r"\b20\d\d(-\d\d)?\b", " ", text)
    assert not re.findall(r"(?<![\d,.])\d{4,}", text)
