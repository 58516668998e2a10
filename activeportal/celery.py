"""The Celery app: Redis when CELERY_BROKER_URL is set, in-process (eager) otherwise."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "activeportal.settings")

app = Celery("activeportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Apps' parts with tasks of their own, which the layers keep out of the app's tasks module.
app.autodiscover_tasks(["referrals.history"])
