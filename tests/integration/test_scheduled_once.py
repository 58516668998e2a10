"""Two schedulers send each nightly job twice; it runs once: two real workers on a Redis of the
test's own each take one of the two messages at the same moment."""

from __future__ import annotations

import pytest
from celery import Celery

from activeportal.outbox.models import JobRun
from reports import services
from reports.models import SnapshotBuild

from .conftest import _test_database_url
from .servers import OwnRedis, production_env, start_celery, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_nightly_job_sent_by_two_beats_runs_once(tmp_path, monkeypatch):
    services.social_value_model_create_default()
    redis = OwnRedis(tmp_path)
    redis.start()
    env = production_env(database_url=_test_database_url(), broker_url=redis.url)
    workers = [start_celery(env, name=f"nightly-{n}") for n in (1, 2)]
    try:
        monkeypatch.delenv("CELERY_BROKER_URL")  # Celery prefers it to the app's own broker
        beat = Celery("two-beats", broker=redis.url, set_as_current=False)
        for _ in range(2):  # what two beat processes send at 02:30
            beat.send_task("reports.nightly_rebuild", ignore_result=True)
            beat.send_task("referrals.retention", ignore_result=True)

        def both_ran() -> bool:
            output = "".join(w.output for w in workers)
            return (
                output.count("reports.nightly_rebuild[") >= 4  # received and finished, twice
                and output.count("referrals.retention[") >= 4
            )

        wait_for(both_ran, 60, "both workers to take the jobs")
        wait_for(
            lambda: SnapshotBuild.objects.filter(state=SnapshotBuild.State.DONE).exists(),
            60,
            "the nightly rebuild to finish",
        )
    finally:
        for worker in workers:
            worker.stop()
        redis.stop()
    assert SnapshotBuild.objects.filter(reason="nightly").count() == 1
    assert sorted(JobRun.objects.values_list("job", flat=True)) == [
        "referrals.retention",
        "reports.nightly_rebuild",
    ]
