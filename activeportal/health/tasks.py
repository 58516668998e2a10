from __future__ import annotations

from celery import shared_task

from .services import heartbeat_record


@shared_task(name="health.heartbeat", ignore_result=False)  # /healthz and its test read it
def heartbeat() -> str:
    """Record this worker as alive; scheduled every minute by Celery beat."""
    hostname = heartbeat.request.hostname or "in-process"
    heartbeat_record(hostname=hostname)
    return hostname
