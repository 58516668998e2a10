"""The impact statistics as they were computed one snapshot at a time: the reference for
reports.statistics.snapshot_figures (see test_statistics_equivalence.py), kept only here.

Each function reads the frames of one snapshot: the referrals of one scope submitted up to the
end of the year (``referral_frame``) and their completed follow-ups (``follow_up_frame``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from referrals.models import ONTO_ACTIVITY_STATUSES, ActivityLevel, Pathway, activity_level
from reports.statistics import FOLLOW_UP_COLUMNS, REFERRAL_COLUMNS

LEVELS = [str(level) for level in ActivityLevel]
PATHWAYS = [str(pathway) for pathway in Pathway]
MOST_DEPRIVED_DECILES = range(1, 5)  # deciles 1–4: the two most deprived quintiles
LOCAL_TZ = "Europe/London"
ONTO_ACTIVITY = {str(status) for status in ONTO_ACTIVITY_STATUSES}


def referral_frame(rows: list[tuple] | None = None) -> pd.DataFrame:
    """A referral frame from ``values_list(*REFERRAL_COLUMNS)`` rows, with derived columns.

    Adds ``fy`` (financial year of submission, London time), ``month`` (``2024-04``),
    ``baseline_level``, ``onto_activity`` and ``has_condition`` (a disability or a long-term
    condition).
    """
    df = pd.DataFrame(rows or [], columns=REFERRAL_COLUMNS)
    submitted = pd.to_datetime(df["submitted_at"], utc=True).dt.tz_convert(LOCAL_TZ)
    df["fy"] = (submitted.dt.year - (submitted.dt.month < 4).astype(int)).astype("Int64")
    df["month"] = submitted.dt.strftime("%Y-%m")
    df["baseline_level"] = df["baseline_minutes"].map(_level, na_action="ignore")
    status_onto = df["status"].isin(ONTO_ACTIVITY)
    imported_onto = df["referred_onto_activity"].map(lambda v: v is True)
    df["onto_activity"] = (status_onto | imported_onto).astype(bool)
    conditions = df["long_term_conditions"].map(lambda v: bool(v) if isinstance(v, list) else False)
    disabled = df["has_disability"].map(lambda v: v is True)
    df["has_condition"] = (conditions | disabled).astype(bool)
    for column in ("imd_decile", "district_id", "organisation_id"):
        df[column] = pd.to_numeric(df[column], errors="coerce").astype("Int64")
    return df


def follow_up_frame(rows: list[tuple] | None = None) -> pd.DataFrame:
    """A follow-up frame from ``values_list(*FOLLOW_UP_COLUMNS)`` rows."""
    df = pd.DataFrame(rows or [], columns=FOLLOW_UP_COLUMNS)
    df["minutes"] = pd.to_numeric(df["minutes"], errors="coerce")
    df["life_satisfaction"] = pd.to_numeric(df["life_satisfaction"], errors="coerce")
    return df


def _level(minutes: Any) -> str | None:
    if minutes is None or pd.isna(minutes):
        return None
    level = activity_level(int(minutes))
    return str(level) if level is not None else None


def in_year(refs: pd.DataFrame, year: int) -> pd.DataFrame:
    """The referrals submitted in financial year ``year``."""
    return refs[refs["fy"] == year]


def to_end_of(refs: pd.DataFrame, year: int) -> pd.DataFrame:
    """The referrals submitted up to the end of financial year ``year`` (programme to date)."""
    return refs[refs["fy"] <= year]


def headline(refs: pd.DataFrame) -> dict[str, Any]:
    """Counts for one set of referrals: the key figures of the impact page."""
    known = refs["imd_decile"].dropna()
    deprived = int(known.isin(list(MOST_DEPRIVED_DECILES)).sum())
    return {
        "referrals": len(refs),
        "organisations": int(refs["organisation_id"].nunique()),
        "decile_known": len(known),
        "deprived": deprived,
        "deprived_share": whole_percent(deprived, len(known)),
        "onto_activity": int(refs["onto_activity"].sum()),
        "pathways": {p: int((refs["pathway"] == p).sum()) for p in PATHWAYS},
        "baseline_levels": level_counts(refs["baseline_level"]),
    }


def whole_percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` as a whole percentage, halves upwards; None when ``whole`` is 0."""
    if not whole:
        return None
    return int((200 * part + whole) // (2 * whole))


def level_counts(levels: pd.Series) -> dict[str, int]:
    counts = {level: int((levels == level).sum()) for level in LEVELS}
    counts["unknown"] = int(levels.isna().sum())
    return counts


def by_month(refs: pd.DataFrame, year: int) -> dict[str, Any]:
    """Referrals per month (April to March) and pathway in financial year ``year``."""
    months = [f"{year + (m < 4)}-{m:02d}" for m in (*range(4, 13), *range(1, 4))]
    rows = {
        pathway: [int(((refs["month"] == m) & (refs["pathway"] == pathway)).sum()) for m in months]
        for pathway in PATHWAYS
    }
    return {"months": months, "rows": rows}


def deprivation(refs: pd.DataFrame) -> dict[str, int]:
    """Referrals per IMD decile (1 most deprived … 10), and how many are not known."""
    deciles = refs["imd_decile"]
    counts = {str(d): int((deciles == d).sum()) for d in range(1, 11)}
    counts["unknown"] = int(deciles.isna().sum())
    return counts


def latest_levels(fups: pd.DataFrame) -> pd.DataFrame:
    """Per referral, the level (and life satisfaction) of its latest completed follow-up.

    A follow-up counts only when it is completed and its minutes are recorded. Life satisfaction
    change is measured from the first to the latest completed follow-up that recorded it.
    """
    done = fups[fups["completed_on"].notna() & fups["minutes"].notna()]
    done = done.sort_values(["completed_on", "id"])
    latest = done.groupby("referral_id").tail(1).set_index("referral_id")
    out = pd.DataFrame({"followup_level": latest["minutes"].map(_level)})
    rated = fups[fups["completed_on"].notna() & fups["life_satisfaction"].notna()]
    rated = rated.sort_values(["completed_on", "id"]).groupby("referral_id")["life_satisfaction"]
    change = (rated.last() - rated.first())[rated.count() >= 2]
    out = out.join(change.rename("life_satisfaction_change"), how="outer")
    return out


def transitions(refs: pd.DataFrame, fups: pd.DataFrame) -> dict[str, Any]:
    """Baseline level → level at the latest completed follow-up, as a 3 × 3 matrix.

    Also: how many of those who went from inactive to active have a disability or long-term
    condition (the social-value model values them higher), and the measured life-satisfaction
    change of the people who recorded it twice.
    """
    matrix = {a: dict.fromkeys(LEVELS, 0) for a in LEVELS}
    empty = {"matrix": matrix, "people": 0, "inactive_to_active_with_condition": 0}
    empty["life_satisfaction"] = {"people": 0, "change": 0.0}
    if refs.empty or fups.empty:
        return empty
    ids = set(refs["id"])
    latest = latest_levels(fups[fups["referral_id"].isin(ids)])
    joined = refs.set_index("id").join(latest, how="inner")
    paired = joined[joined["baseline_level"].notna() & joined["followup_level"].notna()]
    for (before, after), n in paired.groupby(["baseline_level", "followup_level"]).size().items():
        matrix[before][after] = int(n)
    up = paired[
        (paired["baseline_level"] == ActivityLevel.INACTIVE)
        & (paired["followup_level"] == ActivityLevel.ACTIVE)
    ]
    rated = joined["life_satisfaction_change"].dropna()
    return {
        "matrix": matrix,
        "people": len(paired),
        "inactive_to_active_with_condition": int(up["has_condition"].sum()),
        "life_satisfaction": {"people": len(rated), "change": float(rated.sum())},
    }


def breakdown(refs: pd.DataFrame, fups: pd.DataFrame, *, by: str) -> list[dict[str, Any]]:
    """The key figures and transitions per value of column ``by`` (``district_id``, ``pathway``).

    Referrals whose value is not known form one row with key None.
    """
    rows = []
    keys = refs[by].drop_duplicates().tolist()
    for key in sorted(keys, key=lambda k: (k is None or pd.isna(k), str(k))):
        unknown = key is None or pd.isna(key)
        part = refs[refs[by].isna()] if unknown else refs[refs[by] == key]
        figures = headline(part)
        figures["transitions"] = transitions(part, fups)["matrix"]
        rows.append({"key": None if unknown else _plain(key), **figures})
    return rows


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def year_figures(refs: pd.DataFrame, fups: pd.DataFrame, year: int) -> dict[str, Any]:
    """Every figure of one snapshot: the year, the programme to date, and the breakdowns."""
    this_year = in_year(refs, year)
    to_date = to_end_of(refs, year)
    return {
        "year": year,
        **headline(this_year),
        "by_month": by_month(this_year, year),
        "deciles": deprivation(this_year),
        "transitions": transitions(this_year, fups),
        "to_date": {**headline(to_date), "transitions": transitions(to_date, fups)},
        "by_district": breakdown(this_year, fups, by="district_id"),
        "by_pathway": breakdown(this_year, fups, by="pathway"),
    }
