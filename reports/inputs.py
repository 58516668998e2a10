"""Reading the statistics' inputs: referrals and completed follow-ups, once, as two frames.

On PostgreSQL the rows stream out with ``COPY (SELECT ...) TO STDOUT`` as CSV, with the cheap
derived columns (referred onto activity, has a condition) computed in the query, and pandas
parses them with fixed types: far faster than building a Python tuple per row. The financial
year and month in London time come from the submission time in pandas, where the time-zone
conversion is vectorised (per row in PostgreSQL it costs more than the rest of the query).
Elsewhere (SQLite, the zero-setup default) ``values_list`` feeds
reports.statistics.referral_frame, which derives the same columns.
"""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
from django.db import connection

from referrals.models import FollowUp, Referral

from . import statistics

LONDON = ZoneInfo("Europe/London")


def end_of_year(year: int) -> datetime:
    return datetime(year + 1, 4, 1, tzinfo=LONDON)


def load_inputs(
    *, year: int | None = None, district_id: int | None = None, in_year: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Referrals submitted up to the end of ``year`` (every one if None), of one district if
    given, or only those of financial year ``in_year``; and their completed follow-ups."""
    if connection.vendor == "postgresql":
        return (
            _copy_referrals(year, district_id, in_year),
            _copy_follow_ups(year, district_id, in_year),
        )
    referrals = Referral.objects.all()
    if year is not None:
        referrals = referrals.filter(submitted_at__lt=end_of_year(year))
    if in_year is not None:
        referrals = referrals.filter(financial_year=in_year)
    if district_id is not None:
        referrals = referrals.filter(district_id=district_id)
    refs = statistics.referral_frame(list(referrals.values_list(*statistics.REFERRAL_COLUMNS)))
    follow_ups = FollowUp.objects.filter(completed_on__isnull=False)
    if year is not None or district_id is not None or in_year is not None:
        follow_ups = follow_ups.filter(referral__in=referrals.values("id"))
    fups = statistics.follow_up_frame(list(follow_ups.values_list(*statistics.FOLLOW_UP_COLUMNS)))
    return refs, fups


def referrals_of_year(year: int) -> pd.DataFrame:
    """The referral frame of financial year ``year``, by COPY (PostgreSQL only)."""
    return _copy_referrals(None, None, year)


def follow_ups_of_year(year: int) -> pd.DataFrame:
    """The completed follow-ups of financial year ``year``'s referrals (PostgreSQL only)."""
    return _copy_follow_ups(None, None, year)


def _where(year: int | None, district_id: int | None, in_year: int | None) -> tuple[str, list]:
    conditions, params = ["TRUE"], []
    if in_year is not None:
        conditions.append("r.financial_year = %s")
        params.append(in_year)
    if year is not None:
        conditions.append("r.submitted_at < %s")
        params.append(end_of_year(year))
    if district_id is not None:
        conditions.append("r.district_id = %s")
        params.append(district_id)
    return " AND ".join(conditions), params


REFERRALS_SQL = """
SELECT r.id,
       floor(date_part('epoch', r.submitted_at))::bigint AS submitted_at,
       r.organisation_id,
       r.pathway,
       r.district_id,
       r.imd_decile,
       r.baseline_minutes,
       (r.status = ANY(%s) OR r.referred_onto_activity IS TRUE)::int AS onto_activity,
       (r.has_disability IS TRUE OR (jsonb_typeof(r.long_term_conditions) = 'array'
                                     AND r.long_term_conditions <> '[]'::jsonb))::int
         AS has_condition
FROM referrals_referral r
WHERE {where}
"""
REFERRAL_TYPES = {
    "id": "int64",
    "submitted_at": "int64",  # whole seconds since 1970 (UTC), rounded down
    "organisation_id": "int64",
    "pathway": "category",
    "district_id": "float64",
    "imd_decile": "float64",
    "baseline_minutes": "float64",
    "onto_activity": "int8",
    "has_condition": "int8",
}

FOLLOW_UPS_SQL = """
SELECT f.id, f.referral_id, f.completed_on - DATE '1970-01-01' AS completed_on, f.minutes,
       f.life_satisfaction
FROM referrals_followup f
{join}
WHERE f.completed_on IS NOT NULL AND {where}
"""
FOLLOW_UP_TYPES = {
    "id": "int64",
    "referral_id": "int64",
    "completed_on": "int64",
    "minutes": "float64",
    "life_satisfaction": "float64",
}


def _copy(sql: str, params: list, types: dict[str, str]) -> pd.DataFrame:
    """The rows of ``sql`` (its columns named as ``types``, the first ``id``) as a frame.

    PostgreSQL sends one message per row of a COPY, and reading a million messages costs the
    client more than the server spends on the query; so the rows go out as CSV lines joined in
    blocks of a few thousand (one binary COPY row each) and pandas parses them in one go.
    """
    columns = ", ".join(f"coalesce(q.{name}::text, '')" for name in types)
    line = f"concat_ws(',', {columns})"
    blocks = f"SELECT string_agg({line}, E'\\n') FROM ({sql}) q GROUP BY q.id / 4096"  # noqa: S608
    lines = []
    with connection.cursor() as cursor:
        statement = f"COPY ({blocks}) TO STDOUT WITH (FORMAT binary)"
        with cursor.cursor.copy(statement, params) as copy:
            copy.set_types(["text"])
            lines = [block for (block,) in copy.rows()]
    csv = io.StringIO("\n".join(lines))
    del lines
    return pd.read_csv(
        csv, header=None, names=list(types), dtype=types, keep_default_na=False, na_values=[""]
    )


def _copy_referrals(year: int | None, district_id: int | None, in_year: int | None):
    where, params = _where(year, district_id, in_year)
    refs = _copy(
        REFERRALS_SQL.format(where=where), [statistics.ONTO_ACTIVITY, *params], REFERRAL_TYPES
    )
    submitted = pd.to_datetime(refs.pop("submitted_at"), unit="s", utc=True)
    refs["fy"], refs["month"] = statistics.financial_year_and_month(submitted)
    refs["onto_activity"] = refs["onto_activity"].astype(bool)
    refs["has_condition"] = refs["has_condition"].astype(bool)
    return refs[statistics.REFERRAL_FRAME_COLUMNS]


def _copy_follow_ups(year: int | None, district_id: int | None, in_year: int | None):
    where, params = _where(year, district_id, in_year)
    join = "" if not params else "JOIN referrals_referral r ON r.id = f.referral_id"
    fups = _copy(FOLLOW_UPS_SQL.format(join=join, where=where), params, FOLLOW_UP_TYPES)
    fups["completed_on"] = pd.to_datetime(fups["completed_on"], unit="D").astype("datetime64[ns]")
    return fups
