from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import WorkerHeartbeat
from .services import broker_state, database_state


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker state as JSON: 200 when both are fine, 503 otherwise."""
    database = database_state()
    broker = broker_state(settings.CELERY_BROKER_URL)
    body = {"database": database, "broker": broker}
    if database == "ok":
        last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)[:1]
        body["worker_last_seen"] = last[0].isoformat() if last else None
    healthy = database == "ok" and broker in ("ok", "in-process")
    body["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_GET
def bench_ping(request: HttpRequest) -> HttpResponse:
    """A bare response for load tests (no database, no template): the framework's floor.

    Answers only when the BENCHMARK_VIEWS setting is on; otherwise it does not exist (404).
    """
    if not settings.BENCHMARK_VIEWS:
        raise Http404("No such page.")
    return HttpResponse(b"pong", content_type="text/plain")
