"""Snapshot builds on a real Celery worker, with Redis and PostgreSQL; and a worker killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from activeportal.outbox.models import OutboxMessage
from reports import services, tasks
from reports.models import ImpactSnapshot, SnapshotBuild, SnapshotBuildJob
from tests.factories import FollowUpFactory, ReferralFactory, at

from .conftest import BASE_DIR, _test_database_url


def _some_referrals():
    for i in range(20):
        referral = ReferralFactory(statistical=True, imd_decile=1 + i % 10)
        if i % 2:
            FollowUpFactory(referral=referral, completed=True, minutes=200)
    return services.social_value_model_create_default()


def test_a_real_worker_builds_a_snapshot(celery_worker_process):
    model = _some_referrals()
    result = tasks.build_snapshot.delay(2024, None, model.pk)
    snapshot_id = result.get(timeout=60)
    snapshot = ImpactSnapshot.objects.get(pk=snapshot_id)
    assert snapshot.figures["referrals"] == 20
    assert snapshot.figures["transitions"]["people"] == 10


def test_a_real_worker_rebuilds_every_snapshot_through_the_chord(celery_worker_process):
    _some_referrals()
    ReferralFactory(statistical=True, submitted_at=at(2023, 6, 1))
    build = services.rebuild_start(reason="manual")  # through the outbox, on commit

    def finished():
        build.refresh_from_db()
        return build.state == SnapshotBuild.State.DONE

    _wait_for(finished, 60, "the chord's last task to write the snapshots")
    partnership = ImpactSnapshot.objects.get(year=2024, district=None)
    assert partnership.figures["referrals"] == 20
    assert partnership.figures["to_date"]["referrals"] == 21
    assert not build.jobs.filter(done=False).exists()
    assert set(build.jobs.values_list("year", flat=True)) == {2023, 2024}
    assert OutboxMessage.objects.get(key=f"reports.rebuild:{build.pk}").state == "done"


def _start_worker(name: str, **extra_env: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CONN_MAX_AGE": "0",
        **extra_env,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "activeportal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            f"--hostname={name}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}")


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_build_leaves_no_half_snapshot_and_the_build_completes_later():
    from activeportal.celery import app

    model = _some_referrals()
    build = SnapshotBuild.objects.create(reason="manual", model=model, total=1)
    job = SnapshotBuildJob.objects.create(build=build, year=2024)
    app.control.purge()
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    name = f"killed-{os.getpid()}@localhost"
    # The first worker pauses inside the write transaction, long enough to be killed there.
    first = _start_worker(name, REPORTS_BUILD_PAUSE_MS="30000", CELERY_VISIBILITY_TIMEOUT="3")
    second = None
    try:
        _wait_for(lambda: app.control.ping(destination=[name], timeout=1.0), 60, "a worker")
        tasks.build_snapshot.delay(2024, None, model.pk, job.pk)

        def writing():
            # The worker's snapshot is written but not committed: its session waits in a
            # transaction (solo pool workers cannot answer `inspect` while busy).
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
                )
                return cursor.fetchone()[0] > 0

        _wait_for(writing, 60, "the worker to be inside its write transaction")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

        assert not ImpactSnapshot.objects.exists(), "a killed build left a snapshot behind"
        job.refresh_from_db()
        assert not job.done

        time.sleep(4)  # past the visibility timeout: the unacknowledged task is handed out again
        second = _start_worker(f"second-{os.getpid()}@localhost", CELERY_VISIBILITY_TIMEOUT="3")

        def finished():
            job.refresh_from_db()
            return job.done

        _wait_for(finished, 90, "the build to complete on the second worker")
        snapshot = ImpactSnapshot.objects.get()
        assert snapshot.figures["referrals"] == 20
        build.refresh_from_db()
        assert build.state == SnapshotBuild.State.DONE
    finally:
        app.conf.task_always_eager = previous
        _stop(first)
        if second is not None:
            _stop(second)
