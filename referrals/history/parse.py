"""Parsing and validation of the referral import files: pure functions, no database writes.

Two kinds of file:

* the postcode look-up (ONS/MHCLG columns), read as a stream of rows by ``read_postcode_rows``;
* the referral history (``referrals.csv`` and ``follow-ups.csv``), read whole by
  ``parse_referrals`` and ``parse_follow_ups``, every row validated and every problem reported
  as "referrals.csv row 7, pathway: 'fall' is not general, falls or smi".

Row numbers count the heading as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError

from referrals.models import MINUTES_IN_A_WEEK, FollowUp, Pathway, Status
from referrals.validators import normalise_nhs_number, normalise_postcode

REFERRALS_FILE = "referrals.csv"
FOLLOW_UPS_FILE = "follow-ups.csv"

_AREA_CODE = re.compile(r"^[EWSN][0-9]{8}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# ---------------------------------------------------------------------------------------------
# Small checks (the referral form has its own validators; these serve the imports).


def _normalise_postcode(value: str) -> str | None:
    """``nr1 3ab`` -> ``NR1 3AB``; None when it is not a UK postcode (the form's rule)."""
    try:
        return normalise_postcode(value)
    except ValidationError:
        return None


def _nhs_number(value: str) -> str | None:
    """The 10 digits of a valid NHS number, or None (the form's rule, modulus-11 included)."""
    try:
        return normalise_nhs_number(value)
    except ValidationError:
        return None


def _date(value: str) -> date | None:
    if not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _whole_number(value: str, low: int, high: int) -> int | None:
    if not re.fullmatch(r"\d{1,6}", value):
        return None
    number = int(value)
    return number if low <= number <= high else None


def _header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (name or "").lower())


# ---------------------------------------------------------------------------------------------
# The postcode look-up.

POSTCODE_COLUMNS = {
    "postcode": {"postcode", "pcds", "pcd", "pcd2", "pcd7", "pcd8"},
    "lsoa_code": {
        "lsoacode",
        "lsoa",
        "lsoa11cd",
        "lsoa21cd",
        "lsoa11",
        "lsoa21",
        "lsoacode2011",
        "lsoacode2021",
    },
    "imd_decile": {
        "imddecile",
        "imd",
        "indexofmultipledeprivationimddecile",
        "indexofmultipledeprivationdecile",
        "imddecile2019",
    },
    "district_ons_code": {
        "oslaua",
        "ladcd",
        "ladcode",
        "lad",
        "lad11cd",
        "lad19cd",
        "lad21cd",
        "lad23cd",
        "lad24cd",
        "localauthoritydistrictcode",
        "localauthoritydistrictcode2019",
        "districtonscode",
    },
}


@dataclass(frozen=True)
class PostcodeRow:
    line: int
    postcode: str
    lsoa_code: str
    imd_decile: int
    district_ons_code: str


@dataclass(frozen=True)
class RowError:
    message: str


class HeaderError(ValueError):
    """A heading the postcode file cannot be read by; the import service turns it into its
    ImportRejected, so it never leaves the service."""


def _postcode_header(header: list[str]) -> dict[str, int]:
    keys = [_header_key(h) for h in header]
    positions = {}
    for column, spellings in POSTCODE_COLUMNS.items():
        found = [i for i, key in enumerate(keys) if key in spellings]
        if found:
            positions[column] = found[0]
    missing = [c for c in POSTCODE_COLUMNS if c not in positions]
    if missing:
        raise HeaderError(
            "line 1: missing column(s) "
            + ", ".join(missing)
            + " (accepted headings include pcds or postcode, lsoa11cd, lsoa21cd or LSOA code, "
            "IMD decile, oslaua, ladcd or LAD code)"
        )
    return positions


def read_postcode_rows(lines: Iterable[str]) -> Iterator[PostcodeRow | RowError]:
    """Each data row of a postcode file, validated; one row at a time (the file is streamed).

    Raises HeaderError when the heading lacks a column.
    """
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise HeaderError("the file is empty")
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    pos = _postcode_header(header)
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        line = reader.line_num

        def cell(column: str, values: list[str] = values) -> str:
            index = pos[column]
            return values[index].strip() if index < len(values) else ""

        raw = cell("postcode")
        postcode = _normalise_postcode(raw)
        if postcode is None:
            yield RowError(f"line {line}, postcode: '{raw}' is not a UK postcode")
            continue
        lsoa = cell("lsoa_code").upper()
        if not _AREA_CODE.match(lsoa):
            yield RowError(
                f"line {line}, lsoa_code: '{lsoa}' is not an LSOA code such as E01026620"
            )
            continue
        raw_decile = cell("imd_decile")
        decile = _whole_number(raw_decile, 1, 10)
        if decile is None:
            yield RowError(f"line {line}, imd_decile: '{raw_decile}' is not 1–10")
            continue
        lad = cell("district_ons_code").upper()
        if not _AREA_CODE.match(lad):
            yield RowError(
                f"line {line}, district_ons_code: '{lad}' is not a district code such as E07000143"
            )
            continue
        yield PostcodeRow(line, postcode, lsoa, decile, lad)


# ---------------------------------------------------------------------------------------------
# The referral history.

REFERRAL_COLUMNS = [
    "reference",
    "submitted_on",
    "pathway",
    "referrer_organisation",
    "district",
    "imd_decile",
    "postcode",
    "nhs_number",
    "first_name",
    "last_name",
    "date_of_birth",
    "baseline_minutes",
    "status",
    "referred_onto_activity",
]
FOLLOW_UP_COLUMNS = ["reference", "timepoint", "completed_on", "minutes", "life_satisfaction"]
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,19}$")
STATUSES = [value for value, _ in Status.choices]
TIMEPOINTS = [value for value, _ in FollowUp.Timepoint.choices]


@dataclass
class Problems:
    """Every problem found, in file and row order."""

    messages: list[str] = field(default_factory=list)

    def add(self, file: str, row: int | None, column: str | None, text: str) -> None:
        where = file if row is None else f"{file} row {row}"
        self.messages.append(f"{where}, {column}: {text}" if column else f"{where}: {text}")

    def __bool__(self) -> bool:
        return bool(self.messages)


def read_csv_text(data: bytes, file: str, problems: Problems) -> list[dict[str, str]] | None:
    """The rows of an uploaded CSV as dicts keyed by lower-case heading; None if unreadable."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.add(file, None, None, "is not UTF-8 text; save it as “CSV UTF-8” and try again")
        return None
    if "\x00" in text:  # never in a spreadsheet's text, and the database refuses it
        line = text.count("\n", 0, text.index("\x00")) + 1
        problems.add(
            file, None, None, f"line {line} holds a NUL character; save it again as “CSV UTF-8”"
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _csv_rows(reader, file, problems)
    except csv.Error:
        # A cell past the csv module's 128 KiB limit.
        problems.add(
            file,
            reader.line_num,
            None,
            f"could not be read: a cell is longer than {csv.field_size_limit() // 1024:,} KiB",
        )
        return None


def _csv_rows(reader, file: str, problems: Problems) -> list[dict[str, str]] | None:
    header = next(reader, None)
    if not header:
        problems.add(file, None, None, "is empty")
        return None
    keys = [h.strip().lower() for h in header]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        problems.add(
            file,
            None,
            None,
            "the column(s) " + ", ".join(f"'{k}'" for k in repeated) + " appear more than once; "
            "keep one of each",
        )
        return None
    most = settings.HISTORY_IMPORT_MAX_ROWS
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= most:
            # Stop reading here: the rest of a huge file is never parsed.
            problems.add(
                file,
                None,
                None,
                f"has more than {most:,} rows, the most one import takes; split it into years",
            )
            return None
        row = {k: (values[i].strip() if i < len(values) else "") for i, k in enumerate(keys)}
        row["_row"] = str(reader.line_num)
        rows.append(row)
    return [{"_keys": ",".join(keys)}, *rows]


def _check_columns(file: str, keys: list[str], wanted: list[str], problems: Problems) -> bool:
    missing = [c for c in wanted if c not in keys]
    unexpected = [k for k in keys if k not in wanted]
    if missing:
        problems.add(file, None, None, "missing column(s) " + ", ".join(missing))
    if unexpected:
        problems.add(
            file,
            None,
            None,
            "unexpected column(s) "
            + ", ".join(f"'{k}'" for k in unexpected)
            + "; the columns are "
            + ", ".join(wanted),
        )
    return not missing and not unexpected


def parse_referrals(
    data: bytes,
    *,
    districts: dict[str, int],
    postcodes: dict[str, tuple[str, int, str]],
    today: date,
    problems: Problems,
) -> list[dict]:
    """Validate referrals.csv; return the good rows as JSON-ready dicts.

    ``districts`` maps lower-case district names and ONS codes to district ids; ``postcodes``
    maps normalised postcodes in the look-up to (LSOA code, IMD decile, district ONS code).
    """
    file = REFERRALS_FILE
    table = read_csv_text(data, file, problems)
    if table is None:
        return []
    keys = table[0]["_keys"].split(",")
    if not _check_columns(file, keys, REFERRAL_COLUMNS, problems):
        return []
    rows, seen = [], {}
    for raw in table[1:]:
        n = int(raw["_row"])
        before = len(problems.messages)

        def bad(column: str, text: str, n: int = n) -> None:
            problems.add(file, n, column, text)

        reference = raw["reference"]
        if not _REFERENCE.match(reference):
            bad("reference", f"'{reference}' is not a reference (up to 20 letters, digits, dashes)")
        elif reference.upper() in seen:
            bad("reference", f"'{reference}' is repeated (first on row {seen[reference.upper()]})")
        else:
            seen[reference.upper()] = n
        submitted = _date(raw["submitted_on"])
        if submitted is None:
            bad("submitted_on", f"'{raw['submitted_on']}' is not a date in the form YYYY-MM-DD")
        elif submitted > today:
            bad("submitted_on", f"'{raw['submitted_on']}' is in the future")
        pathway = raw["pathway"].lower()
        if pathway not in Pathway.values:
            bad("pathway", f"'{raw['pathway']}' is not general, falls or smi")
        organisation = " ".join(raw["referrer_organisation"].split())
        if not organisation:
            bad("referrer_organisation", "is empty; give the referring organisation's name")
        elif len(organisation) > 200:
            bad("referrer_organisation", "is longer than 200 characters")
        district = districts.get(raw["district"].lower())
        if district is None:
            bad("district", f"'{raw['district']}' is not a district name or ONS code we know")
        postcode = ""
        if raw["postcode"]:
            postcode = _normalise_postcode(raw["postcode"]) or ""
            if not postcode:
                bad("postcode", "is not a UK postcode")
        decile = None
        if raw["imd_decile"]:
            decile = _whole_number(raw["imd_decile"], 1, 10)
            if decile is None:
                bad("imd_decile", f"'{raw['imd_decile']}' is not 1–10 (or empty when not known)")
        found = postcodes.get(postcode)
        if decile is None and found and not raw["imd_decile"]:
            decile = found[1]
        nhs = ""
        if raw["nhs_number"]:
            nhs = _nhs_number(raw["nhs_number"]) or ""
            if not nhs:
                bad("nhs_number", "is not a valid NHS number (10 digits, correct check digit)")
        for column in ("first_name", "last_name"):
            if len(raw[column]) > 100:
                bad(column, "is longer than 100 characters")
        birth = None
        if raw["date_of_birth"]:
            birth = _date(raw["date_of_birth"])
            if birth is None:
                bad("date_of_birth", "is not a date in the form YYYY-MM-DD")
            elif submitted and birth >= submitted:
                bad("date_of_birth", "is not before the date the referral was submitted")
        minutes = None
        if raw["baseline_minutes"]:
            minutes = _whole_number(raw["baseline_minutes"], 0, MINUTES_IN_A_WEEK)
            if minutes is None:
                bad(
                    "baseline_minutes",
                    f"'{raw['baseline_minutes']}' is not a whole number from 0 to "
                    f"{MINUTES_IN_A_WEEK:,} (or empty when not recorded)",
                )
        status = raw["status"].lower().replace(" ", "_")
        if status not in STATUSES:
            bad("status", f"'{raw['status']}' is not one of " + ", ".join(STATUSES))
        onto = raw["referred_onto_activity"].lower()
        if onto not in ("yes", "no"):
            bad("referred_onto_activity", f"'{raw['referred_onto_activity']}' is not yes or no")
        if len(problems.messages) > before:
            continue
        rows.append(
            {
                "row": n,
                "reference": reference,
                "submitted_on": submitted.isoformat(),
                "pathway": pathway,
                "organisation": organisation,
                "district_id": district,
                "imd_decile": decile,
                "postcode": postcode,
                "lsoa_code": found[0] if found else "",
                "postcode_not_found": bool(postcode) and not found,
                "nhs_number": nhs,
                "first_name": raw["first_name"],
                "last_name": raw["last_name"],
                "date_of_birth": birth.isoformat() if birth else None,
                "baseline_minutes": minutes,
                "status": status,
                "referred_onto_activity": onto == "yes",
            }
        )
    return rows


def parse_follow_ups(
    data: bytes,
    *,
    submitted_on: dict[str, date | None],
    recorded: set[tuple[str, str]],
    today: date,
    problems: Problems,
) -> list[dict]:
    """Validate follow-ups.csv against the referrals it names; return the good rows.

    ``submitted_on`` maps each known reference (upper case; this upload's or the database's) to
    its submission date (None for a row of referrals.csv that has problems of its own);
    ``recorded`` holds (reference, timepoint) pairs already in the database.
    """
    file = FOLLOW_UPS_FILE
    table = read_csv_text(data, file, problems)
    if table is None:
        return []
    keys = table[0]["_keys"].split(",")
    if not _check_columns(file, keys, FOLLOW_UP_COLUMNS, problems):
        return []
    rows, seen = [], {}
    for raw in table[1:]:
        n = int(raw["_row"])
        before = len(problems.messages)

        def bad(column: str, text: str, n: int = n) -> None:
            problems.add(file, n, column, text)

        reference = raw["reference"]
        submitted = submitted_on.get(reference.upper())
        if reference.upper() not in submitted_on:
            bad("reference", f"'{reference}' is not in referrals.csv nor already in the portal")
        timepoint = raw["timepoint"].lower()
        if timepoint not in TIMEPOINTS:
            bad("timepoint", f"'{raw['timepoint']}' is not 6w, 12w, 6m or 12m")
        else:
            key = (reference.upper(), timepoint)
            if key in seen:
                bad("timepoint", f"{timepoint} for '{reference}' is repeated (row {seen[key]})")
            elif key in recorded:
                bad("timepoint", f"{timepoint} for '{reference}' is already recorded")
            seen[key] = n
        completed = _date(raw["completed_on"])
        if completed is None:
            bad("completed_on", f"'{raw['completed_on']}' is not a date in the form YYYY-MM-DD")
        elif completed > today:
            bad("completed_on", f"'{raw['completed_on']}' is in the future")
        elif submitted and completed <= submitted:
            bad(
                "completed_on",
                f"'{raw['completed_on']}' is not after the referral was submitted "
                f"({submitted.isoformat()})",
            )
        minutes = _whole_number(raw["minutes"], 0, MINUTES_IN_A_WEEK)
        if minutes is None:
            bad(
                "minutes",
                f"'{raw['minutes']}' is not a whole number from 0 to {MINUTES_IN_A_WEEK:,}",
            )
        satisfaction = None
        if raw["life_satisfaction"]:
            satisfaction = _whole_number(raw["life_satisfaction"], 0, 10)
            if satisfaction is None:
                bad("life_satisfaction", f"'{raw['life_satisfaction']}' is not 0–10 (or empty)")
        if len(problems.messages) > before:
            continue
        rows.append(
            {
                "row": n,
                "reference": reference,
                "timepoint": timepoint,
                "completed_on": completed.isoformat(),
                "minutes": minutes,
                "life_satisfaction": satisfaction,
            }
        )
    return rows
