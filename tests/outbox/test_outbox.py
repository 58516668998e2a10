"""The outbox: follow-on work is kept with the change, runs once, and a failure is kept too.

These run without a broker (tasks in-process); tests/integration/test_broker_faults.py stops a
real Redis under a real gunicorn and worker.
"""

from __future__ import annotations

import datetime as dt
from smtplib import SMTPServerDisconnected

import pytest
import time_machine
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from activeportal.outbox import services as outbox
from activeportal.outbox.models import JobRun, OutboxMessage
from referrals import tasks
from referrals.hub import services as workflow
from referrals.models import ReferrerNotificationSetting, Status
from tests.factories import ReferralFactory
from tests.pages import form_of

S = OutboxMessage.State


class RefusingBackend(EmailBackend):
    """The mail server hangs up (e-mail delivery is a true outside service)."""

    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def referral(referrer_a):
    ReferrerNotificationSetting.objects.create(user=referrer_a, email_on_update=True)
    return ReferralFactory(
        status=Status.SUBMITTED, referrer=referrer_a, organisation=referrer_a.organisation
    )


def _close(hub_user, referral, capture):
    with capture(execute=True):
        workflow.referral_move(
            referral=referral,
            to_status=Status.WITHDRAWN,
            user=hub_user,
            note="Moved away.",
            expected_version=referral.version,
        )


@pytest.mark.django_db
def test_a_close_keeps_the_referrers_notice_with_it_and_sends_it_once(
    hub_user, referral, mailoutbox, django_capture_on_commit_callbacks
):
    _close(hub_user, referral, django_capture_on_commit_callbacks)
    message = OutboxMessage.objects.get()
    assert message.task == "referrals.notify_referrer"
    assert message.kwargs == {"referral_id": referral.pk, "status": Status.WITHDRAWN}
    assert message.state == S.DONE and message.attempts == 1
    assert [m.subject for m in mailoutbox] == [f"Referral {referral.reference}: Withdrawn"]

    # Sent again (a relay that resent it, a broker that delivered it twice): it runs once.
    tasks.referral_notify_referrer.apply(kwargs={**message.kwargs, "outbox_key": message.key})
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_move_that_rolls_back_leaves_no_work(hub_user, referral):
    workflow.referral_move(
        referral=referral, to_status=Status.WITHDRAWN, user=hub_user, note="x", expected_version=1
    )
    # Inside the test's transaction: the row is there, but nothing commits, so nothing runs.
    assert OutboxMessage.objects.get().state == S.PENDING


@pytest.mark.django_db
def test_a_notice_the_mail_server_refuses_is_kept_failed_and_an_admin_sends_it_again(
    hub_user, referral, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    _close(hub_user, referral, django_capture_on_commit_callbacks)
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN  # the change is saved all the same
    message = OutboxMessage.objects.get()
    assert message.state == S.FAILED
    assert message.error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert message.attempts == 1  # in-process, without a broker: tried once, not retried

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        outbox.outbox_retry(message=message)
    message.refresh_from_db()
    assert message.state == S.DONE
    assert [m.subject for m in mailoutbox] == [f"Referral {referral.reference}: Withdrawn"]


@pytest.mark.django_db
def test_a_hub_close_through_its_page_answers_even_when_the_notice_fails(
    client, hub_user, referral, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    client.force_login(hub_user)
    url = f"/referrals/hub/{referral.pk}/close/withdrawn/"
    form = form_of(client.get(url), button="Close as withdrawn")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form.data(note="Moved away."), follow=True)
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN
    assert OutboxMessage.objects.get().state == S.FAILED


@pytest.mark.django_db
def test_the_relay_sends_what_waits_and_what_was_lost_not_what_is_on_its_way(referral):
    def message(key, state, published_ago=None):
        return OutboxMessage.objects.create(
            key=key,
            task="referrals.notify_referrer",
            kwargs={"referral_id": referral.pk, "status": Status.WITHDRAWN},
            state=state,
            published_at=timezone.now() - published_ago if published_ago else None,
        )

    waiting = message("waiting", S.PENDING)
    lost = message("lost", S.PUBLISHED, published_ago=dt.timedelta(hours=1))
    on_its_way = message("on-its-way", S.PUBLISHED, published_ago=dt.timedelta(seconds=5))
    done = message("done", S.DONE)
    failed = message("failed", S.FAILED)

    assert outbox.outbox_publish() == 2  # run here and now: there is no broker
    states = dict(OutboxMessage.objects.values_list("key", "state"))
    assert states == {
        waiting.key: S.DONE,
        lost.key: S.DONE,
        on_its_way.key: S.PUBLISHED,
        done.key: S.DONE,
        failed.key: S.FAILED,
    }
    assert outbox.outbox_backlog() == {"waiting": 1, "failed": 1, "oldest_seconds": 0}


@pytest.mark.django_db
def test_the_same_work_asked_for_twice_is_kept_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = outbox.outbox_add(task="outbox.purge", key="purge:today")
        second = outbox.outbox_add(task="outbox.purge", key="purge:today")
    assert first.pk == second.pk
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_done_work_is_purged_after_the_days_it_is_kept(settings):
    settings.OUTBOX_KEEP_DAYS = 30
    old = OutboxMessage.objects.create(
        key="old", task="outbox.purge", state=S.DONE, done_at=timezone.now() - dt.timedelta(31)
    )
    recent = OutboxMessage.objects.create(
        key="recent", task="outbox.purge", state=S.DONE, done_at=timezone.now()
    )
    failed = OutboxMessage.objects.create(key="failed", task="outbox.purge", state=S.FAILED)
    assert outbox.outbox_purge() == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, failed.pk}
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db(transaction=True)
@time_machine.travel(dt.datetime(2025, 3, 10, 2, 30, tzinfo=dt.UTC), tick=False)
def test_a_scheduled_job_runs_once_a_slot_and_a_failed_run_leaves_the_slot_free():
    runs = []
    assert outbox.once_per_slot("nightly", lambda: runs.append(1) or "ran") == "ran"
    assert outbox.once_per_slot("nightly", lambda: runs.append(2)) is None  # a second beat
    assert runs == [1]
    assert JobRun.objects.get().slot == "2025-03-10"

    def fails():
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        outbox.once_per_slot("retention", fails)
    assert outbox.once_per_slot("retention", lambda: "retried") == "retried"


@pytest.mark.django_db
def test_an_admin_finds_the_failed_tasks_and_sends_them_again(
    client, admin_user, referral, mailoutbox, django_capture_on_commit_callbacks
):
    failed = OutboxMessage.objects.create(
        key="referrals.notify_referrer:1",
        task="referrals.notify_referrer",
        kwargs={"referral_id": referral.pk, "status": Status.WITHDRAWN},
        state=S.FAILED,
        error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    client.force_login(admin_user)
    page = client.get("/admin/outbox/outboxmessage/?state__exact=failed")
    text = page.content.decode()
    assert "referrals.notify_referrer:1" in text and "Failed" in text
    form = form_of(page, button="Go")
    data = form.data(action="retry", _selected_action=[str(failed.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form.action, data, follow=True)
    assert "1 failed task(s) sent again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.state == S.DONE
    assert [m.subject for m in mailoutbox] == [f"Referral {referral.reference}: Withdrawn"]
