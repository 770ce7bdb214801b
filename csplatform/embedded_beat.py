"""Celery beat's schedule, run in-process by the development server when there is no broker.

Without ``REDIS_URL`` (the quick start) no worker and no beat run, yet survey invitations, overdue
follow-ups, time-driven rescoring and the daily alert evaluation must still happen. ``runserver``
starts one daemon thread that reads the very entries beat reads (``CELERY_BEAT_SCHEDULE``: intervals
and crontabs, the schedule is written once), asks celery's own schedule objects whether each entry is
due, and runs the due task right there (``Task.apply``), one at a time. Like beat, an entry first
runs one period after start: the demo seed has just done the daily work.

With ``REDIS_URL`` the real beat runs inside the Celery worker and this thread is never started.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from celery import Celery
from celery.schedules import BaseSchedule, maybe_schedule
from django.conf import settings
from django.db import close_old_connections

from csplatform.celery import app as celery_app

logger = logging.getLogger(__name__)

MAX_SLEEP = 60.0  # seconds between checks at most, whatever the entries say (beat's own cap is 5 minutes)


@dataclass
class Entry:
    name: str
    task: str
    schedule: BaseSchedule
    last_run_at: datetime
    args: tuple = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


class EmbeddedBeat:
    """The beat schedule's entries, each run in this process when its celery schedule says it is due."""

    def __init__(self, app: Celery, schedule: dict[str, dict], *, started_at: datetime | None = None):
        self.app = app
        started_at = started_at or app.now()
        self.entries = [
            Entry(
                name=name,
                task=spec["task"],
                schedule=maybe_schedule(spec["schedule"], app=app),
                last_run_at=started_at,
                args=tuple(spec.get("args", ())),
                kwargs=dict(spec.get("kwargs", {})),
            )
            for name, spec in schedule.items()
        ]

    def tick(self) -> float:
        """Run every due entry once; return how many seconds until one may be due again."""
        wait = MAX_SLEEP
        for entry in self.entries:
            due, next_check = entry.schedule.is_due(entry.last_run_at)
            if due:
                entry.last_run_at = self.app.now()
                self.run(entry)
            wait = min(wait, next_check)
        return max(wait, 0.0)

    def run(self, entry: Entry) -> None:
        task = self.app.tasks[entry.task]
        started = time.monotonic()
        close_old_connections()
        try:
            result = task.apply(args=entry.args, kwargs=entry.kwargs, throw=True).result
        except Exception:
            logger.exception("Scheduled %s (%s) failed.", entry.name, entry.task)
            return
        finally:
            close_old_connections()
        # One line per run; runs that found nothing to do (the 1-second sweeps, mostly) only at DEBUG.
        level = logging.INFO if result else logging.DEBUG
        logger.log(level, "Scheduled %s: %s (%.2f s)", entry.name, result, time.monotonic() - started)


class BeatThread(threading.Thread):
    """The daemon thread that ticks an ``EmbeddedBeat`` until the process ends (or ``stop()``)."""

    def __init__(self, beat: EmbeddedBeat):
        super().__init__(name="embedded-beat", daemon=True)
        self.beat, self.stopped = beat, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.beat.tick()):
            pass

    def stop(self) -> None:
        self.stopped.set()


def embedded_beat_start(app: Celery = celery_app) -> BeatThread | None:
    """Start the schedule in a daemon thread of this process; None (nothing started) with ``REDIS_URL``."""
    if settings.REDIS_URL:
        return None
    app.loader.import_default_modules()  # every app's tasks, as a worker imports them
    thread = BeatThread(EmbeddedBeat(app, settings.CELERY_BEAT_SCHEDULE))
    thread.start()
    logger.info("No REDIS_URL: the beat schedule runs in this process (%d entries).", len(thread.beat.entries))
    return thread
