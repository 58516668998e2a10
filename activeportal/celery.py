"""The Celery app: Redis when CELERY_BROKER_URL is set, in-process (eager) otherwise."""

from __future__ import annotations

import logging
import os
import threading
import time

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


@worker_ready.connect
def _heartbeat_of_its_own(sender=None, **kwargs) -> None:
    """Each worker records itself alive every WORKER_HEARTBEAT_SECONDS from a thread of its
    own, so /healthz knows of a live worker even while its tasks are long or beat is down."""
    from django.conf import settings

    hostname = getattr(sender, "hostname", None) or "worker"

    def beat() -> None:
        from django.db import connection

        from activeportal.health.services import heartbeat_record

        while True:
            try:
                heartbeat_record(hostname=hostname)
            except Exception:  # the database away for a moment: try at the next beat
                logging.getLogger(__name__).warning("The worker's heartbeat was not recorded")
            finally:
                connection.close()
            time.sleep(settings.WORKER_HEARTBEAT_SECONDS)

    threading.Thread(target=beat, name="heartbeat", daemon=True).start()
