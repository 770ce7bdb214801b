"""Celery queues per workload: each kind of work on its own queue, its workers scaled on their own.

Off by default (every task on ``CELERY_QUEUE``, one worker pool takes everything); with
``CELERY_QUEUES_PER_WORKLOAD`` on, a task goes to ``<CELERY_QUEUE>.<workload>`` by its app, and
each workload's workers consume its queue (``celery worker -Q csplatform.recompute``). Whatever no
workload names (invitation emails) stays on the default queue.
"""

from __future__ import annotations

WORKLOADS: dict[str, tuple[str, ...]] = {
    "recompute": ("indicators",),  # scores, rollups, partitions: follows ingestion's pace
    "surveys": ("surveys", "followups"),  # invitations out, answers' follow-ups
    "notifications": ("notifications", "workspace"),  # webhooks, digests, urgent emails
    "analytics": ("outcomes", "alerts", "privacy"),  # nightly analysis, rules, exports and deletions
}


def workload_of(task_name: str) -> str | None:
    """The workload a task belongs to, by the app its name starts with; None: the default queue."""
    app = task_name.split(".", 1)[0]
    return next((name for name, apps in WORKLOADS.items() if app in apps), None)


def task_routes(default_queue: str) -> dict[str, dict[str, str]]:
    """Celery ``task_routes``: one glob per app, to its workload's queue."""
    return {f"{app}.*": {"queue": f"{default_queue}.{name}"} for name, apps in WORKLOADS.items() for app in apps}
