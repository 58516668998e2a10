"""Table downloads (CSV and XLSX) for every page's "Download", with numbers that are numbers.

Each column says its kind (text, count, number, money, pence, percent, date), so a spreadsheet
can sum a download: CSV writes plain numbers (``-1200``, ``1200.50``), XLSX writes numeric cells
with formats (``£#,##0``, ``#,##0``, ``0%``) and dates as dates. Text cells, header cells
included (a stream's name can head a column), are escaped against formula injection; a
negative amount is a number, not a formula.

XLSX is written with openpyxl directly (tablib cannot set a cell's number format), in
write-only mode so a long allocation list streams into the file; CSV with the standard library.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import openpyxl
from django.http import HttpResponse
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Kind(StrEnum):
    """What a column holds, which decides how its cells are written."""

    TEXT = "text"
    COUNT = "count"  # whole numbers: 4,694
    NUMBER = "number"  # numbers with a fraction, such as hours: 2.5
    MONEY = "money"  # pounds, shown whole: £2,959,098
    PENCE = "pence"  # pounds and pence: £1.25 per resident
    PERCENT = "percent"  # percentage points (44 is 44%); say "(%)" in the header
    DATE = "date"


XLSX_FORMATS = {
    Kind.COUNT: "#,##0",
    Kind.NUMBER: "#,##0.00",
    Kind.MONEY: "£#,##0",
    Kind.PENCE: "£#,##0.00",
    Kind.PERCENT: "0%",
    Kind.DATE: "d mmm yyyy",
}

SHEET_NAME_LIMIT = 31  # Excel refuses longer sheet names
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
_FORMULA_STARTS = ("=", "+", "-", "@")
# A figure as a page shows it: 4,694 · £2,959,098 · -£1,200 · £1.25 · 44% · 12.5
_SHOWN_NUMBER = re.compile(r"^(-?)£?(-?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?%?$")


def table_download(
    *,
    filename: str,
    headers: Sequence[str],
    kinds: Sequence[Kind],
    rows: Iterable[Sequence],
    fmt: str = "csv",
    title: str = "",
) -> HttpResponse:
    """An attachment response holding ``rows`` under ``headers`` as CSV or XLSX.

    ``kinds`` gives each column's kind, one per header. ``title`` names the XLSX sheet (the
    file name if none is given), cut to Excel's 31 characters.
    """
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown download format {fmt!r}")
    if len(kinds) != len(headers):
        raise ValueError(f"{len(headers)} headers but {len(kinds)} column kinds")
    typed = (
        [typed_value(value, kind) for value, kind in zip(row, kinds, strict=True)] for row in rows
    )
    if fmt == "csv":
        body: bytes | str = _csv(headers, typed)
    else:
        body = _xlsx(headers, kinds, typed, title=sheet_name(title or filename))
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def typed_value(value, kind: Kind):
    """``value`` as its column's kind: a number, a date, text or None (an empty cell).

    A figure already written for a page ("4,694", "-£1,200", "44%") is read back as the
    number it shows, so a download of a page's table agrees with the page. Anything in a
    numeric column that is not a number (a suppressed "*", a "—") stays text.
    """
    if value is None or value == "":
        return None
    if kind == Kind.TEXT:
        return str(value)
    if kind == Kind.DATE:
        return _date(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return _shown_number(str(value).strip(), kind)


def sheet_name(title: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\ and at most 31 characters."""
    name = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", title).split()).strip("'")
    if len(name) > SHEET_NAME_LIMIT:
        cut = name[:SHEET_NAME_LIMIT]
        if name[SHEET_NAME_LIMIT] != " " and " " in cut:
            whole_words = cut.rsplit(" ", 1)[0]  # rather than half a word
            cut = whole_words if len(whole_words) >= SHEET_NAME_LIMIT // 2 else cut
        name = cut
    return name.rstrip(" ,;-") or "Table"


def _csv(headers: Sequence[str], rows: Iterable[list]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # a byte-order mark so Excel reads UTF-8 (£, accents)
    writer = csv.writer(out)
    writer.writerow([_escaped(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return out.getvalue()


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _escaped(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")  # never 1E+3
    return str(value)


def _xlsx(
    headers: Sequence[str], kinds: Sequence[Kind], rows: Iterable[list], *, title: str
) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for column, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(10, min(len(header), 40) + 2)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, h, Kind.TEXT, font=bold) for h in headers])
    for row in rows:
        sheet.append(
            [_xlsx_cell(sheet, value, kind) for value, kind in zip(row, kinds, strict=True)]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value, kind: Kind, *, font: Font | None = None) -> WriteOnlyCell:
    if isinstance(value, str):
        value = _escaped(value)
    elif kind == Kind.PERCENT and value is not None:
        value = value / 100  # Excel's 0% format shows a fraction: 0.44 as 44%
    cell = WriteOnlyCell(sheet, value=value)
    if value is not None and not isinstance(value, str) and kind in XLSX_FORMATS:
        cell.number_format = XLSX_FORMATS[kind]
    if font:
        cell.font = font
    return cell


def _escaped(text: str) -> str:
    # Spreadsheet programs run text that starts with = + - @ as a formula: neutralise it.
    return "'" + text if text[:1] in _FORMULA_STARTS else text


def _date(value) -> date | str:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return str(value)


def _shown_number(text: str, kind: Kind) -> int | Decimal | str:
    match = _SHOWN_NUMBER.match(text)
    if not match:
        return text
    # An amount in pounds or a percentage in a column of another kind is kept as written.
    if "£" in text and kind not in (Kind.MONEY, Kind.PENCE):
        return text
    if text.endswith("%") and kind != Kind.PERCENT:
        return text
    minus = "-" if (match.group(1) or match.group(2)) else ""
    number = Decimal(minus + match.group(3).replace(",", "") + (match.group(4) or ""))
    return int(number) if match.group(4) is None else number
