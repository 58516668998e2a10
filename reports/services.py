"""Writes of the reports app: snapshot builds, rebuild requests, social-value model versions."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from activeportal.accounts.models import User
from activeportal.lib.changes import Change
from activeportal.lib.errors import DomainError, full_clean_or_raise
from activeportal.outbox.services import outbox_add, publish_quietly
from districts.models import District
from funding.models import Allocation, FundingStream
from referrals.models import FollowUp, Referral

from . import inputs, statistics
from .models import (
    DirtyYear,
    ImpactSnapshot,
    ReportLogo,
    ReportNarrative,
    SnapshotBuild,
    SnapshotBuildJob,
    SocialValueModel,
    YearReading,
)
from .social_value import Parameters, social_value
from .tasks import refresh_figures

logger = logging.getLogger(__name__)


class ReportsError(DomainError):
    """A reports action that cannot be done, with a message a person can act on."""


# --- the inputs besides the referral frames ----------------------------------------------


def investment_by_scope(
    *, model: SocialValueModel, keys: Iterable[tuple[int, int | None]]
) -> dict[tuple[int, int | None], dict[str, Decimal]]:
    """Money invested in the programme per (year, district or None): the model's streams, up to
    the end of the year and in the year. One query, summed per year and district."""
    sums = (
        Allocation.objects.filter(stream__in=model.investment_streams.all())
        .exclude(status=Allocation.Status.WITHDRAWN)
        .values_list("financial_year", "district_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    rows = list(sums)
    money = {}
    for year, district_id in keys:
        mine = [(fy, t) for fy, d, t in rows if district_id is None or d == district_id]
        money[(year, district_id)] = {
            "to_date": sum((t for fy, t in mine if fy <= year), Decimal("0")),
            "in_year": sum((t for fy, t in mine if fy == year), Decimal("0")),
        }
    return money


def data_fingerprint() -> dict[str, Any]:
    """Row counts and last changes of the inputs: cheap to read, changes whenever they do."""
    refs = Referral.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    fups = FollowUp.objects.aggregate(
        n=Count("id"), done=Count("completed_on"), minutes=Sum("minutes"), last=Max("id")
    )
    allocs = Allocation.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return {
        "referrals": refs["n"],
        "referrals_changed": refs["last"].isoformat() if refs["last"] else None,
        "follow_ups": fups["n"],
        "follow_ups_completed": fups["done"],
        "follow_up_minutes": fups["minutes"] or 0,
        "follow_ups_last_id": fups["last"],
        "allocations": allocs["n"],
        "allocations_changed": allocs["last"].isoformat() if allocs["last"] else None,
    }


def _inputs_hash(stats: dict[str, Any], params: Parameters, streams: list[int], money: dict) -> str:
    """A digest of everything a snapshot's content comes from: its statistics (the aggregates
    of the referral rows, cheap to hash), the model's parameters and streams, and the money."""
    digest = hashlib.sha256()
    digest.update(json.dumps(stats, sort_keys=True).encode())
    digest.update(repr(params).encode())
    digest.update(repr(streams).encode())
    digest.update(json.dumps({k: str(v) for k, v in money.items()}, sort_keys=True).encode())
    return digest.hexdigest()


# --- building snapshots -------------------------------------------------------------------


def current_model() -> SocialValueModel:
    """The version builds use; the default one is created on first use."""
    model = SocialValueModel.objects.filter(is_current=True).first()
    return model or social_value_model_create_default()


def snapshot_scopes() -> tuple[list[int], list[int]]:
    """What a full rebuild builds: the years with referrals, and the active districts (each
    year also has a partnership snapshot)."""
    # order_by(): the model's default ordering would add submitted_at to the DISTINCT.
    years = Referral.objects.order_by().values_list("financial_year", flat=True).distinct()
    years = sorted(years)
    districts = list(District.objects.filter(is_active=True).values_list("id", flat=True))
    return years, districts


def snapshot_build(*, year: int, district_id: int | None, model_id: int) -> ImpactSnapshot:
    """Build (or refresh) the snapshot of one year, scope and model version.

    The same code as a full rebuild, reading only this scope's referrals up to the end of
    ``year``. Upserted on (year, district, model): building the same inputs twice leaves the one
    snapshot as it was. The write is one transaction, so a build that dies half-way writes
    nothing.
    """
    model = SocialValueModel.objects.get(pk=model_id)
    counts = data_fingerprint()
    refs, fups = inputs.load_inputs(year=year, district_id=district_id)
    districts = [] if district_id is None else [district_id]
    stats = statistics.snapshot_figures(refs, fups, years=[year], districts=districts)
    saved = _snapshots_save({(year, district_id): stats[(year, district_id)]}, model, counts)
    return saved.snapshots[0]


def snapshots_build_all(
    *, model_id: int, years: list[int], districts: list[int]
) -> list[ImpactSnapshot]:
    """Build (or refresh) every snapshot of ``years`` × (the partnership and ``districts``)
    from one read of the referrals and follow-ups, in one transaction: all or nothing."""
    model = SocialValueModel.objects.get(pk=model_id)
    counts = data_fingerprint()
    read_at = timezone.now()
    refs, fups = inputs.load_inputs()
    whole = statistics.fragment(refs, fups)
    stats = statistics.snapshot_figures_from([whole], years=years, districts=districts)
    with _build_lock(wait=True), transaction.atomic():
        saved = _snapshots_save(stats, model, counts)
        _readings_store(_fragments_by_year(whole), read_at=read_at, every_year=True)
    return saved.snapshots


@dataclass(frozen=True)
class Saved:
    """What a save did: every snapshot it checked, how many changed, and when they last did."""

    snapshots: list[ImpactSnapshot]
    changed: int
    figures_changed_at: datetime | None


def _snapshots_save(
    stats: dict, model: SocialValueModel, counts: dict, *, now: datetime | None = None
) -> Saved:
    """Upsert one snapshot per (year, district) of ``stats``; a snapshot whose inputs hash is
    unchanged keeps its figures and ``built_at`` and records the check (``checked_at``, its
    source counts), so the pages can say when the figures were last rebuilt and since when
    nothing has changed. ``now``: the moment the build records as its own."""
    now = now or timezone.now()
    params = model.parameters()
    streams = sorted(model.investment_streams.values_list("id", flat=True))
    money = investment_by_scope(model=model, keys=stats)
    names = dict(District.objects.filter(pk__in=[d for _, d in stats]).values_list("id", "name"))
    existing = {
        (s.year, s.district_id): s
        for s in ImpactSnapshot.objects.filter(model=model, year__in={y for y, _ in stats})
    }
    saved, unchanged, changed = [], [], 0
    with transaction.atomic():
        for (year, district_id), figures in stats.items():
            inputs_hash = _inputs_hash(figures, params, streams, money[(year, district_id)])
            snapshot = existing.get((year, district_id))
            if snapshot and snapshot.inputs_hash == inputs_hash:
                snapshot.source_counts, snapshot.checked_at = counts, now
                unchanged.append(snapshot.pk)
                saved.append(snapshot)
                continue
            figures = _figures(figures, model=model, money=money[(year, district_id)])
            figures["scope"] = names[district_id] if district_id else "partnership"
            snapshot, _ = ImpactSnapshot.objects.update_or_create(
                year=year,
                district_id=district_id,
                model=model,
                defaults={
                    "built_at": now,
                    "checked_at": now,
                    "source_counts": counts,
                    "inputs_hash": inputs_hash,
                    "figures": figures,
                },
            )
            changed += 1
            saved.append(snapshot)
        if unchanged:
            ImpactSnapshot.objects.filter(pk__in=unchanged).update(
                source_counts=counts, checked_at=now
            )
        if settings.REPORTS_BUILD_PAUSE_MS:
            time.sleep(settings.REPORTS_BUILD_PAUSE_MS / 1000)  # failure tests: die mid-write
    last = max((snapshot.built_at for snapshot in saved), default=None)
    return Saved(snapshots=saved, changed=changed, figures_changed_at=last)


def _figures(stats: dict, *, model: SocialValueModel, money: dict) -> dict[str, Any]:
    figures = dict(stats)
    params = model.parameters()
    figures["social_value"] = {
        "to_date": social_value(
            transitions=figures["to_date"]["transitions"],
            params=params,
            investment=money["to_date"],
        ),
        "year": social_value(
            transitions=figures["transitions"], params=params, investment=money["in_year"]
        ),
    }
    figures["model"] = {"id": model.pk, "version": model.version, "name": model.name}
    return figures


# --- rebuild requests ---------------------------------------------------------------------


# An import may touch every year: rebuild them all. Other changes mark the years they touch.
REBUILD_ON = {Change.HISTORY_IMPORTED, Change.ALLOCATIONS_IMPORTED}
MONEY_ONLY = {Change.ALLOCATIONS_CHANGED}


def statistics_on_data_changed(*, kind: Change, financial_years: frozenset[int], **_: Any) -> None:
    """Receiver of ``data_changed``, inside the change's transaction: after an import, queue a
    rebuild of every year on commit; after any other change, mark the years it touches
    (``figures_mark_changed``) for the debounced refresh."""
    if kind in REBUILD_ON:
        rebuild_start(reason="import")
        return
    money = kind in MONEY_ONLY
    figures_mark_changed(
        years=financial_years, kind=DirtyYear.Kind.FUNDING if money else DirtyYear.Kind.REFERRALS
    )


def figures_mark_changed(*, years: Iterable[int], kind: str = DirtyYear.Kind.REFERRALS) -> None:
    """Mark ``years`` as changed in the caller's transaction and queue a refresh on commit.

    The refresh waits REPORTS_REFRESH_DELAY_SECONDS, so the changes of the next few seconds are
    built with this one; a refresh that finds the marks already taken does nothing. A failure to
    queue it is logged and does not fail the change: the beat's refresh takes the marks in.
    """
    years = sorted(set(years))
    if not years:
        return
    DirtyYear.objects.bulk_create(DirtyYear(year=year, kind=kind) for year in years)
    transaction.on_commit(_queue_refresh, robust=True)


def _queue_refresh() -> None:
    # The marks are the refresh's record: if the broker is away, the beat's refresh takes them.
    publish_quietly(
        lambda: refresh_figures.apply_async(countdown=settings.REPORTS_REFRESH_DELAY_SECONDS),
        "the figures' refresh",
    )


def build_in_progress() -> SnapshotBuild | None:
    """The rebuild queued or running now, unless it has outlived its time limit."""
    limit = timezone.now() - timedelta(seconds=settings.REPORTS_BUILD_TIME_LIMIT_SECONDS)
    return (
        SnapshotBuild.objects.filter(
            state__in=[SnapshotBuild.State.QUEUED, SnapshotBuild.State.RUNNING],
            created_at__gte=limit,
        )
        .order_by("-created_at")
        .first()
    )


BUILD_STUCK_ERROR = (
    "it did not finish within {minutes} minutes (a worker may have stopped, or the broker "
    "been away)"
)


def builds_reap() -> int:
    """Mark failed, with the reason, every rebuild queued or running longer than
    REPORTS_BUILD_TIME_LIMIT_SECONDS; returns how many. The figures stay those of the last good
    build, and the next "Rebuild now" starts afresh."""
    seconds = settings.REPORTS_BUILD_TIME_LIMIT_SECONDS
    limit = timezone.now() - timedelta(seconds=seconds)
    stuck = SnapshotBuild.objects.filter(
        state__in=[SnapshotBuild.State.QUEUED, SnapshotBuild.State.RUNNING], created_at__lt=limit
    )
    return stuck.update(
        state=SnapshotBuild.State.FAILED,
        error=BUILD_STUCK_ERROR.format(minutes=max(1, round(seconds / 60))),
        finished_at=timezone.now(),
    )


def builds_stuck_health() -> tuple[list[str], list[str]]:
    """For /healthz: rebuilds past their time limit that the reaper (every minute) has not
    marked failed, which means beat or every worker is down."""
    seconds = settings.REPORTS_BUILD_TIME_LIMIT_SECONDS + 120
    stuck = SnapshotBuild.objects.filter(
        state__in=[SnapshotBuild.State.QUEUED, SnapshotBuild.State.RUNNING],
        created_at__lt=timezone.now() - timedelta(seconds=seconds),
    ).count()
    if stuck:
        return [f"{stuck} rebuild(s) are stuck past their time limit: is beat running?"], []
    return [], []


def rebuild_start(*, user: User | None = None, reason: str = "manual") -> SnapshotBuild:
    """Record a rebuild of every year and scope and queue it once this transaction commits;
    while one is queued or running, that one (asking again does not start a second)."""
    with transaction.atomic():
        running = build_in_progress()
        if running is not None:
            return running
        build = SnapshotBuild.objects.create(
            requested_by=user, reason=reason, model=current_model()
        )
        outbox_add(
            task="reports.rebuild_all",
            key=f"reports.rebuild:{build.pk}",
            kwargs={"build_id": build.pk},
        )
    return build


def build_plan(*, build_id: int) -> list[SnapshotBuildJob]:
    """The jobs of a build (created once): each year with referrals × partnership and districts."""
    with transaction.atomic():
        build = SnapshotBuild.objects.select_for_update().get(pk=build_id)
        if not build.jobs.exists():
            years, districts = snapshot_scopes()
            scopes = [None, *districts]
            SnapshotBuildJob.objects.bulk_create(
                SnapshotBuildJob(build=build, year=year, district_id=scope)
                for year in years
                for scope in scopes
            )
            build.total = len(years) * len(scopes)
        if build.model_id is None:
            build.model = current_model()
        build.state = SnapshotBuild.State.RUNNING if build.total else SnapshotBuild.State.DONE
        if not build.total:
            build.finished_at = timezone.now()
        build.save()
    return list(build.jobs.filter(done=False))


def build_read_year(*, build_id: int, year: int) -> dict[str, list]:
    """Read the referrals of one financial year (by their stored year) and their completed
    follow-ups, and return what they add to every snapshot (``statistics.fragment``, plain
    JSON, with its ``year``). The year's jobs count as done for the progress bar; nothing else
    is written."""
    refs, fups = inputs.load_inputs(in_year=year)
    fragment = {**statistics.fragment(refs, fups), "year": year}
    SnapshotBuildJob.objects.filter(build_id=build_id, year=year).update(done=True)
    return fragment


def build_finish(*, build_id: int, fragments: list[dict[str, list]], counts: dict) -> int:
    """Add up the years' fragments and write every snapshot of the build, with its progress,
    in one transaction: a rebuild that dies here leaves every snapshot as it was, and running
    this again finishes it. ``counts`` is the data fingerprint taken before the reads."""
    build = SnapshotBuild.objects.get(pk=build_id)
    jobs = list(build.jobs.all())
    years = sorted({job.year for job in jobs})
    districts = sorted({job.district_id for job in jobs if job.district_id is not None})
    model = SocialValueModel.objects.get(pk=build.model_id)
    # Under the refresh's lock: a refresh that read a year after this build did keeps its
    # reading (and its figures), so a long rebuild never writes older figures over newer.
    with _build_lock(wait=True), transaction.atomic():
        by_year = {f["year"]: f for f in fragments if "year" in f}
        kept = _readings_store(by_year, read_at=build.created_at, every_year=True)
        fragments = [f for f in fragments if "year" not in f] + list(kept.values())
        stats = statistics.snapshot_figures_from(fragments, years=years, districts=districts)
        now = timezone.now()
        saved = _snapshots_save(stats, model, counts, now=now)
        build.jobs.update(done=True)
        SnapshotBuild.objects.filter(pk=build_id).exclude(state=SnapshotBuild.State.DONE).update(
            state=SnapshotBuild.State.DONE,
            finished_at=now,
            changed=saved.changed,
            figures_changed_at=saved.figures_changed_at,
        )
    return len(jobs)


def build_years(*, build_id: int) -> list[int]:
    """Plan a build (``build_plan``) and return the years whose referrals it reads."""
    return sorted({job.year for job in build_plan(build_id=build_id)})


def build_run(*, build_id: int) -> int:
    """A whole rebuild in this process, as the Celery chord runs it: plan, read each year,
    add up and write; returns how many snapshots the build has."""
    counts = data_fingerprint()
    years = build_years(build_id=build_id)
    if not years:
        return 0
    fragments = [build_read_year(build_id=build_id, year=year) for year in years]
    return build_finish(build_id=build_id, fragments=fragments, counts=counts)


# --- the debounced refresh of the years that changed ---------------------------------------

REFRESH_LOCK = 0x5245_4653  # "REFS": PostgreSQL advisory lock key of figure builds
_LOCAL_LOCK = threading.RLock()  # elsewhere (SQLite), builds run in this process
REFRESH_REASON = "data changed"
REFRESH_RECORDS_KEPT = timedelta(days=7)


@contextmanager
def _build_lock(*, wait: bool) -> Iterator[bool]:
    """At most one refresh or rebuild write at a time; yields whether the lock is held.

    On PostgreSQL a session advisory lock, shared by every worker on every machine and let go
    if the worker's connection dies; elsewhere tasks run in this process, and a lock of the
    process serves.
    """
    if connection.vendor != "postgresql":
        held = _LOCAL_LOCK.acquire(blocking=wait)
        try:
            yield held
        finally:
            if held:
                _LOCAL_LOCK.release()
        return
    take = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {take}(%s)", [REFRESH_LOCK])
        row = cursor.fetchone()
    held = wait or bool(row and row[0])
    try:
        yield held
    finally:
        if held:
            _advisory_unlock()


def _advisory_unlock() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REFRESH_LOCK])
    except DatabaseError:
        # The connection is gone, and PostgreSQL let the lock go with it.
        logger.warning("figure build lock: the connection closed before the unlock")


def figures_refresh() -> list[SnapshotBuild]:
    """Rebuild the figures of the years changes have marked; returns the builds it made (one,
    or none when nothing was marked).

    At most one runs at a time: another that finds the lock taken returns at once, leaving the
    marks to the one running or to the next. Marks that arrive while it builds are left for the
    next refresh (``figures_refresh_due_in`` says when that may be), so however busy the day the
    figures cost one refresh an interval, and a web request that runs it (no broker) returns.
    """
    with _build_lock(wait=False) as held:
        if not held:
            return []
        marks = list(DirtyYear.objects.values_list("id", "year", "kind"))
        build = _refresh(marks) if marks else None
    return [build] if build is not None else []


def figures_refresh_due_in() -> float:
    """Seconds until the next refresh may start: refreshes begin at least
    REPORTS_REFRESH_INTERVAL_SECONDS after the last one finished (0: now)."""
    last = (
        SnapshotBuild.objects.filter(reason=REFRESH_REASON)
        .order_by("-pk")
        .values_list("finished_at", flat=True)
        .first()
    )
    if last is None:
        return 0.0
    since = (timezone.now() - last).total_seconds()
    return max(0.0, settings.REPORTS_REFRESH_INTERVAL_SECONDS - since)


def figures_marked() -> bool:
    return DirtyYear.objects.exists()


def _refresh(marks: list[tuple[int, int, str]]) -> SnapshotBuild | None:
    """One refresh: read again the years whose referrals changed (every year with referrals
    when none has been read yet), add the other years' stored readings, and save every
    snapshot of the current model: those of the changed years and the programme-to-date figures
    of the later years change; the others are checked and left as they were. The marks read
    are deleted in the same transaction, so a refresh that dies leaves them for the next."""
    ids = [pk for pk, _, _ in marks]
    model = SocialValueModel.objects.filter(is_current=True).first()
    if model is None:  # figures have never been built: the first build is a full rebuild
        DirtyYear.objects.filter(pk__in=ids).delete()
        return None
    stored = {r.year: r for r in YearReading.objects.all()}
    changed = {year for _, year, kind in marks if kind == DirtyYear.Kind.REFERRALS}
    to_read = sorted(changed if stored else set(snapshot_scopes()[0]) | changed)
    read_at = timezone.now()
    counts, fresh = _read_years(to_read)
    districts = list(District.objects.filter(is_active=True).values_list("id", flat=True))
    with transaction.atomic():
        _readings_store(fresh, read_at=read_at)
        readings = {year: r.fragment for year, r in stored.items()} | fresh
        years = sorted(year for year, fragment in readings.items() if fragment["cells"])
        stats = statistics.snapshot_figures_from(
            list(readings.values()), years=years, districts=districts
        )
        now = timezone.now()
        saved = _snapshots_save(stats, model, counts, now=now)
        DirtyYear.objects.filter(pk__in=ids).delete()
        SnapshotBuild.objects.filter(
            reason=REFRESH_REASON, created_at__lt=now - REFRESH_RECORDS_KEPT
        ).delete()
        return SnapshotBuild.objects.create(
            reason=REFRESH_REASON,
            model=model,
            state=SnapshotBuild.State.DONE,
            total=len(stats),
            years=to_read,
            changed=saved.changed,
            figures_changed_at=saved.figures_changed_at,
            finished_at=now,
        )


def _read_years(years: list[int]) -> tuple[dict[str, Any], dict[int, dict[str, list]]]:
    """The data fingerprint, then each year's fragment.

    On PostgreSQL, outside a transaction (a worker's refresh), a year's referrals are read on
    one connection while the fingerprint and the follow-ups are read on another: the server's
    work (forming the rows) is most of a read's time, and so it runs on two cores. Inside a
    transaction (tests) other connections would not see its rows, so everything is read on
    this one.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        counts = data_fingerprint()
        return counts, {y: statistics.fragment(*inputs.load_inputs(in_year=y)) for y in years}
    fragments = {}
    with ThreadPoolExecutor(max_workers=1) as other:
        counts = other.submit(_on_own_connection, data_fingerprint)
        for year in years:
            follow_ups = other.submit(_on_own_connection, inputs.follow_ups_of_year, year)
            refs = inputs.referrals_of_year(year)
            fragments[year] = statistics.fragment(refs, follow_ups.result())
        return counts.result(), fragments


def _on_own_connection(read: Callable[..., Any], *args: Any) -> Any:
    """Run ``read`` on this thread's connection, and close it afterwards."""
    try:
        return read(*args)
    finally:
        connection.close()


def _fragments_by_year(fragment: dict[str, list]) -> dict[int, dict[str, list]]:
    """A fragment of several years' referrals, split into one per year."""
    years: dict[int, dict[str, list]] = {}
    for key in ("cells", "organisations"):
        for row in fragment[key]:
            years.setdefault(row[0], {"cells": [], "organisations": []})[key].append(row)
    return years


def _readings_store(
    fragments: dict[int, dict], *, read_at: datetime, every_year: bool = False
) -> dict[int, dict]:
    """Keep each year's reading begun at ``read_at``, unless one begun later is stored (a
    refresh read that year again meanwhile: it is newer). With ``every_year`` (a rebuild read
    every year with referrals) the readings of other years begun earlier are dropped. Returns
    the fragment now kept for each year of ``fragments``."""
    stored = {r.year: r for r in YearReading.objects.select_for_update()}
    kept = {}
    for year, fragment in fragments.items():
        fragment = {"cells": fragment["cells"], "organisations": fragment["organisations"]}
        reading = stored.get(year)
        if reading is not None and reading.read_at > read_at:
            kept[year] = reading.fragment
            continue
        YearReading.objects.update_or_create(
            year=year, defaults={"read_at": read_at, "fragment": fragment}
        )
        kept[year] = fragment
    if every_year:
        gone = [y for y, r in stored.items() if y not in fragments and r.read_at <= read_at]
        YearReading.objects.filter(year__in=gone).delete()
    return kept


def build_job_done(*, job_id: int) -> None:
    """Mark one job done (idempotent) and the build finished when it was the last."""
    with transaction.atomic():
        job = SnapshotBuildJob.objects.select_related("build").get(pk=job_id)
        SnapshotBuildJob.objects.filter(pk=job_id).update(done=True)
        build = SnapshotBuild.objects.select_for_update().get(pk=job.build_id)
        if build.state != SnapshotBuild.State.DONE and not build.jobs.filter(done=False).exists():
            build.state = SnapshotBuild.State.DONE
            build.finished_at = timezone.now()
            build.save(update_fields=["state", "finished_at"])


def build_failed(*, build_id: int, error: str) -> None:
    """Record that a build failed for good."""
    SnapshotBuild.objects.filter(pk=build_id).update(
        state=SnapshotBuild.State.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def build_job_failed(*, job_id: int, error: str) -> None:
    """Record that one job of a build failed for good."""
    job = SnapshotBuildJob.objects.filter(pk=job_id).first()
    if job:
        build_failed(build_id=job.build_id, error=error)


# --- social-value model versions ----------------------------------------------------------

DEFAULT_SOURCES = {
    "wellby_source": "HM Treasury, Wellbeing Guidance for Appraisal (Green Book supplement, "
    "2021): £13,000 in 2019 prices, range £10,000–£16,000",
    "value_active_source": "Sport England social value model, year 1 (2022/23 data)",
    "value_fairly_active_source": "Sport England social value model, year 1 (2022/23 data)",
    "value_inactive_to_active_condition_source": "Sport England social value model, year 1 "
    "(2022/23 data)",
    "secondary_source": "Set by the partnership; Sport England's model puts secondary (health "
    "and care system) value at 11–15% of primary value nationally",
    "adjustments_source": "Set by the partnership following Green Book / SROI practice",
}
DEFAULT_INVESTMENT_STREAM = "Active NoW"


def social_value_model_create_default() -> SocialValueModel:
    """The default version (DESIGN.md §4) if there is no version at all; else the current one."""
    with transaction.atomic():
        existing = SocialValueModel.objects.select_for_update().order_by("version")
        if existing.exists():
            return existing.filter(is_current=True).first() or existing.first()
        model = SocialValueModel(version=1, is_current=True, **DEFAULT_SOURCES)
        full_clean_or_raise(model, ReportsError)
        model.save()
        model.investment_streams.set(FundingStream.objects.filter(name=DEFAULT_INVESTMENT_STREAM))
    return model


def social_value_model_copy(
    *, model: SocialValueModel, user: User | None = None
) -> SocialValueModel:
    """A new, editable version with the same parameters, sources and streams."""
    with transaction.atomic():
        last = SocialValueModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
        streams = list(model.investment_streams.all())
        copy = SocialValueModel.objects.get(pk=model.pk)
        copy.pk = None
        copy.version = last + 1
        copy.is_current = False
        copy.based_on = model
        copy.created_by = user
        full_clean_or_raise(copy, ReportsError)
        copy.save()
        copy.investment_streams.set(streams)
    return copy


def social_value_model_check_editable(*, model: SocialValueModel) -> SocialValueModel:
    """``model`` if it may still change; a ReportsError if snapshots have used its figures."""
    if model.is_locked:
        raise ReportsError(
            f"Version {model.version} has been used by impact snapshots, so its figures can no "
            "longer change. Copy it to a new version and edit the copy."
        )
    return model


def social_value_model_update(
    *,
    model: SocialValueModel,
    data: dict[str, Any],
    streams: Iterable[FundingStream] | None = None,
) -> SocialValueModel:
    """Change the parameters of a version no snapshot has used yet."""
    with transaction.atomic():
        model = SocialValueModel.objects.select_for_update().get(pk=model.pk)
        social_value_model_check_editable(model=model)
        for field, value in data.items():
            setattr(model, field, value)
        full_clean_or_raise(model, ReportsError)
        model.save()
        if streams is not None:
            model.investment_streams.set(streams)
    return model


def social_value_model_make_current(*, model: SocialValueModel) -> SocialValueModel:
    """Make ``model`` the version the next builds use."""
    with transaction.atomic():
        SocialValueModel.objects.filter(is_current=True).exclude(pk=model.pk).update(
            is_current=False
        )
        SocialValueModel.objects.filter(pk=model.pk).update(is_current=True)
    model.refresh_from_db()
    return model


def report_narratives_save(*, year: int, texts: dict[str, str], user: User) -> int:
    """Keep the manager's words for each section of ``year``'s report (an empty text removes
    that section's); return how many sections have words."""
    with transaction.atomic():
        for section, text in texts.items():
            text = text.strip()
            if not text:
                ReportNarrative.objects.filter(year=year, section=section).delete()
                continue
            narrative = ReportNarrative.objects.filter(year=year, section=section).first()
            if narrative is None:
                narrative = ReportNarrative(year=year, section=section)
            elif narrative.text == text:
                continue
            narrative.text, narrative.updated_by = text, user
            full_clean_or_raise(narrative, ReportsError, validate_unique=False)
            narrative.save()
    return ReportNarrative.objects.filter(year=year).count()


def report_logo_set(*, image: bytes, content_type: str, user: User) -> ReportLogo:
    """The partnership's logo, replacing any before."""
    with transaction.atomic():
        ReportLogo.objects.all().delete()
        return ReportLogo.objects.create(image=image, content_type=content_type, uploaded_by=user)


def report_logo_remove() -> None:
    ReportLogo.objects.all().delete()
