from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.utils import timezone
from kombu import Connection

from .models import WorkerHeartbeat

# The row of Celery beat's heartbeat (beat sends health.heartbeat every minute; any worker runs
# it). Each worker writes its own row, under its hostname, from a thread of its own.
BEAT = "celery beat"

# What the apps above add to /healthz: each check returns (reasons, warnings): a reason makes
# /healthz answer 503 (work is being lost or cannot flow), a warning does not.
HealthCheck = Callable[[], tuple[list[str], list[str]]]
_checks: list[HealthCheck] = []


def health_check_register(check: HealthCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def health_checks_run() -> tuple[list[str], list[str]]:
    reasons, warnings = [], []
    for check in _checks:
        more_reasons, more_warnings = check()
        reasons += more_reasons
        warnings += more_warnings
    return reasons, warnings


def heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    """Record that the worker ``hostname`` is alive now (one row per worker, updated in place)."""
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"seen_at": timezone.now()}
    )
    return heartbeat


def database_state() -> str:
    """'ok', or a short reason the database cannot be reached."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ok"; the reason is reported
        return f"error: {type(exc).__name__}"
    return "ok"


def broker_state(broker_url: str) -> str:
    """'ok', 'in-process' when no broker is configured, or a short reason it is unreachable."""
    if not broker_url:
        return "in-process"
    try:
        with Connection(broker_url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as exc:  # kombu raises many kinds; all mean "unreachable"
        return f"error: {type(exc).__name__}"
    return "ok"


def redis_eviction_policy(url: str) -> str:
    """Redis' ``maxmemory-policy`` at ``url`` ('noeviction' is the only safe one for a broker:
    any other lets Redis drop queued tasks when it is full), or 'unknown'."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
        return str(client.config_get("maxmemory-policy").get("maxmemory-policy", "unknown"))
    except Exception:  # a managed Redis may refuse CONFIG; an absent one cannot answer
        return "unknown"
