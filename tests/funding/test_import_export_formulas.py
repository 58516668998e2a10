"""Text that a spreadsheet would run as a formula comes out of every funding download as text.

A stream's name reaches the dashboard CSV's header row; an imported purpose reaches the
allocation downloads' cells. Either could be ``=HYPERLINK(...)`` typed by anyone who may name a
stream or upload a file.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import AllocationFactory, FundingStreamFactory

from .conftest import csv_file

LINK = '=HYPERLINK("http://x","y")'


def _download_link(client, url: str, text: str) -> str:
    """The address of the page's download link ``text``, as a browser would follow it."""
    for line in client.get(url).content.decode().splitlines():
        if text in line and 'href="' in line:
            href = line.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
            return url + href if href.startswith("?") else href
    raise AssertionError(f"no link {text!r} on the page")


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_a_formula_stream_name_is_text_in_the_dashboard_csv_header(client, manager, breckland):
    AllocationFactory(stream=FundingStreamFactory(name=LINK), district=breckland)
    client.force_login(manager)
    response = client.get(
        _download_link(client, "/funding/", "Download money by district and stream")
    )
    header = _csv_rows(response.content)[0]
    assert "'" + LINK in header
    assert LINK not in header


@pytest.mark.django_db
def test_a_formula_stream_name_is_text_in_the_allocation_downloads(client, manager, breckland):
    AllocationFactory(stream=FundingStreamFactory(name=LINK), district=breckland)
    client.force_login(manager)
    rows = _csv_rows(client.get(_download_link(client, "/funding/allocations/", ">CSV<")).content)
    assert rows[1][3] == "'" + LINK
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(_download_link(client, "/funding/allocations/", "XLSX")).content)
    )
    cell = book.active.cell(row=2, column=4)
    assert cell.data_type == "s"
    assert cell.value == "'" + LINK


@pytest.mark.django_db
def test_an_imported_formula_purpose_is_text_when_downloaded(client, manager, breckland, streams):
    client.force_login(manager)
    content = csv_file(
        "financial_year,district,stream,amount,purpose",
        f'2024-25,Breckland,Active NoW,100,"{LINK.replace(chr(34), chr(34) * 2)}"',
    )
    preview = client.post("/funding/imports/new/", {"file": SimpleUploadedFile("f.csv", content)})
    client.post(preview["Location"] + "confirm/")
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/funding/allocations/?download=xlsx").content)
    )
    purposes = [row[6] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert purposes == ["'" + LINK]
