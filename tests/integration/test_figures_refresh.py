"""Fresh figures on a real Celery worker, with Redis and PostgreSQL: changes made a moment
apart are built once, a few seconds after they commit, with the years they touched."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest

from referrals.hub import services as hub
from referrals.intake.services import referral_submit
from referrals.models import Status
from reports import services
from reports.models import DirtyYear, ImpactSnapshot, SnapshotBuild
from tests.factories import FollowUpFactory, ReferralFactory, at, referral_data

from .conftest import REFRESH_INTERVAL
from .test_reports_worker import _wait_for

DELAY = 2  # seconds a change's refresh waits


@pytest.fixture
def built(celery_worker_process, settings):
    """Referrals of two years and their figures, built by a full rebuild on the worker."""
    settings.REPORTS_REFRESH_DELAY_SECONDS = DELAY
    for _ in range(3):
        ReferralFactory(statistical=True, submitted_at=at(2023, 6, 1))
    active = ReferralFactory(statistical=True, status=Status.ACTIVE)
    FollowUpFactory(referral=active)
    model = services.social_value_model_create_default()
    build = services.rebuild_start(reason="manual")

    def finished():
        build.refresh_from_db()
        return build.state == SnapshotBuild.State.DONE

    _wait_for(finished, 60, "the full rebuild")
    assert model.snapshots.filter(district=None).count() == 2
    return active


def test_two_changes_a_moment_apart_are_built_once_by_the_worker(
    built, referrer_a, practice_a, hub_user
):
    referral_submit(
        referrer=referrer_a,
        organisation=practice_a,
        data=referral_data(nhs_number=""),
        submission_token=uuid.uuid4(),
        submitted_at=at(2024, 2, 1),
    )
    hub.follow_up_record(
        follow_up=built.follow_ups.get(),
        user=hub_user,
        completed_on=dt.date(2024, 9, 1),
        minutes=200,
    )
    changed_at = time.monotonic()
    refreshes = SnapshotBuild.objects.filter(reason=services.REFRESH_REASON)
    _wait_for(refreshes.exists, 60, "the refresh of the changed years")
    assert time.monotonic() - changed_at < 60
    time.sleep(DELAY + 3)  # the second change's queued refresh has run by now, and found nothing
    assert refreshes.count() == 1
    assert refreshes.get().years == [2023, 2024]
    assert not DirtyYear.objects.exists()
    latest = ImpactSnapshot.objects.get(year=2024, district=None)
    assert latest.figures["to_date"]["referrals"] == 5
    assert latest.figures["transitions"]["matrix"]["inactive"]["active"] == 1
    assert ImpactSnapshot.objects.get(year=2023, district=None).figures["referrals"] == 4


def test_changes_that_keep_coming_are_built_an_interval_apart(built, referrer_a, practice_a):
    def submit():
        referral_submit(
            referrer=referrer_a,
            organisation=practice_a,
            data=referral_data(nhs_number=""),
            submission_token=uuid.uuid4(),
            submitted_at=at(2024, 2, 1),
        )

    refreshes = SnapshotBuild.objects.filter(reason=services.REFRESH_REASON).order_by("pk")
    submit()
    _wait_for(refreshes.exists, 60, "the first refresh")
    submit()  # too soon for another: it is queued for when it is due, and built then
    _wait_for(lambda: refreshes.count() == 2, 60, "the second refresh")
    first, second = refreshes
    gap = (second.finished_at - first.finished_at).total_seconds()
    assert gap >= REFRESH_INTERVAL
    assert not DirtyYear.objects.exists()
    assert ImpactSnapshot.objects.get(year=2023, district=None).figures["referrals"] == 5
