"""The Celery app: Redis when CELERY_BROKER_URL is set, in-process (eager) otherwise."""

from __future__ import annotations

import logging
import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "activeportal.settings")

app = Celery("activeportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Apps' parts with tasks of their own, which the layers keep out of the app's tasks module.
app.autodiscover_tasks(["referrals.history"])


@worker_ready.connect
def _warn_of_an_evicting_broker(**kwargs) -> None:
    """A Redis that evicts keys when full may drop queued tasks: say so as a worker starts."""
    from django.conf import settings

    from activeportal.health.services import redis_eviction_policy

    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        policy = redis_eviction_policy(url)
        if policy != "noeviction":
            logging.getLogger(__name__).warning(
                "Redis' maxmemory-policy is %s, not noeviction: when it is full it may drop "
                "queued tasks. Set maxmemory-policy noeviction (OPERATIONS.md).",
                policy,
            )
