"""Downloads whose numbers are numbers: read back with csv and openpyxl as a spreadsheet would."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from activeportal.lib.export import Kind, sheet_name, table_download
from tests.factories import AllocationFactory, WorkLogEntryFactory

HEADERS = ["Change", "People", "Value per person (£)", "Share (%)", "Hours", "Paid on", "Per head"]
KINDS = [Kind.TEXT, Kind.COUNT, Kind.MONEY, Kind.PERCENT, Kind.NUMBER, Kind.DATE, Kind.PENCE]
ROWS = [
    [
        "Active to fairly active",
        4694,
        Decimal("-1200"),
        25,
        Decimal("2.50"),
        date(2025, 3, 12),
        1.25,
    ],
    ["=HYPERLINK(1)", "*", "-£1,200", "44%", None, "2024-06-01", "£0.75"],
]


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _sheet(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_csv_download_has_headers_rows_and_a_filename():
    response = table_download(
        filename="allocations-2024-25",
        headers=["District", "Amount (£)"],
        kinds=[Kind.TEXT, Kind.MONEY],
        rows=[["Norwich", Decimal("12.50")], ["King's Lynn", 3]],
    )
    assert response["Content-Disposition"] == 'attachment; filename="allocations-2024-25.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    assert text.splitlines() == ["District,Amount (£)", "Norwich,12.50", "King's Lynn,3"]


def test_csv_writes_plain_numbers_that_sum():
    header, first, second = _csv_rows(
        table_download(filename="t", headers=HEADERS, kinds=KINDS, rows=ROWS)
    )
    assert header == HEADERS
    assert first == ["Active to fairly active", "4694", "-1200", "25", "2.50", "2025-03-12", "1.25"]
    assert int(first[1]) + float(first[2]) == 3494
    # Figures written for a page are read back as the numbers they show; a hidden one stays *.
    assert second[1:5] == ["*", "-1200", "44", ""]
    assert second[5:] == ["2024-06-01", "0.75"]


def test_only_text_cells_are_escaped_against_formulas():
    rows = _csv_rows(table_download(filename="t", headers=HEADERS, kinds=KINDS, rows=ROWS))
    assert rows[2][0] == "'=HYPERLINK(1)"
    assert rows[1][2] == "-1200"  # a negative amount is a number, never a formula
    text = _csv_rows(
        table_download(
            filename="t", headers=["Summary"], kinds=[Kind.TEXT], rows=[["-£1,200"], ["@SUM(A1)"]]
        )
    )
    assert [row[0] for row in text[1:]] == ["'-£1,200", "'@SUM(A1)"]


def test_xlsx_cells_are_numbers_with_formats_and_dates_are_dates():
    response = table_download(filename="t", headers=HEADERS, kinds=KINDS, rows=ROWS, fmt="xlsx")
    sheet = _sheet(response)
    assert [c.value for c in sheet[1]] == HEADERS
    people, value, share, hours, paid, per_head = (sheet.cell(2, n) for n in range(2, 8))
    assert (people.value, people.number_format) == (4694, "#,##0")
    assert isinstance(people.value, int)
    assert (value.value, value.number_format) == (-1200, "£#,##0")
    assert (share.value, share.number_format) == (0.25, "0%")
    assert isinstance(share.value, float)
    assert (hours.value, hours.number_format) == (2.5, "#,##0.00")
    assert paid.value.date() == date(2025, 3, 12)
    assert paid.is_date and paid.number_format == "d mmm yyyy"
    assert (per_head.value, per_head.number_format) == (1.25, "£#,##0.00")


def test_xlsx_escapes_text_but_not_negative_numbers():
    sheet = _sheet(
        table_download(filename="t", headers=HEADERS, kinds=KINDS, rows=ROWS, fmt="xlsx")
    )
    assert sheet["A3"].value == "'=HYPERLINK(1)"
    assert sheet["B3"].value == "*"
    assert sheet["C3"].value == -1200 and isinstance(sheet["C3"].value, int)
    assert sheet["D3"].value == 0.44
    assert sheet["E3"].value is None
    assert sheet["F3"].value.date() == date(2024, 6, 1)


def test_a_figure_of_another_kind_is_kept_as_written():
    response = table_download(
        filename="t",
        headers=["=Odd header", "Amount (£)", "People"],
        kinds=[Kind.TEXT, Kind.MONEY, Kind.COUNT],
        rows=[["x", "44%", "£5"], ["y", "—", "1,250"]],
        fmt="xlsx",
    )
    sheet = _sheet(response)
    assert sheet["A1"].value == "'=Odd header"  # escaped once
    assert [sheet["B2"].value, sheet["C2"].value] == ["44%", "£5"]
    assert [sheet["B3"].value, sheet["C3"].value] == ["—", 1250]


def test_the_sheet_is_named_for_its_table():
    response = table_download(
        filename="social-value-2024-25-partnership",
        headers=["Change"],
        kinds=[Kind.TEXT],
        rows=[],
        fmt="xlsx",
        title="Social value: primary wellbeing value, line by line",
    )
    sheet = _sheet(response)
    assert sheet.title == "Social value primary wellbeing"
    assert response["Content-Disposition"].endswith('social-value-2024-25-partnership.xlsx"')
    untitled = table_download(filename="work-log", headers=[], kinds=[], rows=[], fmt="xlsx")
    assert _sheet(untitled).title == "work-log"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Allocations", "Allocations"),
        ("Changes in activity level, programme to date", "Changes in activity level"),
        ("Deprivation profile: referrals by IMD decile", "Deprivation profile referrals"),
        ("A/B [draft]?", "A B draft"),
        ("x" * 40, "x" * 31),
        (":*?", "Table"),
    ],
)
def test_sheet_names_are_ones_excel_accepts(title, name):
    assert sheet_name(title) == name
    assert len(sheet_name(title)) <= 31


def test_a_column_without_its_kind_is_refused():
    with pytest.raises(ValueError, match="2 headers but 1 column kinds"):
        table_download(filename="t", headers=["A", "B"], kinds=[Kind.TEXT], rows=[])


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown download format"):
        table_download(filename="t", headers=[], kinds=[], rows=[], fmt="pdf")


# --- every download of the portal, read back as a spreadsheet would ------------------------------


@pytest.mark.django_db
def test_the_allocations_download_holds_amounts_and_dates_as_numbers(client, manager, breckland):
    AllocationFactory(
        district=breckland,
        amount=Decimal("1000.50"),
        purpose="=HYPERLINK(1)",
        status="paid",
        award_date=date(2024, 6, 1),
    )
    client.force_login(manager)
    sheet = _sheet(client.get("/funding/allocations/?download=xlsx"))
    assert sheet.title == "Allocations"
    row = {header.value: cell for header, cell in zip(sheet[1], sheet[2], strict=True)}
    assert row["Amount (£)"].value == 1000.5 and row["Amount (£)"].number_format == "£#,##0"
    assert row["Award date"].is_date and row["Award date"].value.date() == date(2024, 6, 1)
    assert row["Purpose"].value == "'=HYPERLINK(1)"
    assert row["Financial year"].value == "2024-25"
    (line,) = csv.DictReader(
        io.StringIO(client.get("/funding/allocations/?download=csv").content.decode("utf-8-sig"))
    )
    assert (line["Amount (£)"], line["Award date"]) == ("1000.50", "2024-06-01")


@pytest.mark.django_db
def test_the_work_log_download_holds_hours_people_and_money_as_numbers(client, manager, breckland):
    WorkLogEntryFactory(
        district=breckland,
        summary="-5 people came",
        hours=Decimal("1.50"),
        people_reached=1250,
        funding_secured=Decimal("5000"),
    )
    client.force_login(manager)
    response = client.get("/districts/work-log/download/")
    (row,) = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert row["Date"] == "2024-06-01"
    assert float(row["Hours"]) == 1.5
    assert int(row["People reached"]) == 1250
    assert float(row["Funding secured (£)"]) == 5000
    assert row["Summary"] == "'-5 people came"


def test_the_social_value_download_writes_negative_values_as_numbers(client, manager, built):
    client.force_login(manager)
    response = client.get("/reports/2024/download/social-value.csv")
    rows = {row[0]: row for row in _csv_rows(response)}
    header = rows["Change"]
    assert header[2:] == ["Value per person (£)", "Gross value (£)"]
    drop = rows["fairly active → inactive"]
    assert float(drop[2]) == -1200  # was '-£1,200, text no spreadsheet can add up
    assert not any(cell.startswith("'") for row in rows.values() for cell in row)
    sheet = _sheet(client.get("/reports/2024/download/social-value.xlsx"))
    assert sheet.title != "Tablib Dataset" and sheet.title.startswith("Social value")
    assert len(sheet.title) <= 31
    values = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    cell = values["fairly active → inactive"][2]
    assert cell.value == -1200 and cell.number_format == "£#,##0"
    assert isinstance(values["stayed active"][1].value, int)


def test_the_district_download_holds_counts_and_shares_as_numbers(client, manager, built):
    client.force_login(manager)
    sheet = _sheet(client.get("/reports/2024/download/districts.xlsx"))
    assert sheet.title == "By district"
    headers = [cell.value for cell in sheet[1]]
    assert "Most deprived quintiles (%)" in headers
    rows = {
        row[0].value: dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2)
    }
    breckland = rows["Breckland"]
    followed_up = breckland["People followed up"]
    assert followed_up.value == 10 and followed_up.number_format == "#,##0"
    total = next(row for label, row in rows.items() if label.startswith("Total"))
    assert total["Referrals"].value == 30 and isinstance(total["Referrals"].value, int)
    share = breckland["Most deprived quintiles (%)"]
    assert isinstance(share.value, float) and 0 < share.value <= 1
    assert share.number_format == "0%"
    # Suppressed as on the page: Norwich's 3, and Breckland's, which the total would reveal.
    assert rows["Norwich"]["Referrals"].value == "*" and breckland["Referrals"].value == "*"
    lines = {row[0]: row for row in _csv_rows(client.get("/reports/2024/download/districts.csv"))}
    percent = lines["District"].index("Most deprived quintiles (%)")
    assert float(lines["Breckland"][percent]) == round(share.value * 100)


@pytest.mark.django_db
def test_the_year_on_year_download_holds_changes_as_signed_numbers(client, manager, breckland):
    AllocationFactory(district=breckland, financial_year=2023, amount=Decimal("400000"))
    AllocationFactory(district=breckland, financial_year=2024, amount=Decimal("36440"))
    client.force_login(manager)
    response = client.get("/funding/download/year-on-year/?year=2024")
    rows = {row[0]: row for row in _csv_rows(response)}
    assert rows["District"][-2:] == ["Change (£)", "Change (%)"]
    assert rows["Breckland"][2:] == ["400000.00", "36440.00", "-363560.00", "-90.9"]
    assert float(rows["Total"][4]) == -363560
