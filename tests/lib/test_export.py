from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from activeportal.lib.export import table_download


def test_csv_download_has_headers_rows_and_a_filename():
    response = table_download(
        filename="allocations-2024-25",
        headers=["District", "Amount"],
        rows=[["Norwich", Decimal("12.50")], ["King's Lynn", 3]],
    )
    assert response["Content-Disposition"] == 'attachment; filename="allocations-2024-25.csv"'
    text = response.content.decode("utf-8-sig")
    assert text.splitlines() == ["District,Amount", "Norwich,12.50", "King's Lynn,3"]


def test_xlsx_download_opens_as_a_workbook():
    response = table_download(filename="t", headers=["A"], rows=[["x"]], fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["A"]
    assert sheet["A2"].value == "x"


def test_cells_that_look_like_formulas_are_neutralised():
    response = table_download(filename="t", headers=["Summary"], rows=[["=HYPERLINK(1)"]])
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown download format"):
        table_download(filename="t", headers=[], rows=[], fmt="pdf")
