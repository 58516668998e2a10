"""Reads of the reports app. Pages read snapshots only, never the referral tables."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from activeportal.accounts.models import User
from activeportal.accounts.roles import HUB, has_role
from activeportal.lib.fy import fy_is_running, fy_label, fy_title
from activeportal.lib.suppression import Disclosure
from districts.models import District

from . import tables
from .models import ImpactSnapshot, ReportLogo, ReportNarrative, SnapshotBuild, SocialValueModel


def disclosure_for(user: User | None, *, below_partnership: bool) -> Disclosure:
    """Exact numbers at partnership level, and for hub and admin users; suppressed otherwise."""
    exact = not below_partnership or (user is not None and has_role(user, HUB))
    return Disclosure(exact=exact)


def snapshot_years() -> list[int]:
    """Financial years with a partnership snapshot, newest first."""
    years = ImpactSnapshot.objects.filter(district__isnull=True).values_list("year", flat=True)
    return sorted(set(years), reverse=True)


def opening_year(years: list[int]) -> int | None:
    """The year the impact pages open on: the latest complete one with figures, since the
    running year's few months would read as a poor year; the running year if it is all there is.
    ``years`` newest first, as snapshot_years gives them."""
    complete = [year for year in years if not fy_is_running(year)]
    if complete:
        return complete[0]
    return years[0] if years else None


def year_choices(years: list[int], *, showing: int) -> list[dict[str, Any]]:
    """The year choice's options: the running year labelled "so far"."""
    return [{"year": year, "title": fy_title(year), "selected": year == showing} for year in years]


def other_year(years: list[int], *, showing: int) -> dict[str, Any] | None:
    """The year one click away: the running year from a complete one, the latest complete
    year from the running one; None when there is no such year with figures."""
    running = [year for year in years if fy_is_running(year)]
    if showing in running:
        target = opening_year([year for year in years if year not in running])
    else:
        target = running[-1] if running else None
    return None if target is None else {"year": target, "title": fy_title(target)}


def snapshot_get(*, year: int, district: District | None = None) -> ImpactSnapshot | None:
    """The snapshot of ``year`` and scope built with the current model, else the latest built."""
    snapshots = ImpactSnapshot.objects.filter(year=year, district=district).select_related(
        "model", "district"
    )
    current = snapshots.filter(model__is_current=True).first()
    return current or snapshots.order_by("-built_at").first()


def latest_build() -> SnapshotBuild | None:
    """The most recently requested rebuild, if any."""
    return SnapshotBuild.objects.order_by("-created_at").first()


def build_progress(build: SnapshotBuild) -> dict[str, Any]:
    """Done and total jobs of a build, and a whole percentage for the progress bar."""
    done = build.jobs.filter(done=True).count()
    total = build.total
    # Reading the years marks their jobs done; the snapshots are written last, so a running
    # build stays below 100% until it is finished.
    running = min(99, done * 100 // total) if total else 0
    percent = 100 if build.state == SnapshotBuild.State.DONE else running
    return {"done": done, "total": total, "percent": percent}


FINGERPRINT_CACHE_KEY = "reports:data-fingerprint"
FINGERPRINT_LOCK_KEY = "reports:data-fingerprint:taking"


def figures_changed_since(snapshot: ImpactSnapshot) -> bool:
    """True when the inputs (row counts, last changes) differ from the snapshot's.

    The fingerprint counts and scans the referral and follow-up tables, too dear for every page
    at a million referrals, so it is kept in the cache and taken again once it is older than
    REPORTS_CHANGED_CHECK_SECONDS: the "data have changed" notice may then come up to that long
    after the change. One process at a time takes it again; meanwhile the others answer from
    the one they have, so the pages never all scan the tables together.
    """
    from .services import data_fingerprint

    seconds = settings.REPORTS_CHANGED_CHECK_SECONDS
    kept = cache.get(FINGERPRINT_CACHE_KEY) if seconds else None
    now = timezone.now()
    # One taken before the snapshot was last built or checked says nothing about it.
    usable = kept is not None and kept["taken_at"] >= snapshot.rebuilt_at
    fresh = usable and (now - kept["taken_at"]).total_seconds() < seconds
    if fresh or (usable and not cache.add(FINGERPRINT_LOCK_KEY, True, 30)):
        return kept["fingerprint"] != snapshot.source_counts
    try:
        kept = {"taken_at": now, "fingerprint": data_fingerprint()}
        if seconds:
            cache.set(FINGERPRINT_CACHE_KEY, kept, seconds * 10)
    finally:
        if usable:
            cache.delete(FINGERPRINT_LOCK_KEY)
    return kept["fingerprint"] != snapshot.source_counts


def social_value_models() -> list[SocialValueModel]:
    """Every version of the social-value model, with its streams and snapshots."""
    return list(SocialValueModel.objects.prefetch_related("investment_streams", "snapshots"))


def page_tables(snapshot: ImpactSnapshot, *, user: User | None) -> dict[str, tables.Table]:
    """Every table of a dashboard or report page, for this reader."""
    district_scope = snapshot.district_id is not None
    return tables.all_tables(
        snapshot.figures,
        exact_scope=disclosure_for(user, below_partnership=district_scope),
        below=disclosure_for(user, below_partnership=True),
        names=tables.district_names(District.objects.all()),
    )


def public_impact_figures(year: int) -> dict[str, Any] | None:
    """The impact figures of ``year`` for the public transparency page, with small numbers
    suppressed below partnership level; None when no snapshot has been built for the year.

    Returns plain values: ``year`` and ``label``; ``key_figures`` (label/value pairs, exact:
    partnership level); ``districts`` (headers and rows, suppressed); ``transitions`` (programme
    to date, headers and rows); ``social_value`` (primary, secondary, total, investment and
    value per £1, as Decimal strings) and ``built_at``.
    """
    snapshot = snapshot_get(year=year)
    if snapshot is None:
        return None
    figures = snapshot.figures
    public = Disclosure(exact=False)
    partnership = Disclosure(exact=True)
    names = tables.district_names(District.objects.all())
    districts = tables.breakdown_table(
        figures["by_district"],
        public,
        key="districts",
        title="By district",
        first="District",
        names=names,
    )
    to_date = tables.transitions_table(
        figures["to_date"]["transitions"]["matrix"],
        partnership,
        key="transitions-to-date",
        title="Changes in activity level, programme to date",
    )
    sv = figures["social_value"]["to_date"]
    return {
        "year": year,
        "label": fy_label(year),
        "built_at": snapshot.built_at,
        "key_figures": tables.key_figures(figures, partnership),
        "districts": {"headers": districts.headers, "rows": districts.rows},
        "transitions": {"headers": to_date.headers, "rows": to_date.download_rows()},
        "social_value": {
            key: sv[key]
            for key in (
                "primary",
                "secondary",
                "total",
                "investment",
                "per_pound",
                "per_pound_primary",
                "per_pound_secondary",
            )
        },
        "model_version": figures["model"]["version"],
    }


def report_narratives(year: int) -> dict[str, str]:
    """What managers wrote about each section of ``year``'s report, by section key."""
    return dict(ReportNarrative.objects.filter(year=year).values_list("section", "text"))


def report_narratives_stamp(year: int) -> str:
    """Changes whenever ``year``'s words change: part of the cached figures' key."""
    latest = ReportNarrative.objects.filter(year=year).aggregate(
        count=Count("pk"), latest=Max("updated_at")
    )
    return f"{latest['count']}:{latest['latest'].isoformat() if latest['latest'] else ''}"


def report_logo() -> ReportLogo | None:
    return ReportLogo.objects.order_by("pk").first()


def report_logo_exists() -> bool:
    return ReportLogo.objects.exists()
