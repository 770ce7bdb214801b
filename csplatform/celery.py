"""Celery application. Without REDIS_URL, tasks run in-process (see settings)."""

import os

from celery import Celery, signals

from csplatform import task_log_context  # noqa: F401 (connects the signals that give tasks their log context)
from csplatform.heap import heap_settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csplatform.settings")

app = Celery("csplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_ready.connect  # the worker's main process (which runs the tasks in a solo pool)
@signals.worker_process_init.connect  # each child of a prefork pool
def _heap_settle(**kwargs) -> None:
    heap_settle()


@signals.after_setup_logger.connect  # the worker's root logger, which it gives handlers of its own
@signals.after_setup_task_logger.connect
def _log_context_on_worker_handlers(logger=None, **kwargs) -> None:
    from django.conf import settings

    from csplatform.log_format import celery_handlers_configure

    celery_handlers_configure(logger=logger, json=settings.LOG_FORMAT == "json")
