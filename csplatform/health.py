"""Probes for load balancers and orchestrators: is the process up, and can it serve (database, Redis)?

Both answer without a session or a tenant, never read tenant data, and say only which dependency
failed, not why (the why is logged): the answer is public.
"""

import logging
import time

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _refuse_parameters(request) -> JsonResponse | None:
    if request.GET:
        name = next(iter(request.GET))
        error = {"code": "unknown_parameter", "detail": "Unknown query parameter.", "attr": name}
        return JsonResponse({"type": "validation_error", "errors": [error]}, status=400)
    return None


@never_cache
@require_GET
def healthz(request):
    """The process is up and answering; nothing else is checked (a restart would not fix a database)."""
    return _refuse_parameters(request) or JsonResponse({"status": "ok"})


def _database_ready() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _redis_ready() -> bool:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    finally:
        client.close()


def _checks() -> dict:
    checks = {"database": _database_ready}
    if settings.REDIS_URL:
        checks["redis"] = _redis_ready
    return checks


@never_cache
@require_GET
def readyz(request):
    """200 when every dependency answers, else 503 naming the ones that did not."""
    refused = _refuse_parameters(request)
    if refused:
        return refused
    results = {}
    for name, check in _checks().items():
        started = time.monotonic()
        try:
            ok = check()
        except Exception:  # any failure of a dependency means "not ready", never a 500
            logger.exception("readiness check %s failed", name)
            ok = False
        results[name] = {"ok": ok, "ms": round((time.monotonic() - started) * 1000, 1)}
    ready = all(result["ok"] for result in results.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": results}, status=200 if ready else 503)
