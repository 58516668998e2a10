"""How fast a full statistics rebuild is, against the floor: the same figures by plain SQL.

``bench_stats`` times (a) the rebuild of every snapshot exactly as the Celery task runs it
(services.build_run, in-process) and (b) hand-written aggregate SQL computing the same figures
on PostgreSQL (one GROUPING SETS query over the referrals joined to each one's latest completed
follow-up, and one for the organisations to date), checks that the two agree on the headline
figures of a sample of snapshots, and reports both medians, their ratio and the rebuild's peak
memory. It also times (c) one year's refresh as a change's debounced task runs it
(services.figures_refresh): the year with the most referrals read again, every snapshot
checked, the changed ones written.
"""

from __future__ import annotations

import resource
import statistics as stats_module
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count

from referrals.models import FollowUp, Referral
from reports import services
from reports.models import DirtyYear, ImpactSnapshot, SnapshotBuild
from reports.statistics import LEVEL_BOUNDS, ONTO_ACTIVITY, PATHWAYS, whole_percent

LOW, HIGH = LEVEL_BOUNDS


def _level(column: str) -> str:
    return (
        f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} < {LOW} THEN 0 "
        f"WHEN {column} < {HIGH} THEN 1 ELSE 2 END"
    )


_TRANSITIONS = ", ".join(
    f"count(*) FILTER (WHERE before = {a} AND after = {b})" for a in range(3) for b in range(3)
)
_DECILES = ", ".join(f"count(*) FILTER (WHERE decile = {d})" for d in range(1, 11))

# Every additive figure and the distinct organisations per year × district × pathway × month,
# and rolled up; programme-to-date sums by a window over years.
FLOOR_SQL = f"""
WITH latest AS (
    SELECT DISTINCT ON (referral_id) referral_id, minutes
    FROM referrals_followup
    WHERE completed_on IS NOT NULL AND minutes IS NOT NULL
    ORDER BY referral_id, completed_on DESC, id DESC
), rated AS (
    SELECT referral_id,
           (array_agg(life_satisfaction ORDER BY completed_on DESC, id DESC))[1]
           - (array_agg(life_satisfaction ORDER BY completed_on, id))[1] AS change
    FROM referrals_followup
    WHERE completed_on IS NOT NULL AND life_satisfaction IS NOT NULL
    GROUP BY referral_id
    HAVING count(*) >= 2
), base AS (
    SELECT r.financial_year AS fy, r.district_id AS district, r.pathway,
           date_part('month', r.submitted_at AT TIME ZONE 'Europe/London')::int AS month,
           r.organisation_id AS org, r.imd_decile AS decile,
           {_level("r.baseline_minutes")} AS before, {_level("l.minutes")} AS after,
           (r.status = ANY(%(onto)s) OR r.referred_onto_activity IS TRUE) AS onto,
           (r.has_disability IS TRUE OR (jsonb_typeof(r.long_term_conditions) = 'array'
                                         AND r.long_term_conditions <> '[]'::jsonb)) AS cond,
           s.change
    FROM referrals_referral r
    LEFT JOIN latest l ON l.referral_id = r.id
    LEFT JOIN rated s ON s.referral_id = r.id
), grouped AS (
    SELECT GROUPING(district, pathway, month) AS rollup, fy, district, pathway, month,
           count(*) AS referrals, count(DISTINCT org) AS organisations,
           count(decile) AS decile_known, count(*) FILTER (WHERE decile <= 4) AS deprived,
           count(*) FILTER (WHERE onto) AS onto_activity,
           count(*) FILTER (WHERE before = 0), count(*) FILTER (WHERE before = 1),
           count(*) FILTER (WHERE before = 2), count(*) FILTER (WHERE before IS NULL),
           {_DECILES}, count(*) FILTER (WHERE decile IS NULL),
           {_TRANSITIONS},
           count(*) FILTER (WHERE before = 0 AND after = 2 AND cond) AS up_with_condition,
           count(change) AS rated, coalesce(sum(change), 0) AS change
    FROM base
    GROUP BY GROUPING SETS (
        (fy, district, pathway, month), (fy, district, pathway), (fy, district), (fy, pathway), (fy)
    )
)
SELECT g.*,
       sum(referrals) OVER w AS to_date_referrals,
       sum(onto_activity) OVER w AS to_date_onto_activity,
       sum(decile_known) OVER w AS to_date_decile_known,
       sum(deprived) OVER w AS to_date_deprived
FROM grouped g
WINDOW w AS (PARTITION BY rollup, district, pathway, month ORDER BY fy)
"""  # noqa: S608 - built from constants only

FLOOR_ORGANISATIONS_SQL = """
SELECT rollup, district, fy, sum(count(*)) OVER (PARTITION BY rollup, district ORDER BY fy)
FROM (
    SELECT GROUPING(district_id) AS rollup, district_id AS district, organisation_id,
           min(financial_year) AS fy
    FROM referrals_referral
    GROUP BY GROUPING SETS ((district_id, organisation_id), (organisation_id))
) firsts
GROUP BY rollup, district, fy
"""


@dataclass
class Floor:
    """The floor's figures: rows keyed by (rollup, year, district, pathway, month)."""

    rows: dict[tuple, dict[str, Any]] = field(default_factory=dict)
    organisations_to_date: dict[tuple, int] = field(default_factory=dict)

    def headline(self, year: int, district: int | None) -> dict[str, Any] | None:
        """The figures the bench compares, for the partnership (district None) or a district."""
        # GROUPING(district, pathway, month): 0b111 all years' rows, 0b011 one district's.
        key = (7, year, None, None, None) if district is None else (3, year, district, None, None)
        row = self.rows.get(key)
        if row is None:
            return None
        pathway_rollup = 5 if district is None else 1
        pathways = {
            p: int(self.rows.get((pathway_rollup, year, district, p, None), {}).get("referrals", 0))
            for p in PATHWAYS
        }
        transitions = sum(int(v) for k, v in row.items() if k.startswith("transition_"))
        return {
            "referrals": int(row["referrals"]),
            "organisations": int(row["organisations"]),
            "deprived_share": whole_percent(int(row["deprived"]), int(row["decile_known"])),
            "onto_activity": int(row["onto_activity"]),
            "pathways": pathways,
            "transitions_people": transitions,
            "to_date_referrals": int(row["to_date_referrals"]),
            "to_date_onto_activity": int(row["to_date_onto_activity"]),
            "to_date_organisations": self._organisations_to_date(year, district),
        }

    def _organisations_to_date(self, year: int, district: int | None) -> int:
        # A row per year in which organisations first referred; carry the last one forward.
        rollup = int(district is None)
        years = [y for (r, d, y) in self.organisations_to_date if (r, d) == (rollup, district)]
        earlier = [y for y in years if y <= year]
        return self.organisations_to_date[(rollup, district, max(earlier))] if earlier else 0


def floor_run() -> Floor:
    """The figures by plain SQL, on PostgreSQL."""
    floor = Floor()
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, {"onto": ONTO_ACTIVITY})
        names = [c.name for c in cursor.description]
        transition_at = names.index("onto_activity") + 1 + 4 + 11
        for i in range(9):
            names[transition_at + i] = f"transition_{i}"
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            key = (row["rollup"], row["fy"], row["district"], row["pathway"], row["month"])
            floor.rows[key] = row
        cursor.execute(FLOOR_ORGANISATIONS_SQL)
        for rollup, district, fy, to_date in cursor.fetchall():
            floor.organisations_to_date[(rollup, district, fy)] = int(to_date)
    return floor


def snapshot_headline(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "referrals": figures["referrals"],
        "organisations": figures["organisations"],
        "deprived_share": figures["deprived_share"],
        "onto_activity": figures["onto_activity"],
        "pathways": figures["pathways"],
        "transitions_people": figures["transitions"]["people"],
        "to_date_referrals": figures["to_date"]["referrals"],
        "to_date_onto_activity": figures["to_date"]["onto_activity"],
        "to_date_organisations": figures["to_date"]["organisations"],
    }


def rebuild_run() -> int:
    """One full rebuild as the Celery task runs it; returns how many snapshots."""
    build = SnapshotBuild.objects.create(reason="bench", model=services.current_model())
    try:
        return services.build_run(build_id=build.pk)
    finally:
        build.delete()


def busiest_year() -> int | None:
    """The financial year with the most referrals: the dearest one to refresh."""
    years = Referral.objects.values("financial_year").annotate(n=Count("id")).order_by("-n")
    first = years.first()
    return first["financial_year"] if first else None


def year_refresh_run(year: int) -> int:
    """One year's refresh, as the task queued after a change runs it; returns how many
    snapshots it checked. Its build records are removed, as the rebuild's are."""
    DirtyYear.objects.create(year=year)
    builds = services.figures_refresh()
    SnapshotBuild.objects.filter(pk__in=[b.pk for b in builds]).delete()
    return sum(build.total for build in builds)


def _timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def bench(*, repeat: int = 3, write: Callable[[str], None] = print) -> dict[str, Any]:
    """Time the rebuild and the floor ``repeat`` times each, check they agree; print it all."""
    postgres = connection.vendor == "postgresql"
    write(f"referrals: {Referral.objects.count():,}")
    write(f"follow-ups: {FollowUp.objects.count():,}")
    rss_before = _peak_rss_mb()
    rebuild_times, floor_times, floor = [], [], None
    for i in range(repeat):
        seconds, snapshots = _timed(rebuild_run)
        rebuild_times.append(seconds)
        write(f"rebuild {i + 1}: {seconds:.2f} s ({snapshots} snapshots)")
        if postgres:
            seconds, floor = _timed(floor_run)
            floor_times.append(seconds)
            write(f"floor   {i + 1}: {seconds:.2f} s")
    peak = _peak_rss_mb() - rss_before
    rebuild_median = stats_module.median(rebuild_times)
    write(f"rebuild median: {rebuild_median:.2f} s")
    result: dict[str, Any] = {"rebuild": rebuild_times, "floor": floor_times, "mismatches": []}
    result["year_refresh"] = _bench_year_refresh(repeat=repeat, write=write)
    if postgres:
        floor_median = stats_module.median(floor_times)
        write(f"floor median: {floor_median:.2f} s")
        write(f"ratio rebuild / floor: {rebuild_median / floor_median:.2f}")
        result["mismatches"] = compare(floor)
        for mismatch in result["mismatches"]:
            write(f"MISMATCH between the floor and the rebuild: {mismatch}")
        if not result["mismatches"]:
            write("floor and rebuild agree on the headline figures of every snapshot")
    else:
        write("floor: PostgreSQL only (this database is not PostgreSQL)")
    write(f"rebuild peak memory: {peak:.0f} MB (growth of the process's peak RSS, ru_maxrss)")
    result["peak_mb"] = peak
    return result


def _bench_year_refresh(*, repeat: int, write: Callable[[str], None]) -> list[float]:
    year = busiest_year()
    if year is None:
        write("year refresh: no referrals")
        return []
    times = []
    for i in range(repeat):
        seconds, checked = _timed(lambda: year_refresh_run(year))
        times.append(seconds)
        write(f"year refresh {i + 1}: {seconds:.2f} s ({year}, {checked} snapshots checked)")
    write(f"year refresh median: {stats_module.median(times):.2f} s")
    return times


def compare(floor: Floor) -> list[str]:
    """Where the floor's headline figures differ from the stored snapshots'."""
    mismatches = []
    model = services.current_model()
    for snapshot in ImpactSnapshot.objects.filter(model=model):
        expected = snapshot_headline(snapshot.figures)
        got = floor.headline(snapshot.year, snapshot.district_id)
        if got is None and expected["referrals"] == 0:
            continue
        if got != expected:
            scope = snapshot.district_id or "partnership"
            mismatches.append(f"{snapshot.year} {scope}: floor {got} != rebuild {expected}")
    return mismatches
