"""``GET /metrics`` for Prometheus: behind a bearer token, and absent (404) when no token is configured.

The figures name no tenant, but request rates, backlogs and queue names still describe the deployment,
so the endpoint is not public: ``METRICS_TOKEN`` is the scraper's ``authorization.credentials``.

With several processes (gunicorn workers, Celery workers), prometheus_client keeps each process's
counters and histograms in files under ``PROMETHEUS_MULTIPROC_DIR`` and this view sums them, whichever
worker answers; the backlog gauges are read from the database and Redis at each scrape.
"""

from __future__ import annotations

import hmac
import os

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from csplatform.metrics.backlogs import BacklogCollector


class _ProcessMetrics:
    """The metrics of this process's default registry, as one collector of the scrape's registry."""

    def collect(self):
        return REGISTRY.collect()


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def scrape_registry() -> CollectorRegistry:
    """A registry for one scrape: every process's metrics (or this one's), and the backlogs read now."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessMetrics())
    registry.register(BacklogCollector())
    return registry


def _authorised(request) -> bool:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    expected = settings.METRICS_TOKEN.encode()
    return scheme.lower() == "bearer" and hmac.compare_digest(credentials.strip().encode(), expected)


@never_cache
@require_GET
def metrics(request):
    if not settings.METRICS_TOKEN:
        raise Http404("Metrics are not enabled.")
    if not _authorised(request):
        error = {"code": "permission_denied", "detail": "A valid metrics bearer token is required.", "attr": None}
        return JsonResponse({"type": "client_error", "errors": [error]}, status=403)
    if request.GET:
        name = next(iter(request.GET))
        error = {"code": "unknown_parameter", "detail": "Unknown query parameter.", "attr": name}
        return JsonResponse({"type": "validation_error", "errors": [error]}, status=400)
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
