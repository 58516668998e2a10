"""The outbox's tasks, and ``outbox_task``: a task whose runs come from outbox messages."""

from __future__ import annotations

from collections.abc import Callable

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from . import services

# Worth trying again, later: the database or the broker away for a moment, mail refused.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError, OSError)
RETRIES = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 6,
}


class OutboxTask(DjangoTask):
    """Records each failed attempt on the task's outbox message, and its giving up."""

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        if key := (kwargs or {}).get("outbox_key"):
            services.outbox_attempt_failed(key, exc, final=False)
        super().on_retry(exc, task_id, args, kwargs, einfo)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if key := (kwargs or {}).get("outbox_key"):
            services.outbox_attempt_failed(key, exc, final=True)
        super().on_failure(exc, task_id, args, kwargs, einfo)


def outbox_task(*, name: str, base: type[OutboxTask] = OutboxTask, **options) -> Callable:
    """A Celery task that runs once per outbox message (``outbox_key``), retried with backoff
    on transient errors, its result ignored. Called without a key it simply runs."""

    def decorator(fn: Callable) -> object:
        def run(*args, outbox_key: str | None = None, **kwargs):
            return services.outbox_run(outbox_key, lambda: fn(*args, **kwargs))

        run.__name__, run.__qualname__ = fn.__name__, fn.__qualname__
        run.__module__, run.__doc__ = fn.__module__, fn.__doc__
        return shared_task(name=name, base=base, ignore_result=True, **{**RETRIES, **options})(run)

    return decorator


@shared_task(name="outbox.relay", ignore_result=True)
def relay() -> int:
    """Celery beat, every few seconds: send the messages that are waiting (the broker was away
    when they were written) or were sent long ago and never ran (the broker lost them)."""
    return services.outbox_publish()


@shared_task(name="outbox.purge", ignore_result=True)
def purge() -> int:
    """Nightly: delete the messages done a while ago, and old scheduled runs."""
    return services.outbox_purge()
