"""Beat's schedule run in-process by the development server when there is no broker."""

import logging
from datetime import timedelta

import pytest
from celery import Celery
from celery.schedules import crontab
from django.core.management import get_commands

from csplatform.embedded_beat import EmbeddedBeat, embedded_beat_start

# A run closes stale connections as the server's thread must; the test database is open to it.
pytestmark = pytest.mark.django_db


@pytest.fixture
def app():
    """A Celery app of its own, with tasks that record their runs."""
    app = Celery("embedded-beat-test", set_as_current=False)
    app.conf.task_always_eager = True
    app.runs = []

    @app.task(name="test.count", shared=False)
    def count(step=1):
        app.runs.append(("count", step))
        return step

    @app.task(name="test.nothing", shared=False)
    def nothing():
        app.runs.append(("nothing", None))
        return 0

    @app.task(name="test.broken", shared=False)
    def broken():
        raise RuntimeError("boom")

    return app


def _ours(caplog):
    return [r for r in caplog.records if r.name == "csplatform.embedded_beat"]


def test_a_due_interval_entry_runs_once_then_waits_for_its_next_period(app, caplog):
    started = app.now() - timedelta(seconds=90)
    beat = EmbeddedBeat(app, {"every-minute": {"task": "test.count", "schedule": 60.0, "kwargs": {"step": 3}}},
                        started_at=started)  # fmt: skip
    with caplog.at_level(logging.INFO, logger="csplatform.embedded_beat"):
        wait = beat.tick()
        beat.tick()
    assert app.runs == [("count", 3)]
    assert 59 <= wait <= 60  # the next run is a whole period after this one
    assert [r.getMessage().split(" (")[0] for r in _ours(caplog)] == ["Scheduled every-minute: 3"]


def test_an_entry_not_due_does_not_run_and_says_when_it_will_be(app):
    beat = EmbeddedBeat(app, {"hourly": {"task": "test.count", "schedule": 3600.0}},
                        started_at=app.now() - timedelta(minutes=20))  # fmt: skip
    wait = beat.tick()
    assert app.runs == []
    assert wait == 60.0  # 40 minutes to go, checked again within MAX_SLEEP


def test_a_crontab_entry_is_due_when_celery_says_so(app):
    schedule = {
        "every-minute": {"task": "test.count", "schedule": crontab(minute="*")},
        "yearly": {"task": "test.nothing", "schedule": crontab(minute=0, hour=0, day_of_month=1, month_of_year=1)},
    }
    beat = EmbeddedBeat(app, schedule, started_at=app.now() - timedelta(minutes=2))
    beat.tick()
    assert app.runs == [("count", 1)]


def test_a_failing_task_is_logged_and_the_others_still_run(app, caplog):
    schedule = {
        "broken": {"task": "test.broken", "schedule": 10.0},
        "after": {"task": "test.count", "schedule": 10.0},
    }
    beat = EmbeddedBeat(app, schedule, started_at=app.now() - timedelta(seconds=30))
    with caplog.at_level(logging.INFO, logger="csplatform.embedded_beat"):
        beat.tick()
    assert app.runs == [("count", 1)]
    (failure,) = [r for r in _ours(caplog) if r.levelno == logging.ERROR]
    assert "broken (test.broken) failed" in failure.getMessage()


def test_a_run_that_found_nothing_to_do_is_logged_at_debug_only(app, caplog):
    beat = EmbeddedBeat(app, {"sweep": {"task": "test.nothing", "schedule": 1.0}},
                        started_at=app.now() - timedelta(seconds=5))  # fmt: skip
    with caplog.at_level(logging.DEBUG, logger="csplatform.embedded_beat"):
        beat.tick()
    assert [(r.levelno, r.getMessage().split(" (")[0]) for r in _ours(caplog)] == [
        (logging.DEBUG, "Scheduled sweep: 0")
    ]


def test_it_reads_the_projects_beat_schedule(settings, app):
    beat = EmbeddedBeat(app, settings.CELERY_BEAT_SCHEDULE)
    assert [e.task for e in beat.entries] == [s["task"] for s in settings.CELERY_BEAT_SCHEDULE.values()]
    by_name = {e.name: e for e in beat.entries}
    assert by_name["surveys-tick"].schedule.run_every == timedelta(seconds=60)


def test_it_is_not_started_when_redis_url_is_set(settings, app):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert embedded_beat_start(app) is None


def test_without_redis_url_it_starts_a_daemon_thread(settings, app):
    settings.REDIS_URL = ""
    settings.CELERY_BEAT_SCHEDULE = {"hourly": {"task": "test.count", "schedule": 3600.0}}
    thread = embedded_beat_start(app)
    try:
        assert thread.is_alive() and thread.daemon
        assert [e.name for e in thread.beat.entries] == ["hourly"]
    finally:
        thread.stop()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert app.runs == []  # like beat, an entry first runs one period after start


def test_runserver_is_the_one_that_starts_it():
    assert get_commands()["runserver"] == "csplatform"
