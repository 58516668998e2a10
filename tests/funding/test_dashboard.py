from __future__ import annotations

import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from funding.models import Allocation
from tests.factories import AllocationFactory, DistrictFactory, FundingStreamFactory
from tests.pages import form_of


@pytest.mark.django_db
def test_dashboard_totals_each_district_and_leaves_out_withdrawn(client, manager):
    stream = FundingStreamFactory(name="Active NoW")
    breckland = DistrictFactory(name="Breckland", ons_code="E07000143")
    AllocationFactory(stream=stream, district=breckland, amount=Decimal("1000.40"))
    AllocationFactory(stream=stream, district=breckland, amount=Decimal("2000"))
    AllocationFactory(
        stream=stream, district=breckland, amount=Decimal("500"), status=Allocation.Status.WITHDRAWN
    )
    client.force_login(manager)
    page = client.get("/funding/").content.decode()
    assert "2024-25" in page
    assert "£3,000" in page
    assert "£3,500" not in page


@pytest.mark.django_db
def test_dashboard_runs_a_fixed_number_of_queries(client, manager, django_assert_max_num_queries):
    stream = FundingStreamFactory()
    for _ in range(20):
        AllocationFactory(stream=stream, district=DistrictFactory())
    client.force_login(manager)
    with django_assert_max_num_queries(8):
        response = client.get("/funding/")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 20


def _figure(page: str, chart_id: str) -> dict:
    """The figure the page hands to plotly.js for one chart."""
    data = BeautifulSoup(page, "html.parser").find("script", id=f"{chart_id}-figure")
    assert data is not None, f"no chart {chart_id} on the page"
    return json.loads(data.string)


def _cells(page: str, caption: str) -> list[list[str]]:
    """A table's rows as the reader sees them, header cells included, found by its caption."""
    for table in BeautifulSoup(page, "html.parser").find_all("table"):
        if table.caption and table.caption.get_text(" ", strip=True).startswith(caption):
            return [
                [
                    " ".join(cell.get_text(" ", strip=True).split())
                    for cell in tr.find_all(["th", "td"])
                ]
                for tr in table.find_all("tr")
            ]
    raise AssertionError(f"no table captioned {caption!r}")


@pytest.mark.django_db
def test_a_stream_keeps_its_colour_in_years_with_different_streams(client, manager, breckland):
    haf = FundingStreamFactory(name="Big Norfolk Holiday Fun (HAF)")
    schools = FundingStreamFactory(name="Opening School Facilities")
    now = FundingStreamFactory(name="Active NoW")
    AllocationFactory(stream=now, district=breckland, financial_year=2023)
    AllocationFactory(stream=haf, district=breckland, financial_year=2024)
    AllocationFactory(stream=schools, district=breckland, financial_year=2024)
    AllocationFactory(stream=now, district=breckland, financial_year=2024)
    client.force_login(manager)

    def colours(year: int) -> dict[str, str]:
        page = client.get("/funding/", {"year": year}).content.decode()
        traces = _figure(page, "chart-streams")["data"]
        return {trace["name"]: trace["marker"]["color"] for trace in traces}

    earlier, later = colours(2023), colours(2024)
    assert list(earlier) == ["Active NoW"]
    assert earlier["Active NoW"] == later["Active NoW"]
    assert len(set(later.values())) == 3


@pytest.mark.django_db
def test_year_on_year_gives_the_change_in_pounds_and_per_cent_and_a_total(
    client, manager, breckland, norwich
):
    stream = FundingStreamFactory(name="Active NoW")
    south = DistrictFactory(name="South Norfolk", ons_code="E07000149")
    AllocationFactory(
        stream=stream, district=breckland, amount=Decimal("400000"), financial_year=2023
    )
    AllocationFactory(stream=stream, district=breckland, amount=Decimal("36440"))
    AllocationFactory(
        stream=stream, district=norwich, amount=Decimal("100000"), financial_year=2023
    )
    AllocationFactory(stream=stream, district=norwich, amount=Decimal("112500"))
    AllocationFactory(stream=stream, district=south, amount=Decimal("5000"))
    client.force_login(manager)
    response = form_of(client.get("/funding/"), button="Show").submit(client, year="2024")
    rows = _cells(response.content.decode(), "Money into each district in 2023-24 and 2024-25")
    assert rows == [
        ["District", "2023-24", "2024-25", "Change", "Change (%)"],
        ["Breckland", "£400,000", "£36,440", "-£363,560", "-90.9%"],
        ["Norwich", "£100,000", "£112,500", "+£12,500", "+12.5%"],
        ["South Norfolk", "£0", "£5,000", "+£5,000", "new"],
        ["Total", "£500,000", "£153,940", "-£346,060", "-69.2%"],
    ]


@pytest.mark.django_db
def test_counts_and_amounts_read_as_people_write_them(client, manager, breckland):
    stream = FundingStreamFactory(name="Active NoW")
    AllocationFactory(stream=stream, district=breckland, amount=Decimal("2959098"))
    client.force_login(manager)
    page = client.get("/funding/?year=2024").content.decode()
    assert _cells(page, "Money per resident")[1] == ["Breckland", "100,000", "£2,959,098", "£29.59"]
    assert _cells(page, "Money into each district by stream")[-1] == [
        "Total",
        "£2,959,098",
        "£2,959,098",
    ]
    assert "2959098" not in BeautifulSoup(page, "html.parser").get_text()


@pytest.mark.django_db
def test_a_small_year_per_resident_ticks_with_pence(client, manager, breckland):
    """£0.05 and £0.12 a resident would read "£0 £0 £0" on an axis of whole pounds."""
    stream = FundingStreamFactory(name="Active NoW")
    AllocationFactory(stream=stream, district=breckland, amount=Decimal("5000"))
    client.force_login(manager)
    page = client.get("/funding/?year=2024").content.decode()
    figure = _figure(page, "chart-per-resident")
    assert figure["layout"]["yaxis"]["tickformat"] == ",.2f"
    assert "£%{y:,.2f}" in figure["data"][0]["hovertemplate"]


@pytest.mark.django_db
def test_tables_come_before_their_charts_and_the_charts_script_is_deferred(
    client, manager, breckland
):
    """The page paints its text and tables before plotly.js (4 MB) is even fetched."""
    AllocationFactory(stream=FundingStreamFactory(), district=breckland)
    client.force_login(manager)
    page = client.get("/funding/?year=2024").content.decode()
    assert page.index("<table") < page.index('id="chart-streams"')
    scripts = BeautifulSoup(page, "html.parser").find_all("script", src=True)
    charts = [s for s in scripts if "charts.js" in s["src"]]
    assert len(charts) == 1 and charts[0].has_attr("defer")
    assert charts[0]["data-plotly"] == "/static/vendor/plotly/plotly.min.js"
    assert not [s for s in scripts if "plotly" in s["src"]]
    assert "Plotly.newPlot" not in page


@pytest.mark.django_db
def test_a_year_with_no_money_loads_no_charts_script(client, manager, breckland):
    AllocationFactory(district=breckland, status=Allocation.Status.WITHDRAWN)
    client.force_login(manager)
    page = client.get("/funding/?year=2024").content.decode()
    assert "No allocations in 2024-25 yet" in page
    assert "plotly" not in page
