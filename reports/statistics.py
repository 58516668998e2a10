"""The impact statistics as pure functions: data frames in, plain figures (dicts) out.

Nothing here touches the database, so every definition is tested on small hand-made frames.
reports.inputs reads the two frames once (``REFERRAL_FRAME_COLUMNS`` and
``FOLLOW_UP_FRAME_COLUMNS``), and ``snapshot_figures`` computes every snapshot (each financial
year × the partnership and each district) from them in one pass.

Definitions, for a financial year Y (1 April to 31 March, Europe/London):

* referrals: submitted in Y; organisations: distinct referrer organisations among them;
* deprived share: of the referrals with a known IMD decile, the share in deciles 1–4;
* referred onto activity: reached matched, active or completed, or imported as referred onto
  activity;
* baseline levels: by the Active Lives bands of referrals.models.activity_level;
* transitions: baseline level → level at the latest completed follow-up (completed and with
  minutes recorded), for Y and for the programme to date (every referral submitted up to the
  end of Y); life-satisfaction change from the first to the latest completed follow-up that
  recorded it, for people who recorded it at least twice.

How: every referral falls in one cell (year, district, pathway). Each figure except the count
of organisations is a sum over referrals, so one ``bincount`` per kind of figure fills a cube of
cells; a scope sums cells, and the programme to date is a cumulative sum over years.
Organisations are counted from the distinct (cell, organisation) pairs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from referrals.models import ONTO_ACTIVITY_STATUSES, ActivityLevel, Pathway

# values_list columns of Referral and FollowUp for referral_frame and follow_up_frame.
REFERRAL_COLUMNS = [
    "id",
    "submitted_at",
    "organisation_id",
    "pathway",
    "district_id",
    "imd_decile",
    "baseline_minutes",
    "status",
    "referred_onto_activity",
    "has_disability",
    "long_term_conditions",
]
FOLLOW_UP_COLUMNS = ["id", "referral_id", "completed_on", "minutes", "life_satisfaction"]

# The frames the statistics read. Missing numbers are NaN (float columns).
REFERRAL_FRAME_COLUMNS = [
    "id",  # int
    "fy",  # int: financial year of submission, London time
    "month",  # int 1–12: month of submission, London time
    "organisation_id",  # int
    "pathway",  # str
    "district_id",  # float, NaN when not known
    "imd_decile",  # float, NaN when not known
    "baseline_minutes",  # float, NaN when not known
    "onto_activity",  # bool
    "has_condition",  # bool: a disability or a long-term condition
]
FOLLOW_UP_FRAME_COLUMNS = ["id", "referral_id", "completed_on", "minutes", "life_satisfaction"]

LEVELS = [str(level) for level in ActivityLevel]
PATHWAYS = [str(pathway) for pathway in Pathway]
# referrals.models.activity_level: inactive < 30 ≤ fairly active < 150 ≤ active (minutes a week).
LEVEL_BOUNDS = (30, 150)
MOST_DEPRIVED_DECILES = range(1, 5)  # deciles 1–4: the two most deprived quintiles
LOCAL_TZ = "Europe/London"
ONTO_ACTIVITY = sorted(str(status) for status in ONTO_ACTIVITY_STATUSES)
MONTHS = (*range(4, 13), *range(1, 4))  # April to March


# --- the frames ---------------------------------------------------------------------------


def referral_frame(rows: list[tuple] | None = None) -> pd.DataFrame:
    """The referral frame from ``values_list(*REFERRAL_COLUMNS)`` rows (the derived columns
    reports.inputs computes in SQL on PostgreSQL)."""
    df = pd.DataFrame(rows or [], columns=REFERRAL_COLUMNS)
    fy, month = financial_year_and_month(pd.to_datetime(df["submitted_at"], utc=True))
    conditions = df["long_term_conditions"].map(lambda v: isinstance(v, list) and bool(v))
    return pd.DataFrame(
        {
            "id": df["id"].astype("int64"),
            "fy": fy,
            "month": month,
            "organisation_id": df["organisation_id"].astype("int64"),
            "pathway": df["pathway"].astype(object),
            "district_id": _floats(df["district_id"]),
            "imd_decile": _floats(df["imd_decile"]),
            "baseline_minutes": _floats(df["baseline_minutes"]),
            "onto_activity": (
                df["status"].isin(ONTO_ACTIVITY) | df["referred_onto_activity"].map(_is_true)
            ).astype(bool),
            "has_condition": (conditions.astype(bool) | df["has_disability"].map(_is_true)).astype(
                bool
            ),
        },
        columns=REFERRAL_FRAME_COLUMNS,
    )


def follow_up_frame(rows: list[tuple] | None = None) -> pd.DataFrame:
    """The follow-up frame from ``values_list(*FOLLOW_UP_COLUMNS)`` rows."""
    df = pd.DataFrame(rows or [], columns=FOLLOW_UP_COLUMNS)
    return pd.DataFrame(
        {
            "id": df["id"].astype("int64"),
            "referral_id": df["referral_id"].astype("int64"),
            "completed_on": pd.to_datetime(df["completed_on"]).astype("datetime64[ns]"),
            "minutes": _floats(df["minutes"]),
            "life_satisfaction": _floats(df["life_satisfaction"]),
        },
        columns=FOLLOW_UP_FRAME_COLUMNS,
    )


def financial_year_and_month(submitted: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The financial year and the month (1–12) of UTC times, in London time."""
    local = submitted.dt.tz_convert(LOCAL_TZ)
    month = local.dt.month.astype("int64")
    return (local.dt.year - (month < 4)).astype("int64"), month


def _floats(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype("float64")


def _is_true(value: Any) -> bool:
    return value is True


def level_codes(minutes: pd.Series | np.ndarray) -> np.ndarray:
    """Index into ``LEVELS`` of each number of minutes a week; -1 when not known."""
    m = np.asarray(pd.to_numeric(pd.Series(minutes), errors="coerce"), dtype="float64")
    codes = (m >= LEVEL_BOUNDS[0]).astype(np.int8) + (m >= LEVEL_BOUNDS[1])
    codes[np.isnan(m)] = -1
    return codes


def whole_percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` as a whole percentage, halves upwards; None when ``whole`` is 0."""
    if not whole:
        return None
    return int((200 * part + whole) // (2 * whole))


# --- per referral: the latest completed follow-up -----------------------------------------


def follow_up_outcomes(fups: pd.DataFrame, referral_ids: np.ndarray) -> tuple[np.ndarray, ...]:
    """For each of ``referral_ids``: the level code of its latest completed follow-up with
    minutes (-1 if none), and its life-satisfaction change (NaN unless rated twice or more).

    Latest means the latest ``completed_on``, then the highest follow-up id.
    """
    completed = fups[fups["completed_on"].notna()]
    levels = np.full(len(referral_ids), -1, dtype=np.int8)
    change = np.full(len(referral_ids), np.nan)
    timed = completed[completed["minutes"].notna()]
    if len(timed):
        order, rid, first, last = _groups(timed)
        latest = timed["minutes"].to_numpy(dtype="float64")[order][last]
        where = pd.Index(rid[last]).get_indexer(referral_ids)
        found = where >= 0
        levels[found] = level_codes(latest)[where[found]]
    rated = completed[completed["life_satisfaction"].notna()]
    if len(rated):
        order, rid, first, last = _groups(rated)
        ls = rated["life_satisfaction"].to_numpy(dtype="float64")[order]
        twice = np.flatnonzero(last) > np.flatnonzero(first)
        diffs = (ls[last] - ls[first])[twice]
        where = pd.Index(rid[last][twice]).get_indexer(referral_ids)
        found = where >= 0
        change[found] = diffs[where[found]]
    return levels, change


def _groups(fups: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """The (referral, date, id) order, the referral ids in it, and each referral's first and
    last position as masks."""
    days = fups["completed_on"].to_numpy(dtype="datetime64[ns]").view("int64")
    rid = fups["referral_id"].to_numpy(dtype="int64")
    order = np.lexsort((fups["id"].to_numpy(), days, rid))
    rid = rid[order]
    change = rid[1:] != rid[:-1]
    return order, rid, np.concatenate(([True], change)), np.concatenate((change, [True]))


# --- every snapshot at once ---------------------------------------------------------------

# Columns of the cube's last axis: one block per kind of figure.
_BLOCKS = {
    "referrals": 1,
    "onto": 1,
    "deciles": 11,  # deciles 1–10, then unknown
    "levels": 4,  # LEVELS, then unknown
    "months": 12,  # April to March
    "transitions": 9,  # baseline level × follow-up level
    "up_with_condition": 1,  # inactive → active with a disability or long-term condition
    "rated": 1,  # people with a measured life-satisfaction change
    "change": 1,  # the sum of those changes
}
_AT: dict[str, slice] = {}
_start = 0
for _name, _width in _BLOCKS.items():
    _AT[_name] = slice(_start, _start + _width)
    _start += _width
_WIDTH = _start
_INACTIVE_TO_ACTIVE = 0 * 3 + 2


def fragment(refs: pd.DataFrame, fups: pd.DataFrame) -> dict[str, list]:
    """What a set of referrals adds to the figures, ready for JSON: per (year, district,
    pathway) cell its additive figures, and each cell's distinct organisations.

    Fragments of disjoint sets of referrals add up (``snapshot_figures_from``) to the figures of
    their union, so a rebuild can read the referrals of each year on its own. ``fups`` are the
    completed follow-ups of ``refs``.
    """
    if refs.empty:
        return {"cells": [], "organisations": []}
    keys = pd.DataFrame(
        {
            "fy": refs["fy"].to_numpy(dtype="int64"),
            "district": refs["district_id"].fillna(-1).to_numpy(dtype="int64"),
            "pathway": refs["pathway"].astype(str).to_numpy(),
        }
    )
    grouped = keys.groupby(["fy", "district", "pathway"], sort=True)
    cell = grouped.ngroup().to_numpy(dtype="int64")
    values = _fill(refs, fups, cell, len(grouped))
    cells = [
        [int(fy), None if district < 0 else int(district), pathway, row.tolist()]
        for (fy, district, pathway), row in zip(grouped.size().index, values, strict=True)
    ]
    keys["organisation"] = refs["organisation_id"].to_numpy(dtype="int64")
    organisations = keys.drop_duplicates().itertuples(index=False, name=None)
    return {
        "cells": cells,
        "organisations": [
            [int(fy), None if d < 0 else int(d), p, int(org)] for fy, d, p, org in organisations
        ],
    }


def _fill(refs: pd.DataFrame, fups: pd.DataFrame, cell: np.ndarray, cells: int) -> np.ndarray:
    """The additive figures of each cell (``cell``: each referral's cell number)."""
    out = np.zeros((cells, _WIDTH))

    def count(name: str, codes: np.ndarray | None = None, weights=None) -> None:
        width = _BLOCKS[name]
        keys = cell if codes is None else cell * width + codes
        if codes is not None and (codes < 0).any():
            keep = codes >= 0
            keys = keys[keep]
            weights = None if weights is None else weights[keep]
        sums = np.bincount(keys, weights=weights, minlength=cells * width)
        out[:, _AT[name]] = sums.reshape(cells, width)

    deciles = refs["imd_decile"].to_numpy(dtype="float64")
    baseline = level_codes(refs["baseline_minutes"].to_numpy(dtype="float64")).astype("int64")
    after, change = follow_up_outcomes(fups, refs["id"].to_numpy())
    paired = (baseline >= 0) & (after >= 0)
    transition = np.where(paired, baseline * 3 + after, -1)
    up = (transition == _INACTIVE_TO_ACTIVE) & refs["has_condition"].to_numpy(dtype=bool)
    rated = ~np.isnan(change)
    count("referrals")
    count("onto", weights=refs["onto_activity"].to_numpy(dtype="float64"))
    count("deciles", np.where(np.isnan(deciles), 10, deciles - 1).astype("int64"))
    count("levels", np.where(baseline < 0, 3, baseline))
    count("months", (refs["month"].to_numpy(dtype="int64") - 4) % 12)
    count("transitions", transition)
    count("up_with_condition", weights=up.astype("float64"))
    count("rated", weights=rated.astype("float64"))
    count("change", weights=np.where(rated, change, 0.0))
    return out


class _Cube:
    """Additive figures per (year, district, pathway) cell, and the organisation counts,
    summed from fragments."""

    def __init__(self, fragments: list[dict[str, list]], years, districts) -> None:
        cells = [c for f in fragments for c in f["cells"]]
        triples = [t for f in fragments for t in f["organisations"]]
        self.years = sorted({*(c[0] for c in cells), *years})
        self.districts = sorted({*(c[1] for c in cells if c[1] is not None), *districts})
        found = {c[2] for c in cells}
        self.pathways = PATHWAYS + sorted(found - set(PATHWAYS))
        ny, nd, np_ = len(self.years), len(self.districts) + 1, len(self.pathways)
        self.shape = (ny, nd, np_)
        self.cube = np.zeros((ny, nd, np_, _WIDTH))
        if cells:
            y, d, p = self._index([c[:3] for c in cells])
            np.add.at(self.cube, (y, d, p), np.array([c[3] for c in cells], dtype="float64"))
        self.to_date = self.cube.cumsum(axis=0)
        y, d, p = self._index([t[:3] for t in triples])
        org = np.array([t[3] for t in triples], dtype="int64")
        self._count_organisations(y, d, p, org)

    def _index(self, keys: list[list]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Year, district (the last slot: not known) and pathway positions of cell keys."""
        nd = len(self.districts)
        years = {year: i for i, year in enumerate(self.years)}
        districts = {district: i for i, district in enumerate(self.districts)}
        pathways = {pathway: i for i, pathway in enumerate(self.pathways)}
        y = np.array([years[k[0]] for k in keys], dtype="int64")
        d = np.array([nd if k[1] is None else districts[k[1]] for k in keys], dtype="int64")
        p = np.array([pathways[k[2]] for k in keys], dtype="int64")
        return y, d, p

    def _count_organisations(self, y, d, p, org) -> None:
        ny, nd, np_ = self.shape
        pairs = pd.DataFrame({"y": y, "d": d, "p": p, "org": org}).drop_duplicates()
        y, d, p = pairs["y"].to_numpy(), pairs["d"].to_numpy(), pairs["p"].to_numpy()
        org = pairs["org"].to_numpy()

        def distinct(*keys: np.ndarray, sizes: tuple[int, ...]) -> np.ndarray:
            flat = np.ravel_multi_index(keys, sizes)
            unique = pd.DataFrame({"key": flat, "org": org}).drop_duplicates()
            return np.bincount(unique["key"], minlength=int(np.prod(sizes))).reshape(sizes)

        def first_year(*keys: np.ndarray, sizes: tuple[int, ...]) -> np.ndarray:
            frame = pd.DataFrame({"y": y, "org": org, **{f"k{i}": k for i, k in enumerate(keys)}})
            by = [f"k{i}" for i in range(len(keys))] + ["org"]
            first = frame.groupby(by, sort=False)["y"].min().reset_index()
            flat = np.ravel_multi_index(
                (*(first[f"k{i}"].to_numpy() for i in range(len(keys))), first["y"].to_numpy()),
                (*sizes, ny),
            )
            counts = np.bincount(flat, minlength=int(np.prod(sizes)) * ny)
            return counts.reshape(*sizes, ny).cumsum(axis=-1)

        self.orgs_cell = distinct(y, d, p, sizes=(ny, nd, np_))
        self.orgs_year_district = distinct(y, d, sizes=(ny, nd))
        self.orgs_year_pathway = distinct(y, p, sizes=(ny, np_))
        self.orgs_year = distinct(y, sizes=(ny,))
        zeros = np.zeros_like(y)
        self.orgs_to_date = first_year(zeros, sizes=(1,))[0]  # [year]
        self.orgs_district_to_date = first_year(d, sizes=(nd,))  # [district, year]

    def figures(self, year: int, district_id: int | None) -> dict[str, Any]:
        y = self.years.index(year)
        if district_id is None:
            this, to_date = self.cube[y].sum(axis=0), self.to_date[y].sum(axis=0)
            orgs, orgs_to_date = self.orgs_year[y], self.orgs_to_date[y]
            districts = range(self.shape[1])
        else:
            d = self.districts.index(district_id)
            this, to_date = self.cube[y, d], self.to_date[y, d]
            orgs, orgs_to_date = self.orgs_year_district[y, d], self.orgs_district_to_date[d, y]
            districts = [d]
        return {
            "year": year,
            **_headline(this, orgs),
            "by_month": self._by_month(this, year),
            "deciles": _deciles(this),
            "transitions": _transitions(this),
            "to_date": {**_headline(to_date, orgs_to_date), "transitions": _transitions(to_date)},
            "by_district": self._by_district(y, districts),
            "by_pathway": self._by_pathway(y, district_id),
        }

    def _by_month(self, this: np.ndarray, year: int) -> dict[str, Any]:
        months = [f"{year + (m < 4)}-{m:02d}" for m in MONTHS]
        rows = {p: _ints(this[i, _AT["months"]]) for i, p in enumerate(PATHWAYS)}
        return {"months": months, "rows": rows}

    def _by_district(self, y: int, districts) -> list[dict[str, Any]]:
        rows = []
        for d in districts:
            block = self.cube[y, d]
            if block[:, _AT["referrals"]].sum() == 0:
                continue
            key = self.districts[d] if d < len(self.districts) else None
            figures = _headline(block, self.orgs_year_district[y, d])
            rows.append({"key": key, **figures, "transitions": _transitions(block)["matrix"]})
        return sorted(rows, key=lambda row: (row["key"] is None, str(row["key"])))

    def _by_pathway(self, y: int, district_id: int | None) -> list[dict[str, Any]]:
        if district_id is None:
            blocks, orgs = self.cube[y].sum(axis=0), self.orgs_year_pathway[y]
        else:
            d = self.districts.index(district_id)
            blocks, orgs = self.cube[y, d], self.orgs_cell[y, d]
        rows = []
        for p, pathway in enumerate(self.pathways):
            if blocks[p, _AT["referrals"]].sum() == 0:
                continue
            block = np.zeros_like(blocks)
            block[p] = blocks[p]
            figures = _headline(block, orgs[p])
            rows.append({"key": pathway, **figures, "transitions": _transitions(block)["matrix"]})
        return sorted(rows, key=lambda row: str(row["key"]))


def _ints(values: np.ndarray) -> list[int]:
    return [int(v) for v in values]


def _headline(block: np.ndarray, organisations) -> dict[str, Any]:
    """The key figures of a block of cells (one row per pathway)."""
    total = block.sum(axis=0)
    deciles = _ints(total[_AT["deciles"]])
    known = sum(deciles[:10])
    deprived = sum(deciles[d - 1] for d in MOST_DEPRIVED_DECILES)
    levels = _ints(total[_AT["levels"]])
    per_pathway = _ints(block[:, _AT["referrals"]].ravel())
    return {
        "referrals": int(total[_AT["referrals"]][0]),
        "organisations": int(organisations),
        "decile_known": known,
        "deprived": deprived,
        "deprived_share": whole_percent(deprived, known),
        "onto_activity": int(total[_AT["onto"]][0]),
        "pathways": {p: per_pathway[i] for i, p in enumerate(PATHWAYS)},
        "baseline_levels": {**dict(zip(LEVELS, levels, strict=False)), "unknown": levels[3]},
    }


def _deciles(block: np.ndarray) -> dict[str, int]:
    counts = _ints(block.sum(axis=0)[_AT["deciles"]])
    return {**{str(d): counts[d - 1] for d in range(1, 11)}, "unknown": counts[10]}


def _transitions(block: np.ndarray) -> dict[str, Any]:
    total = block.sum(axis=0)
    cells = _ints(total[_AT["transitions"]])
    matrix = {a: {b: cells[i * 3 + j] for j, b in enumerate(LEVELS)} for i, a in enumerate(LEVELS)}
    return {
        "matrix": matrix,
        "people": sum(cells),
        "inactive_to_active_with_condition": int(total[_AT["up_with_condition"]][0]),
        "life_satisfaction": {
            "people": int(total[_AT["rated"]][0]),
            "change": float(total[_AT["change"]][0]),
        },
    }


def snapshot_figures(
    refs: pd.DataFrame, fups: pd.DataFrame, *, years, districts
) -> dict[tuple[int, int | None], dict[str, Any]]:
    """Every snapshot's figures: for each of ``years``, the partnership (district None) and each
    of ``districts``. A scope's figures read only its own referrals, the year's and earlier."""
    return snapshot_figures_from([fragment(refs, fups)], years=years, districts=districts)


def snapshot_figures_from(
    fragments: list[dict[str, list]], *, years, districts
) -> dict[tuple[int, int | None], dict[str, Any]]:
    """``snapshot_figures`` of the union of the referrals the ``fragments`` were made from."""
    cube = _Cube(fragments, years, districts)
    return {
        (year, district): cube.figures(year, district)
        for year in years
        for district in (None, *districts)
    }
