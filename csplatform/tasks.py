"""Enqueueing work after commit, the one way the code starts background tasks."""

from __future__ import annotations

import logging
from functools import partial

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, **kwargs) -> None:
    """Send ``task`` once the current transaction commits (right away outside one).

    With a broker this is best effort: the data the task works on is already committed, so a
    failed send is logged and left to the periodic sweeps, never turned into a failed request.
    Without a broker (CELERY_TASK_ALWAYS_EAGER) the task runs here, in-process, after commit.
    """
    transaction.on_commit(partial(_send, task, kwargs))


def _send(task: Task, kwargs: dict) -> None:
    try:
        task.apply_async(kwargs=kwargs, retry=False)
    except Exception:
        if task.app.conf.task_always_eager:
            raise
        logger.exception("Could not enqueue %s; the periodic sweep will pick the work up.", task.name)
