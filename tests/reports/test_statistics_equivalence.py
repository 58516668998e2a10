"""Every snapshot at once equals the reference computed one snapshot at a time: no database."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from reports import statistics as st

from . import reference_statistics as ref

STATUSES = ["submitted", "triaged", "matched", "active", "completed", "declined", "withdrawn"]
CONDITIONS = [[], [], ["diabetes"], ["heart", "stroke"]]


def random_rows(seed: int, n: int) -> tuple[list[tuple], list[tuple]]:
    """Referrals over five financial years and the edges the definitions care about."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    start = datetime(2021, 3, 1, tzinfo=UTC)
    referrals, follow_ups = [], []
    for pk in range(1, n + 1):
        # Some submissions fall in the last hour of March, London time, and the first of April.
        submitted = start + timedelta(minutes=rng.randrange(0, 5 * 366 * 24 * 60))
        if rng.random() < 0.02:
            submitted = datetime(rng.choice([2022, 2023, 2024]), 3, 31, 23, 30, tzinfo=UTC)
        referrals.append(
            (
                pk,
                submitted,
                rng.randrange(1, 40),
                rng.choice(["general", "general", "falls", "smi"]),
                rng.choice([1, 2, 3, 12, None]),
                rng.choice([*range(1, 11), None]),
                rng.choice([None, 0, 29, 30, 149, 150, rng.randrange(0, 600)]),
                rng.choice(STATUSES),
                rng.choice([None, None, True, False]),
                rng.choice([None, True, False]),
                rng.choice(CONDITIONS),
            )
        )
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            completed = (
                None
                if rng.random() < 0.2
                else submitted.date() + timedelta(days=rng.choice([42, 84, 84, 180, 365]))
            )
            follow_ups.append(
                (
                    len(follow_ups) + 1,
                    pk,
                    completed,
                    rng.choice([None, 0, 45, 200, rng.randrange(0, 600)]),
                    rng.choice([None, None, *range(0, 11)]),
                )
            )
    return referrals, follow_ups


def reference_snapshot(referrals, follow_ups, year: int, district: int | None) -> dict:
    """One snapshot as it was built: the scope's referrals up to the end of the year and their
    completed follow-ups."""
    refs = ref.referral_frame(referrals)
    refs = refs[refs["fy"] <= year]
    if district is not None:
        refs = refs[refs["district_id"] == district]
    ids = set(refs["id"])
    fups = [f for f in follow_ups if f[1] in ids and f[2] is not None]
    return ref.year_figures(refs, ref.follow_up_frame(fups), year)


@pytest.mark.parametrize("seed", [1, 2])
def test_every_snapshot_at_once_equals_the_reference_one_at_a_time(seed):
    referrals, follow_ups = random_rows(seed, 1500)
    years = [2020, 2021, 2022, 2023, 2024, 2025]  # 2020 has no referrals
    districts = [1, 2, 3, 12, 99]  # 99 has no referrals
    stats = st.snapshot_figures(
        st.referral_frame(referrals),
        st.follow_up_frame(follow_ups),
        years=years,
        districts=districts,
    )
    assert set(stats) == {(y, d) for y in years for d in (None, *districts)}
    for (year, district), figures in stats.items():
        assert figures == reference_snapshot(referrals, follow_ups, year, district), (
            year,
            district,
        )


def test_follow_ups_on_the_same_day_are_ordered_by_id():
    referrals = [(1, datetime(2024, 6, 1, tzinfo=UTC), 1, "general", 1, 1, 0, "active")]
    referrals = [(*referrals[0], None, None, [])]
    same_day = date(2024, 9, 1)
    follow_ups = [(7, 1, same_day, 200, 3), (5, 1, same_day, 40, 8)]
    figures = st.snapshot_figures(
        st.referral_frame(referrals), st.follow_up_frame(follow_ups), years=[2024], districts=[]
    )[(2024, None)]
    assert figures["transitions"]["matrix"]["inactive"]["active"] == 1
    assert figures["transitions"]["life_satisfaction"] == {"people": 1, "change": -5.0}
    assert figures == reference_snapshot(referrals, follow_ups, 2024, None)


@pytest.mark.parametrize("seed", [3, 4])
def test_fragments_of_each_year_read_apart_add_up_to_the_whole(seed):
    """A rebuild reads each year's referrals on its own; the fragments, through JSON (as
    between Celery tasks), give the same figures as one read of everything."""
    referrals, follow_ups = random_rows(seed, 1500)
    refs, fups = st.referral_frame(referrals), st.follow_up_frame(follow_ups)
    years, districts = [2021, 2022, 2023, 2024, 2025], [1, 2, 3, 12]
    whole = st.snapshot_figures(refs, fups, years=years, districts=districts)
    fragments = []
    for year in sorted(refs["fy"].unique()):
        part = refs[refs["fy"] == year]
        part_fups = fups[fups["referral_id"].isin(part["id"])]
        fragments.append(json.loads(json.dumps(st.fragment(part, part_fups))))
    assert st.snapshot_figures_from(fragments, years=years, districts=districts) == whole
    assert st.fragment(refs.iloc[0:0], fups) == {"cells": [], "organisations": []}
