"""Rebuilds that cannot stick: one at a time, and one that outlives its limit is marked failed
with a reason the manager reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from activeportal.outbox.models import OutboxMessage
from reports import services
from reports.models import SnapshotBuild
from tests.pages import form_of


@pytest.fixture
def model(db):
    return services.social_value_model_create_default()


def _queued(minutes_ago: int) -> SnapshotBuild:
    build = SnapshotBuild.objects.create(reason="manual", state=SnapshotBuild.State.QUEUED)
    SnapshotBuild.objects.filter(pk=build.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    build.refresh_from_db()
    return build


@pytest.mark.django_db
def test_asking_again_while_a_rebuild_is_queued_does_not_start_a_second(model, manager):
    first = _queued(minutes_ago=1)
    assert services.rebuild_start(user=manager) == first
    assert SnapshotBuild.objects.count() == 1
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_rebuild_past_its_limit_is_marked_failed_and_the_next_starts_afresh(
    model, manager, settings
):
    settings.REPORTS_BUILD_TIME_LIMIT_SECONDS = 900
    stuck, recent = _queued(minutes_ago=16), _queued(minutes_ago=2)
    assert services.builds_reap() == 1
    stuck.refresh_from_db()
    assert stuck.state == SnapshotBuild.State.FAILED
    assert stuck.error == (
        "it did not finish within 15 minutes (a worker may have stopped, or the broker been away)"
    )
    recent.refresh_from_db()
    assert recent.state == SnapshotBuild.State.QUEUED

    SnapshotBuild.objects.filter(pk=recent.pk).delete()
    assert services.rebuild_start(user=manager).pk not in (stuck.pk, recent.pk)


@pytest.mark.django_db
def test_the_manager_reads_why_the_last_rebuild_failed_and_can_start_another(
    client, manager, model, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_BUILD_TIME_LIMIT_SECONDS = 900
    _queued(minutes_ago=20)
    services.builds_reap()
    client.force_login(manager)
    page = client.get("/reports/")
    text = page.content.decode()
    assert "The rebuild failed: it did not finish within 15 minutes" in text
    assert "The figures shown are from the last good build" in text

    form = form_of(page, button="Rebuild now")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form.action, form.data(), follow=True)
    assert "The figures are being rebuilt." in response.content.decode()
    assert SnapshotBuild.objects.filter(state=SnapshotBuild.State.DONE).count() == 1


@pytest.mark.django_db
def test_a_queued_rebuild_says_it_waits_for_a_worker(client, manager, model):
    _queued(minutes_ago=0)
    client.force_login(manager)
    assert (
        "Rebuild queued: waiting for a worker to start it."
        in client.get("/reports/").content.decode()
    )
