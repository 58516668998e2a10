"""Reading and checking an allocations spreadsheet (CSV or XLSX) before anything is written.

A manager prepares the file in a spreadsheet: a header row (names case-insensitive, any order),
then one allocation per row. Every row is checked; each problem names the row (as the
spreadsheet numbers it, the header being row 1) and the column. Nothing here writes to the
database: ``funding.services`` stores the checked rows for the preview and imports them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import openpyxl
from django.conf import settings

from activeportal.lib.fy import FinancialYearError, fy_bounds, fy_label, fy_parse
from activeportal.lib.money import parse_pounds
from districts.models import District, Partner

from .models import Allocation, FundingStream

REQUIRED_COLUMNS = ("financial_year", "district", "stream", "amount")
OPTIONAL_COLUMNS = ("recipient", "purpose", "status", "award_date")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MAX_FILE_BYTES = 20 * 1024 * 1024
PURPOSE_MAX = Allocation._meta.get_field("purpose").max_length


class ImportFileError(ValueError):
    """The file as a whole cannot be read (empty, not CSV/XLSX, header missing)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}"


@dataclass
class CheckedFile:
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_table(*, file_name: str, content: bytes) -> tuple[list[str], list[list]]:
    """The header (normalised names) and the data rows of a CSV or XLSX file.

    Reading stops at the row cap (``FUNDING_IMPORT_MAX_ROWS``): a file with a million rows is
    refused after the cap's worth, rather than holding a worker while it is read whole.
    """
    if not content.strip():
        raise ImportFileError("The file is empty: it needs a header row and at least one row.")
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError("The file is larger than 20 MB: split it into smaller files.")
    name = file_name.lower()
    is_zip = content[:4] == b"PK\x03\x04"
    if name.endswith(".xlsx") and is_zip:
        table = _load_xlsx(content)
    elif name.endswith(".csv") and not is_zip and b"\x00" not in content[:4096]:
        table = _load_csv(content)
    else:
        raise ImportFileError(
            f"'{file_name}' is not a CSV or XLSX file. Save the spreadsheet as CSV (.csv) or "
            "Excel workbook (.xlsx) and upload that."
        )
    if not table or not any(_text(cell) for cell in table[0]):
        raise ImportFileError("The file is empty: it needs a header row and at least one row.")
    header = [_text(cell).lower().replace(" ", "_").replace("-", "_") for cell in table[0]]
    return header, table[1:]


def max_rows() -> int:
    """The most allocations one file may hold."""
    return settings.FUNDING_IMPORT_MAX_ROWS


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        f"The file has more than {max_rows():,} allocations, the most one import takes: "
        "split it into smaller files."
    )


class _Rows:
    """Collects a file's rows, refusing the file once it passes the row cap.

    Blank rows do not count towards the cap (spreadsheets leave some at the end), but a file
    of nothing else is still only read so far.
    """

    def __init__(self) -> None:
        self.rows: list[list] = []
        self.data_rows = 0
        self.read = 0

    def add(self, row: list) -> None:
        self.read += 1
        if any(_text(cell) for cell in row):
            self.data_rows += 1
        if self.data_rows > max_rows() + 1 or self.read > 2 * max_rows() + 1:
            raise _too_many_rows()  # + 1: the header row
        self.rows.append(row)


def _load_csv(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # Excel on Windows saves CSV so
    if "\x00" in text:  # never in a spreadsheet's text, and the database refuses it
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFileError(
            f"Line {line} holds a NUL character, which a spreadsheet never writes: save the "
            "file again as CSV from your spreadsheet program."
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = _Rows()
    try:
        for row in reader:
            rows.add(row)
    except csv.Error as error:
        # A cell past the csv module's 128 KiB limit.
        raise ImportFileError(
            f"Row {reader.line_num} could not be read: a cell is longer than "
            f"{csv.field_size_limit() // 1024:,} KiB. Check the file "
            "was saved as CSV from a spreadsheet program."
        ) from error
    # A short row leaves its last columns empty, as spreadsheets save them; a long one has a
    # comma too many somewhere.
    width = len(rows.rows[0]) if rows.rows else 0
    for number, row in enumerate(rows.rows[1:], start=2):
        if len(row) > width:
            raise ImportFileError(
                f"Row {number} has {len(row)} cells but the header has {width}: check for an "
                "amount with a comma that is not in quotes, or a missing or extra column."
            )
    return rows.rows


def _load_xlsx(content: bytes) -> list[list]:
    # Read-only mode streams the sheet's rows instead of building every cell in memory.
    rows = _Rows()
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            for row in book.worksheets[0].iter_rows(values_only=True):
                rows.add(list(row))
        finally:
            book.close()
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError(
            "The workbook could not be read: open it in your spreadsheet program, save it "
            "again as .xlsx and upload that."
        ) from error
    return rows.rows


def check_header(header: list[str]) -> None:
    """Refuse a header with a required column missing, an unknown or a repeated column."""
    if not set(header) & set(COLUMNS):
        raise ImportFileError(
            "The header row is missing: the first row must name the columns, "
            + ", ".join(REQUIRED_COLUMNS)
            + " (required) and "
            + ", ".join(OPTIONAL_COLUMNS)
            + " (optional)."
        )
    seen = set()
    for name in header:
        if not name:
            continue
        if name not in COLUMNS:
            raise ImportFileError(
                f"The header has a column '{name}' the import does not know. The columns are "
                + ", ".join(COLUMNS)
                + "."
            )
        if name in seen:
            raise ImportFileError(f"The header has the column '{name}' twice.")
        seen.add(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if missing:
        raise ImportFileError(
            "The header row has no "
            + ", ".join(f"'{name}'" for name in missing)
            + " column. The first row must name the columns: "
            + ", ".join(REQUIRED_COLUMNS)
            + " (required) and "
            + ", ".join(OPTIONAL_COLUMNS)
            + " (optional)."
        )


def check_file(*, file_name: str, content: bytes) -> CheckedFile:
    """Read the file and check every row; the result holds the good rows or every problem."""
    header, body = read_table(file_name=file_name, content=content)
    check_header(header)
    checker = _RowChecker()
    result = CheckedFile()
    for offset, cells in enumerate(body):
        values = {name: cells[i] if i < len(cells) else None for i, name in enumerate(header)}
        if not any(_text(value) for value in values.values()):
            continue  # a blank line, as spreadsheets often leave at the end
        row, errors = checker.check(offset + 2, values)
        result.errors.extend(errors)
        if row is not None:
            result.rows.append(row)
    if not result.rows and not result.errors:
        raise ImportFileError("The file has a header row but no allocations under it.")
    return result


class _RowChecker:
    """Checks rows against the districts, streams and partners, loaded once per file."""

    def __init__(self) -> None:
        self.districts: dict[str, int] = {}
        for pk, name, ons_code in District.objects.filter(is_active=True).values_list(
            "pk", "name", "ons_code"
        ):
            self.districts[name.lower()] = pk
            self.districts[ons_code.lower()] = pk
        self.streams = {
            name.lower(): (pk, active)
            for pk, name, active in FundingStream.objects.values_list("pk", "name", "is_active")
        }
        self.partners = {name.lower(): pk for pk, name in Partner.objects.values_list("pk", "name")}
        self.statuses = {}
        for value, label in Allocation.Status.choices:
            self.statuses[value] = value
            self.statuses[label.lower()] = value
        self.seen: dict[tuple, int] = {}

    def check(self, number: int, values: dict) -> tuple[dict | None, list[RowError]]:
        errors: list[RowError] = []

        def fail(column: str, message: str) -> None:
            errors.append(RowError(number, column, message))

        year = self._year(values.get("financial_year"), fail)
        district = self._lookup(
            values.get("district"),
            self.districts,
            "district",
            "is not a district: give its name or ONS code",
            fail,
        )
        stream = self._stream(values.get("stream"), fail)
        amount = self._amount(values.get("amount"), fail)
        recipient = None
        if _text(values.get("recipient")):
            recipient = self._lookup(
                values.get("recipient"),
                self.partners,
                "recipient",
                "is not a partner: add the partner first, or leave recipient empty",
                fail,
            )
        purpose = _text(values.get("purpose"))
        if len(purpose) > PURPOSE_MAX:
            fail("purpose", f"is {len(purpose)} characters long; the most is {PURPOSE_MAX}")
        status = Allocation.Status.AWARDED.value
        if _text(values.get("status")):
            raw = _text(values["status"])
            status = self.statuses.get(raw.lower())
            if status is None:
                fail(
                    "status",
                    f"'{raw}' is not a status: use planned, awarded, paid or withdrawn",
                )
        award_date = self._date(values.get("award_date"), year, fail)
        if errors:
            return None, errors
        key = (year, district, stream, amount, recipient, purpose.lower())
        if key in self.seen:
            fail(
                "all columns",
                f"repeats row {self.seen[key]} (same year, district, stream, amount, recipient "
                "and purpose); remove one, or tell them apart in purpose",
            )
            return None, errors
        self.seen[key] = number
        return {
            "row": number,
            "financial_year": year,
            "district": district,
            "stream": stream,
            "amount": str(amount),
            "recipient": recipient,
            "purpose": purpose,
            "status": status,
            "award_date": award_date.isoformat() if award_date else None,
        }, errors

    @staticmethod
    def _year(value, fail) -> int | None:
        raw = _text(value)
        if not raw:
            fail("financial_year", "is empty: give the year as 2024-25")
            return None
        try:
            year = fy_parse(raw)
        except FinancialYearError as error:
            fail("financial_year", str(error))
            return None
        if not 2000 <= year <= 2100:
            fail("financial_year", f"'{raw}' is not a plausible financial year")
            return None
        return year

    @staticmethod
    def _lookup(value, table: dict, column: str, message: str, fail) -> int | None:
        raw = _text(value)
        if not raw:
            fail(column, "is empty")
            return None
        pk = table.get(raw.lower())
        if pk is None:
            fail(column, f"'{raw}' {message}")
        return pk

    def _stream(self, value, fail) -> int | None:
        raw = _text(value)
        if not raw:
            fail("stream", "is empty")
            return None
        found = self.streams.get(raw.lower())
        if found is None:
            fail("stream", f"'{raw}' is not a funding stream: add the stream first")
            return None
        pk, active = found
        if not active:
            fail("stream", f"'{raw}' is deactivated: reactivate it to import into it")
            return None
        return pk

    @staticmethod
    def _amount(value, fail) -> Decimal | None:
        raw = value if isinstance(value, int | float | Decimal) else _text(value)
        if raw == "":
            fail("amount", "is empty")
            return None
        try:
            return parse_pounds(raw)
        except ValueError as error:
            fail("amount", str(error))
            return None

    @staticmethod
    def _date(value, year: int | None, fail) -> date | None:
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        else:
            raw = _text(value)
            if not raw:
                return None
            try:
                day = date.fromisoformat(raw) if len(raw) == 10 else None
            except ValueError:
                day = None
            if day is None:
                fail("award_date", f"'{raw}' is not a date written as YYYY-MM-DD")
                return None
        if year is not None:
            first, last = fy_bounds(year)
            if not first <= day <= last:
                fail(
                    "award_date",
                    f"{day.isoformat()} is outside {fy_label(year)} "
                    f"({first:%-d %b %Y} to {last:%-d %b %Y})",
                )
                return None
        return day


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()
