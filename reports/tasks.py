"""Celery entry points for the impact statistics. Each takes ids and calls one service.

Every task is safe to run twice (``acks_late``: a task whose worker died is run again): a
rebuild writes every snapshot and its progress in one transaction, snapshots are upserted and
marking a job done is idempotent.
"""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db import InterfaceError, OperationalError

from . import services

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
            services.build_job_failed(job_id=job_id, error=f"{type(exc).__name__}: {exc}")


class RebuildTask(DjangoTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        build_id = kwargs.get("build_id") if kwargs else None
        if build_id is None and args:
            build_id = args[0]
        if build_id is not None:
            services.build_failed(build_id=build_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(name="reports.build_snapshot", base=BuildTask, **RETRY)
def build_snapshot(
    year: int, district_id: int | None, model_id: int, job_id: int | None = None
) -> int:
    """Build one snapshot (year, scope, model version); mark its job of a rebuild done."""
    snapshot = services.snapshot_build(year=year, district_id=district_id, model_id=model_id)
    if job_id is not None:
        services.build_job_done(job_id=job_id)
    return snapshot.pk


@shared_task(name="reports.rebuild_all", base=RebuildTask, **RETRY)
def rebuild_all(build_id: int) -> int:
    """Rebuild every year and scope from one read of the data; returns how many snapshots."""
    return services.build_run(build_id=build_id)


@shared_task(name="reports.nightly_rebuild", **RETRY)
def nightly_rebuild() -> int:
    """Celery beat, every night: rebuild every snapshot with the current model."""
    return services.rebuild_start(reason="nightly").pk


def statistics_rebuild_after_import():
    """Queue a rebuild of the statistics once the caller's transaction commits.

    For importers (referral history, allocations): call it inside the import's transaction; if
    the import rolls back, no rebuild is recorded or queued.
    """
    return services.rebuild_start(reason="import")
