from __future__ import annotations

import json

import pytest

from activeportal.health.models import WorkerHeartbeat
from activeportal.health.services import BEAT
from activeportal.health.tasks import heartbeat


@pytest.fixture
def worker_alive(db):
    from django.utils import timezone

    WorkerHeartbeat.objects.create(hostname="worker-1@host", seen_at=timezone.now())
    WorkerHeartbeat.objects.create(hostname=BEAT, seen_at=timezone.now())


@pytest.mark.django_db
def test_healthz_is_200_when_database_and_broker_are_fine(client, settings, worker_alive):
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["database"] == "ok"
    expected = "ok" if settings.CELERY_BROKER_URL else "in-process"
    assert body["broker"] == expected
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_with_a_clear_state_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["database"] == "ok"
    assert body["broker"].startswith("error:")
    assert body["status"] == "unavailable"


@pytest.mark.django_db
def test_beats_heartbeat_is_recorded_in_place_and_healthz_shows_it(client):
    heartbeat.delay()
    heartbeat.delay()
    assert list(WorkerHeartbeat.objects.values_list("hostname", flat=True)) == [BEAT]
    body = json.loads(client.get("/healthz").content)
    assert body["beat_last_seen"] is not None
    assert body["worker_last_seen"] is None  # workers write their own


@pytest.mark.django_db
def test_with_a_broker_healthz_is_503_without_a_live_worker_and_warns_without_beat(
    client, settings
):
    import datetime as dt

    from django.utils import timezone

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    settings.WORKER_STALE_SECONDS, settings.BEAT_STALE_SECONDS = 120, 180
    old = timezone.now() - dt.timedelta(minutes=5)
    WorkerHeartbeat.objects.create(hostname="worker-1@host", seen_at=old)
    WorkerHeartbeat.objects.create(hostname=BEAT, seen_at=old)
    response = client.get("/healthz")
    body = response.json()
    if body["broker"] != "ok":
        pytest.skip("needs the machine's Redis")  # runs in CI, where Redis is there
    assert response.status_code == 503
    assert "no worker has written its heartbeat lately: work is not taken" in body["reasons"]
    assert any(w.startswith("Celery beat has not run lately") for w in body["warnings"])

    WorkerHeartbeat.objects.update(seen_at=timezone.now())
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["reasons"] == []


@pytest.mark.django_db
def test_healthz_is_503_for_a_rebuild_stuck_past_its_limit(client, settings, worker_alive):
    import datetime as dt

    from django.utils import timezone

    from reports.models import SnapshotBuild

    settings.REPORTS_BUILD_TIME_LIMIT_SECONDS = 900
    build = SnapshotBuild.objects.create(state=SnapshotBuild.State.RUNNING)
    SnapshotBuild.objects.filter(pk=build.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=20)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["reasons"] == [
        "1 rebuild(s) are stuck past their time limit: is beat running?"
    ]


@pytest.mark.django_db
def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_reports_the_outbox_and_is_503_when_work_has_waited_too_long(
    client, settings, worker_alive
):
    from datetime import timedelta

    from django.utils import timezone

    from activeportal.outbox.models import OutboxMessage

    settings.OUTBOX_STALE_SECONDS = 300
    OutboxMessage.objects.create(
        key="waiting", task="outbox.purge", created_at=timezone.now() - timedelta(seconds=30)
    )
    body = json.loads(client.get("/healthz").content)
    assert body["outbox"] == {"waiting": 1, "failed": 0, "oldest_seconds": 30}
    assert body["status"] == "ok"

    OutboxMessage.objects.create(
        key="stuck", task="outbox.purge", created_at=timezone.now() - timedelta(minutes=10)
    )
    OutboxMessage.objects.create(key="failed", task="outbox.purge", state="failed")
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["reasons"] == ["follow-on work has waited 600 s: no worker or relay is taking it"]
    assert body["warnings"][0] == "1 follow-on task(s) failed: an admin may retry them"
