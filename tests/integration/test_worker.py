from __future__ import annotations

from activeportal.health.models import WorkerHeartbeat
from activeportal.health.tasks import heartbeat


def test_a_real_worker_runs_a_task_and_its_effect_is_in_the_database(celery_worker_process):
    result = heartbeat.delay()
    assert result.get(timeout=30) == celery_worker_process
    beat = WorkerHeartbeat.objects.get(hostname=celery_worker_process)
    assert beat.seen_at is not None


def test_healthz_sees_the_worker_and_the_broker(client, celery_worker_process):
    heartbeat.delay().get(timeout=30)
    body = client.get("/healthz").json()
    assert body["broker"] == "ok"
    assert body["database"] == "ok"
    assert body["worker_last_seen"] is not None
