from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from activeportal.outbox.services import outbox_backlog

from .models import WorkerHeartbeat
from .services import (
    BEAT,
    broker_state,
    database_state,
    health_checks_run,
    redis_eviction_policy,
)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The database, the broker and the follow-on work as JSON: 200 when work can flow, 503
    with the reasons otherwise; warnings do not change the status."""
    database = database_state()
    broker = broker_state(settings.CELERY_BROKER_URL)
    body: dict = {"database": database, "broker": broker}
    reasons, warnings = [], []
    if database != "ok":
        reasons.append("the database cannot be reached")
    if broker not in ("ok", "in-process"):
        reasons.append("the broker cannot be reached: follow-on work waits in the outbox")
    if database == "ok":
        now = timezone.now()
        beats = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
        worker = beats.exclude(hostname=BEAT).first()
        beat = beats.filter(hostname=BEAT).first()
        body["worker_last_seen"] = worker.isoformat() if worker else None
        body["beat_last_seen"] = beat.isoformat() if beat else None
        if broker != "in-process":
            if worker is None or (now - worker).total_seconds() > settings.WORKER_STALE_SECONDS:
                reasons.append("no worker has written its heartbeat lately: work is not taken")
            if beat is None or (now - beat).total_seconds() > settings.BEAT_STALE_SECONDS:
                warnings.append(
                    "Celery beat has not run lately: waiting work is not resent, nightly jobs "
                    "do not run"
                )
        more_reasons, more_warnings = health_checks_run()
        reasons += more_reasons
        warnings += more_warnings
        backlog = outbox_backlog()
        body["outbox"] = backlog
        oldest = backlog["oldest_seconds"]
        if oldest is not None and oldest > settings.OUTBOX_STALE_SECONDS:
            reasons.append(f"follow-on work has waited {oldest} s: no worker or relay is taking it")
        if backlog["failed"]:
            warnings.append(
                f"{backlog['failed']} follow-on task(s) failed: an admin may retry them"
            )
    if broker == "ok":
        policy = redis_eviction_policy(settings.CELERY_BROKER_URL)
        body["redis_maxmemory_policy"] = policy
        if policy != "noeviction":
            warnings.append(
                f"Redis' maxmemory-policy is {policy}, not noeviction: it may drop tasks"
            )
    body["status"] = "unavailable" if reasons else "ok"
    body["reasons"], body["warnings"] = reasons, warnings
    return JsonResponse(body, status=503 if reasons else 200)


@never_cache
@require_GET
def bench_ping(request: HttpRequest) -> HttpResponse:
    """A bare response for load tests (no database, no template): the framework's floor.

    Answers only when the BENCHMARK_VIEWS setting is on; otherwise it does not exist (404).
    """
    if not settings.BENCHMARK_VIEWS:
        raise Http404("No such page.")
    return HttpResponse(b"pong", content_type="text/plain")
