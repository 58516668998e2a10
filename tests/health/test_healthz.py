from __future__ import annotations

import json

import pytest

from activeportal.health.models import WorkerHeartbeat
from activeportal.health.tasks import heartbeat


@pytest.mark.django_db
def test_healthz_is_200_when_database_and_broker_are_fine(client, settings):
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
def test_the_heartbeat_task_records_the_worker_and_healthz_shows_it(client):
    heartbeat.delay()
    heartbeat.delay()
    assert WorkerHeartbeat.objects.count() == 1, "one row per worker, updated in place"
    body = json.loads(client.get("/healthz").content)
    assert body["worker_last_seen"] is not None


@pytest.mark.django_db
def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_reports_the_outbox_and_is_503_when_work_has_waited_too_long(client, settings):
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
