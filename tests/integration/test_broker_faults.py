"""With the broker down, nobody waits and nothing is lost: the portal under gunicorn with
production settings, a Redis of the test's own that the test stops, then a worker with beat.

What a person sees: every page answers at once and every change is saved. What happens to the
work: each follow-on task waits in the outbox and, once Redis is back, the relay sends it and a
worker runs it, once.
"""

from __future__ import annotations

import concurrent.futures
import time

import pytest
import requests

from activeportal.accounts import roles
from activeportal.outbox.models import OutboxMessage
from referrals.models import PostcodeLookup, Referral, ReferrerNotificationSetting, Status
from reports.models import SnapshotBuild
from tests.factories import PASSWORD, ReferralFactory, UserFactory, referral_form_answers

from .conftest import _test_database_url
from .servers import (
    OwnRedis,
    page_form,
    production_env,
    signed_in,
    start_celery,
    start_gunicorn,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop() if server.answers() else None


@pytest.fixture
def env(redis):
    return production_env(
        database_url=_test_database_url(),
        broker_url=redis.url,
        OUTBOX_RELAY_SECONDS="1",
        OUTBOX_BROKER_BACKOFF_SECONDS="30",
    )


@pytest.fixture
def portal(env):
    server, url = start_gunicorn(env, workers=2)
    yield url
    server.stop()


@pytest.fixture
def people(norwich, practice_a):
    practice_user = UserFactory(
        email="gp@example.org", roles=[roles.REFERRER], organisation=practice_a
    )
    ReferrerNotificationSetting.objects.create(user=practice_user, email_on_update=True)
    PostcodeLookup.objects.create(
        postcode="NR1 3AB", lsoa_code="E01026777", imd_decile=2, district_ons_code="E07000148"
    )
    hub = UserFactory(email="hub@example.org", roles=[roles.HUB])
    manager = UserFactory(email="manager@example.org", roles=[roles.MANAGER])
    referrals = [
        ReferralFactory(
            status=Status.SUBMITTED,
            referrer=practice_user,
            organisation=practice_user.organisation,
            district=norwich,
        )
        for _ in range(4)
    ]
    return {"referrer": practice_user, "hub": hub, "manager": manager, "referrals": referrals}


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_with_redis_down_nobody_waits_and_every_notice_is_sent_when_it_is_back(
    redis, env, portal, people
):
    hub = signed_in(portal, "hub@example.org", PASSWORD)
    referrer = signed_in(portal, "gp@example.org", PASSWORD)
    closes = []
    for referral in people["referrals"]:
        url = f"{portal}/referrals/hub/{referral.pk}/close/withdrawn/"
        action, data = page_form(hub, url, button="Close as withdrawn")
        closes.append((action, {**data, "note": "Moved away."}))
    new_action, new_data = page_form(referrer, f"{portal}/referrals/new/", button="Submit referral")
    answers = {k: ("on" if v is True else v) for k, v in referral_form_answers().items()}

    redis.stop()
    with concurrent.futures.ThreadPoolExecutor(max_workers=5) as pool:
        futures = [
            pool.submit(_timed, lambda a=a, d=d: hub.post(a, data=d, timeout=30)) for a, d in closes
        ]
        futures.append(
            pool.submit(
                _timed,
                lambda: referrer.post(new_action, data={**new_data, **answers}, timeout=30),
            )
        )
        answered = [f.result() for f in futures]

    for response, seconds in answered:
        assert response.status_code == 200, response.text[:500]  # after the redirect
        assert seconds < 2, f"{response.url} took {seconds:.1f} s with the broker down"
    for referral in people["referrals"]:
        referral.refresh_from_db()
        assert referral.status == Status.WITHDRAWN
    assert Referral.objects.filter(nhs_number="9434765919").count() == 1
    waiting = OutboxMessage.objects.filter(task="referrals.notify_referrer")
    assert waiting.count() == 4
    assert set(waiting.values_list("state", flat=True)) == {OutboxMessage.State.PENDING}

    # Redis is back; a worker with beat comes up: the relay sends each notice, it runs once.
    redis.start()
    worker = start_celery(env, name="fault-relay", beat=True)
    try:
        wait_for(
            lambda: not waiting.exclude(state=OutboxMessage.State.DONE).exists(),
            60,
            f"the notices to be sent:\n{worker.output[-3000:]}",
        )
        for referral in people["referrals"]:
            assert worker.output.count(f"Subject: Referral {referral.reference}: Withdrawn") == 1
    finally:
        worker.stop()


def test_rebuild_now_with_redis_down_is_kept_and_runs_when_it_is_back(redis, env, portal, people):
    from reports import services

    services.social_value_model_create_default()
    manager = signed_in(portal, "manager@example.org", PASSWORD)
    action, data = page_form(manager, f"{portal}/reports/", button="Rebuild now")

    redis.stop()
    response, seconds = _timed(lambda: manager.post(action, data=data, timeout=30))
    assert response.status_code == 200 and seconds < 2, (response.status_code, seconds)
    build = SnapshotBuild.objects.get()
    assert build.state == SnapshotBuild.State.QUEUED
    assert OutboxMessage.objects.get(key=f"reports.rebuild:{build.pk}").state == "pending"

    redis.start()
    worker = start_celery(env, name="fault-rebuild", beat=True)
    try:

        def finished():
            build.refresh_from_db()
            return build.state == SnapshotBuild.State.DONE

        wait_for(finished, 90, f"the rebuild to finish:\n{worker.output[-3000:]}")
    finally:
        worker.stop()
    assert OutboxMessage.objects.get(key=f"reports.rebuild:{build.pk}").state == "done"


def test_the_broker_refusing_at_once_is_not_waited_on_again_and_again(redis, env, portal, people):
    """Once a web process has found the broker away, it does not try again for a while."""
    hub = signed_in(portal, "hub@example.org", PASSWORD)
    redis.stop()
    times = []
    for referral in people["referrals"]:
        url = f"{portal}/referrals/hub/{referral.pk}/close/withdrawn/"
        action, data = page_form(hub, url, button="Close as withdrawn")
        data["note"] = "x"
        started = time.monotonic()
        response = hub.post(action, data=data, timeout=30)
        seconds = time.monotonic() - started
        assert response.status_code == 200
        times.append(seconds)
    assert max(times) < 2, times
    assert requests.get(f"{portal}/healthz", timeout=5).status_code == 503


@pytest.mark.parametrize("policy", ["noeviction", "allkeys-lru"])
def test_healthz_warns_of_a_redis_that_may_drop_tasks(tmp_path, client, settings, policy):
    from django.utils import timezone

    from activeportal.health.models import WorkerHeartbeat
    from activeportal.health.services import BEAT

    for hostname in ("worker-1@localhost", BEAT):  # a live worker and beat
        WorkerHeartbeat.objects.create(hostname=hostname, seen_at=timezone.now())
    redis = OwnRedis(tmp_path, maxmemory_policy=policy)
    redis.start()
    try:
        settings.CELERY_BROKER_URL = redis.url
        response = client.get("/healthz")
    finally:
        redis.stop()
    body = response.json()
    assert response.status_code == 200 and body["redis_maxmemory_policy"] == policy
    warned = [w for w in body["warnings"] if "maxmemory-policy" in w]
    assert warned == (
        []
        if policy == "noeviction"
        else ["Redis' maxmemory-policy is allkeys-lru, not noeviction: it may drop tasks"]
    )


def test_a_worker_on_a_redis_that_may_drop_tasks_says_so_as_it_starts(tmp_path):
    redis = OwnRedis(tmp_path, maxmemory_policy="allkeys-lru")
    redis.start()
    env = production_env(database_url=_test_database_url(), broker_url=redis.url)
    worker = start_celery(env, name="evicting")
    try:
        wait_for(lambda: "maxmemory-policy" in worker.output, 20, "the warning")
    finally:
        worker.stop()
        redis.stop()
    assert "Redis' maxmemory-policy is allkeys-lru, not noeviction" in worker.output
