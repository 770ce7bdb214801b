"""Every periodic task that beat schedules exists under the name it is scheduled by."""

import pytest
from django.conf import settings

from csplatform.celery import app


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()  # the apps' tasks modules, as a worker imports them
    missing = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} - set(app.tasks)
    assert missing == set()


@pytest.mark.django_db
def test_the_ingestion_records_prune_runs(world_a):
    from indicators.tasks import prune_ingestion_records

    assert prune_ingestion_records.apply().get() == 0
