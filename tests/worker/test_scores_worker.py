"""Events posted through the API reach the score through a real worker, coalesced."""

import base64
import json

import pytest
from django.test import Client

from accounts.services.api_keys import api_key_create
from indicators.models import HealthScore, HealthScoreHistory
from tests.worker.conftest import wait_for

pytestmark = pytest.mark.worker


def test_a_burst_of_500_events_for_one_account_yields_a_score_from_a_few_recomputes(celery_worker_process):
    from tests.conftest import make_world

    world = make_world("Burst")
    _, key = api_key_create(tenant=world.tenant, name="ingest", scopes=["ingest"])
    auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    for batch in range(5):
        body = {"batch": [
            {"type": "track", "userId": f"user-{i % 7}", "event": "Report Exported", "messageId": f"b{batch}-{i}",
             "context": {"groupId": "burst-co"}}
            for i in range(100)
        ]}  # fmt: skip
        response = Client().post(
            "/v1/batch", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=auth
        )
        assert response.status_code == 200 and response.json()["accepted"] == 100

    def scored():
        health = HealthScore.objects.for_tenant(world.tenant).filter(account__external_id="burst-co").first()
        return health is not None and health.values.get("usage_events_30d") == 500

    assert wait_for(scored, timeout=30), "no score reflecting all 500 events within 30 s"
    recomputes = celery_worker_process.tasks_succeeded("indicators.recompute_accounts")
    assert 1 <= recomputes <= 5, f"{recomputes} recompute tasks for one account's burst"
    assert HealthScoreHistory.objects.for_tenant(world.tenant).count() >= 1
