from __future__ import annotations

from celery import shared_task

from .services import BEAT, heartbeat_record


@shared_task(name="health.heartbeat", ignore_result=False)  # its test reads the result
def heartbeat() -> str:
    """Celery beat's heartbeat, sent every minute: record that beat is running (workers record
    themselves, see activeportal/celery.py); returns the worker that ran it."""
    heartbeat_record(hostname=BEAT)
    return heartbeat.request.hostname or "in-process"
