"""Gauges read from PostgreSQL and Redis when Prometheus scrapes, never kept in memory between scrapes.

Each scrape runs a handful of cheap reads (two aggregates, one pipeline of list lengths, one set size),
so the figures are the same whichever web process answers and need no multiprocess bookkeeping. A
source that fails is reported by ``csp_metrics_source_up`` and its gauges are left out, rather than
failing the whole scrape (or answering zeros that would look like an empty backlog).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from accounts.rls import operator_scope
from csplatform.celery import app as celery_app
from csplatform.metrics.queue_lengths import queue_lengths
from indicators.stale.backlog import recompute_backlog
from indicators.stale.hint import dirty_hints_waiting
from notifications.selectors import deliveries_backlog

logger = logging.getLogger(__name__)


def _age_seconds(moment, now) -> float:
    return max((now - moment).total_seconds(), 0.0) if moment is not None else 0.0


def _recompute() -> Iterator[Metric]:
    now = timezone.now()
    backlog = recompute_backlog()
    yield GaugeMetricFamily(
        "csp_recompute_backlog_accounts", "Accounts marked for a recompute and not yet rescored.", backlog.accounts
    )
    yield GaugeMetricFamily(
        "csp_recompute_lag_seconds",
        "How long the longest-waiting marked account has waited for its recompute (0 when none waits).",
        _age_seconds(backlog.oldest_mark, now),
    )


def _webhooks() -> Iterator[Metric]:
    now = timezone.now()
    backlog = deliveries_backlog(now=now)
    waiting = GaugeMetricFamily(
        "csp_webhook_deliveries_waiting",
        "Webhook deliveries not yet settled: due now, or scheduled for a later retry (or leased to a worker).",
        labels=["state"],
    )
    waiting.add_metric(["due"], backlog.due)
    waiting.add_metric(["scheduled"], backlog.scheduled)
    yield waiting
    yield GaugeMetricFamily(
        "csp_webhook_oldest_due_seconds",
        "How long the longest-waiting due webhook delivery has been due (0 when none is).",
        _age_seconds(backlog.oldest_due, now),
    )


def _broker() -> Iterator[Metric]:
    found = queue_lengths(celery_app)
    if found is None:  # no Redis broker: tasks run in-process, nothing queues
        return
    lengths, unacked = found
    queues = GaugeMetricFamily("csp_celery_queue_length", "Tasks waiting in each Celery queue.", labels=["queue"])
    for name, length in lengths.items():
        queues.add_metric([name], length)
    yield queues
    yield GaugeMetricFamily(
        "csp_celery_unacked_messages",
        "Tasks taken by a worker and not yet acknowledged (running or reserved).",
        unacked,
    )


def _hints() -> Iterator[Metric]:
    waiting = dirty_hints_waiting()
    if waiting is not None:
        yield GaugeMetricFamily(
            "csp_recompute_dirty_hints", "Accounts in the Redis dirty set, not yet swept into recompute tasks.", waiting
        )


SOURCES = {"recompute": _recompute, "webhooks": _webhooks, "celery_broker": _broker, "recompute_hints": _hints}


class BacklogCollector:
    """A prometheus_client collector: every figure computed when ``collect`` is called."""

    def collect(self) -> Iterator[Metric]:
        with operator_scope():  # the backlogs count every tenant's work: the operator's figures
            metrics = list(self._collect())  # read in full here: a scope must not stay set across yields
        yield from metrics

    def _collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "csp_metrics_source_up", "Whether the last scrape could read each source (1) or not (0).", labels=["source"]
        )
        for name, source in SOURCES.items():
            try:
                metrics = list(source())
            except Exception:  # a backlog that cannot be read is reported as such, never a failed scrape
                logger.exception("metrics source %s could not be read", name)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from metrics
        yield up
