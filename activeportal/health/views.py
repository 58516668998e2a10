from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from activeportal.outbox.services import outbox_backlog

from .models import WorkerHeartbeat
from .services import broker_state, database_state, redis_eviction_policy


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
        last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)[:1]
        body["worker_last_seen"] = last[0].isoformat() if last else None
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
