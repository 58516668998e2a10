"""The outbox: follow-on work written with the change, published when the broker answers.

``outbox_add`` keeps a message in the caller's transaction and asks for it to be published on
commit. Publishing never holds a request long: the broker's timeouts are short (settings), a
failure is logged and noted, and for ``OUTBOX_BROKER_BACKOFF_SECONDS`` afterwards this process
does not try again (the relay publishes what is left). ``outbox_run`` runs a message's work
once, however many times it was published.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import JobRun, OutboxMessage

log = logging.getLogger(__name__)
T = TypeVar("T")
S = OutboxMessage.State

# When this process last failed to reach the broker (time.monotonic()); 0: not recently.
_broker_failed_at = 0.0


def outbox_add(*, task: str, key: str, kwargs: dict[str, Any] | None = None) -> OutboxMessage:
    """Keep ``task(**kwargs)`` as work to do once the caller's transaction commits.

    ``key`` names the work: a second message with the same key is the same work, and is not
    added again. The message is published on commit (or run in-process without a broker).
    """
    message, created = OutboxMessage.objects.get_or_create(
        key=key, defaults={"task": task, "kwargs": kwargs or {}}
    )
    if created:
        transaction.on_commit(lambda: outbox_publish(pks=[message.pk]))
    return message


def broker_recently_failed() -> bool:
    """Whether this process failed to reach the broker in the last few seconds."""
    backoff = settings.OUTBOX_BROKER_BACKOFF_SECONDS
    return _broker_failed_at > 0 and time.monotonic() - _broker_failed_at < backoff


def broker_failed(error: BaseException, what: str) -> None:
    """Note that the broker did not take ``what``; the relay will send it later."""
    global _broker_failed_at
    _broker_failed_at = time.monotonic()
    log.warning(
        "The broker did not take %s (%s: %s); it is kept and sent when the broker answers.",
        what,
        type(error).__name__,
        error,
    )


def in_process() -> bool:
    """Whether tasks run here and now (no broker), as Celery is configured at this moment."""
    from activeportal.celery import app

    return bool(app.conf.task_always_eager)


def publish_quietly(send: Callable[[], object], what: str) -> bool:
    """Call ``send`` (a publish to the broker) unless the broker failed a moment ago; on an
    error log it and return False. For work with a durable record of its own."""
    if in_process():  # no broker: the work runs here, now
        try:
            send()
        except Exception:
            # The change is saved; its work's failure is on its outbox message for an admin.
            log.exception("%s failed in-process", what)
        return True
    if broker_recently_failed():
        return False
    try:
        send()
    except Exception as error:  # any broker or transport error
        broker_failed(error, what)
        return False
    return True


def outbox_publish(*, pks: list[int] | None = None, limit: int = 200) -> int:
    """Send messages to the broker and mark them sent; return how many were sent.

    ``pks``: just these (on commit); otherwise the relay's share: every message waiting, and
    those sent longer than OUTBOX_RESEND_AFTER_SECONDS ago that never ran (the broker lost
    them). Without a broker each runs here and now. Stops at the first broker error.
    """
    from activeportal.celery import app

    due = OutboxMessage.objects.filter(state__in=[S.PENDING, S.PUBLISHED])
    if pks is not None:
        due = due.filter(pk__in=pks, state=S.PENDING)
    else:
        lost = timezone.now() - timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS)
        due = due.filter(Q(state=S.PENDING) | Q(state=S.PUBLISHED, published_at__lt=lost))
    sent = 0
    for message in due.order_by("created_at", "pk")[:limit]:
        if message.task not in app.tasks:  # a web process imports the task modules it uses
            app.loader.import_default_modules()
        task = app.tasks[message.task]
        kwargs = {**message.kwargs, "outbox_key": message.key}
        if in_process():
            # Here and now, once: a failure is left failed for an admin, not retried at once.
            send = functools.partial(
                task.apply, kwargs=kwargs, retries=task.max_retries or 0, throw=False
            )
        else:
            send = functools.partial(task.apply_async, kwargs=kwargs)
        if not publish_quietly(send, f"task {message.key}"):
            break
        OutboxMessage.objects.filter(pk=message.pk, state__in=[S.PENDING, S.PUBLISHED]).update(
            state=S.PUBLISHED, published_at=timezone.now(), times_published=F("times_published") + 1
        )
        sent += 1
    return sent


def outbox_run(key: str | None, work: Callable[[], T]) -> T | None:
    """Run ``work`` for the message ``key`` once: not again when it has run (a message sent
    twice), and marked done in the same transaction as the work's own writes.

    ``key`` None: the task was called directly, not through the outbox; ``work`` just runs.
    """
    if key is None:
        return work()
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(key=key).first()
        if message is None or message.state == S.DONE:
            return None
        result = work()
        message.state, message.done_at, message.error = S.DONE, timezone.now(), ""
        message.attempts += 1
        message.save(update_fields=["state", "done_at", "error", "attempts"])
    return result


def outbox_attempt_failed(key: str, error: BaseException, *, final: bool) -> None:
    """Record a failed attempt at ``key``; ``final``: the task gave up, an admin may retry it."""
    OutboxMessage.objects.filter(key=key).exclude(state=S.DONE).update(
        attempts=F("attempts") + 1,
        error=f"{type(error).__name__}: {error}"[:1000],
        **({"state": S.FAILED} if final else {}),
    )


def outbox_retry(*, message: OutboxMessage) -> OutboxMessage:
    """Send a failed message again (an admin's retry)."""
    OutboxMessage.objects.filter(pk=message.pk, state=S.FAILED).update(state=S.PENDING)
    transaction.on_commit(lambda: outbox_publish(pks=[message.pk]))
    message.refresh_from_db()
    return message


def outbox_purge(*, older_than: timedelta | None = None) -> int:
    """Delete messages done longer ago than OUTBOX_KEEP_DAYS; return how many."""
    older_than = older_than or timedelta(days=settings.OUTBOX_KEEP_DAYS)
    cutoff = timezone.now() - older_than
    deleted, _ = OutboxMessage.objects.filter(state=S.DONE, done_at__lt=cutoff).delete()
    JobRun.objects.filter(claimed_at__lt=cutoff).delete()
    return deleted


def outbox_backlog() -> dict[str, Any]:
    """What is waiting and failed, and how old the oldest waiting message is (seconds)."""
    waiting = OutboxMessage.objects.filter(state__in=[S.PENDING, S.PUBLISHED])
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "waiting": waiting.count(),
        "failed": OutboxMessage.objects.filter(state=S.FAILED).count(),
        "oldest_seconds": round((timezone.now() - oldest).total_seconds()) if oldest else None,
    }


def job_slot_claim(*, job: str, slot: str, hostname: str = "") -> bool:
    """Claim ``job``'s run for ``slot``; False when a scheduler already has (so this one does
    nothing)."""
    try:
        with transaction.atomic():
            JobRun.objects.create(job=job, slot=slot, hostname=hostname)
    except IntegrityError:
        log.info("Scheduled job %s for %s has already run; not running it twice.", job, slot)
        return False
    return True


def once_per_slot(job: str, work: Callable[[], T], *, slot: str | None = None) -> T | None:
    """Run a scheduled job's ``work`` unless another scheduler has run it for ``slot`` (by
    default today): the claim and the work commit together, so a run that fails leaves the
    slot free for its retry."""
    slot = slot or timezone.localdate().isoformat()
    with transaction.atomic():
        if not job_slot_claim(job=job, slot=slot):
            return None
        return work()
