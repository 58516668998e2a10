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
