"""Celery entry points for the impact statistics. Each takes ids and calls one service.

A rebuild of every year and scope is a chord: one task per financial year reads that year's
referrals (several workers read years in parallel) and returns what they add to the figures;
the chord's last task adds them up and writes every snapshot. Every task is safe to run twice
(``acks_late``: a task whose worker died is run again): reading writes nothing but progress,
and the last task writes every snapshot and the build's state in one transaction.

Between rebuilds, ``refresh_figures`` follows the changes: it rebuilds only the financial years
that changes have marked, and the programme-to-date figures that follow from them.
"""

from __future__ import annotations

import math

from celery import chord, shared_task
from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError

from activeportal.outbox.services import once_per_slot
from activeportal.outbox.tasks import OutboxTask, outbox_task

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY = {
    "acks_late": True,
    "autoretry_for": DATABASE_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 6,
}


class BuildTask(DjangoTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        job_id = kwargs.get("job_id") if kwargs else None
        if job_id is None and len(args) > 3:
            job_id = args[3]
        if job_id is not None:
            from reports import services

            services.build_job_failed(job_id=job_id, error=f"{type(exc).__name__}: {exc}")


class RebuildTask(DjangoTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        build_id = kwargs.get("build_id") if kwargs else None
        if build_id is None and args:
            build_id = args[0]
        if build_id is not None:
            from reports import services

            services.build_failed(build_id=build_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(name="reports.build_snapshot", base=BuildTask, ignore_result=False, **RETRY)
def build_snapshot(
    year: int, district_id: int | None, model_id: int, job_id: int | None = None
) -> int:
    """Build one snapshot (year, scope, model version); mark its job of a rebuild done."""
    from reports import services

    snapshot = services.snapshot_build(year=year, district_id=district_id, model_id=model_id)
    if job_id is not None:
        services.build_job_done(job_id=job_id)
    return snapshot.pk


class RebuildStart(OutboxTask, RebuildTask):
    """A rebuild's first task, sent through the outbox with the build's own row."""


@outbox_task(name="reports.rebuild_all", base=RebuildStart, acks_late=True)
def rebuild_all(build_id: int) -> int:
    """Plan a rebuild of every year and scope and start its chord; returns how many years."""
    from reports import services

    counts = services.data_fingerprint()
    years = services.build_years(build_id=build_id)
    if years:
        header = [rebuild_read_year.si(build_id=build_id, year=year) for year in years]
        chord(header)(rebuild_finish.s(build_id=build_id, counts=counts))
    return len(years)


# The chord's tasks keep their results: the last one reads the others'.
@shared_task(name="reports.rebuild_read_year", base=RebuildTask, ignore_result=False, **RETRY)
def rebuild_read_year(*, build_id: int, year: int) -> dict:
    """One year of a rebuild: what its referrals add to every snapshot."""
    from reports import services

    return services.build_read_year(build_id=build_id, year=year)


@shared_task(name="reports.rebuild_finish", base=RebuildTask, ignore_result=False, **RETRY)
def rebuild_finish(fragments: list[dict], *, build_id: int, counts: dict) -> int:
    """The end of a rebuild: add up the years and write every snapshot; returns how many."""
    from reports import services

    return services.build_finish(build_id=build_id, fragments=fragments, counts=counts)


REFRESH_LATER = "reports:refresh-later"


@shared_task(name="reports.refresh_figures", **RETRY)
def refresh_figures() -> int:
    """Queued a few seconds after a change commits, and every 30 s by Celery beat as a safety
    net: rebuild the years changes have marked; returns how many refreshes it made (0: nothing
    to do, too soon after the last, or another is running).

    On a worker, refreshes are REPORTS_REFRESH_INTERVAL_SECONDS apart: one asked for sooner
    queues one for when it is due (once, however many changes ask), and so does one that leaves
    marks that came while it built. Without a broker it runs in the request that made the
    change, once, and leaves later marks to the next change or rebuild.
    """
    from reports import services

    in_request = settings.CELERY_TASK_ALWAYS_EAGER
    if not in_request:
        wait = services.figures_refresh_due_in()
        if wait > 0:
            _refresh_later(wait)
            return 0
    builds = services.figures_refresh()
    if not in_request and services.figures_marked():
        _refresh_later(settings.REPORTS_REFRESH_INTERVAL_SECONDS)
    return len(builds)


def _refresh_later(wait: float) -> None:
    seconds = max(1, math.ceil(wait))
    if cache.add(REFRESH_LATER, True, timeout=seconds):
        refresh_figures.apply_async(countdown=seconds)


@shared_task(name="reports.nightly_rebuild", **RETRY)
def nightly_rebuild() -> int:
    """Celery beat, every night: rebuild every snapshot with the current model."""
    from reports import services

    # A second beat sends it too: the first to claim tonight's slot runs it.
    return once_per_slot(
        "reports.nightly_rebuild", lambda: services.rebuild_start(reason="nightly").pk
    )


@shared_task(name="reports.builds_reap", ignore_result=True)
def builds_reap() -> int:
    """Celery beat, every minute: mark failed the rebuilds that outlived their time limit."""
    from reports import services

    return services.builds_reap()
