"""Celery application. Without REDIS_URL, tasks run in-process (see settings)."""

import os

from celery import Celery, signals

from csplatform.heap import heap_settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csplatform.settings")

app = Celery("csplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_ready.connect  # the worker's main process (which runs the tasks in a solo pool)
@signals.worker_process_init.connect  # each child of a prefork pool
def _heap_settle(**kwargs) -> None:
    heap_settle()
