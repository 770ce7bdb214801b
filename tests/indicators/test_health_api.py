"""GET /api/v1/accounts/{id}/health, /health/history and /health/explain."""

from datetime import UTC, datetime, timedelta

import pytest

from indicators.scoring.recompute import accounts_recompute
from tests.conftest import api_as
from tests.factories import AccountFactory, ContactFactory
from tests.indicators.test_recompute import seed_usage

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored_account(world_a):
    now = datetime.now(UTC)
    account = AccountFactory(tenant=world_a.tenant, licenses=10, lifecycle_stage="mature")
    contacts = ContactFactory.create_batch(10, account=account)
    seed_usage(world_a.tenant, account, contacts, 90, lambda d: 10 if d >= 31 else 2, now)
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk], as_of=now - timedelta(days=31))
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk], as_of=now)
    return account


def test_health_shows_the_score_its_measures_and_what_changed(key_client_a, scored_account):
    body = key_client_a.get(f"/api/v1/accounts/{scored_account.pk}/health").json()
    assert 0 <= body["health"]["score"] <= 100 and body["health"]["band"] in {"green", "yellow", "red"}
    measures = {m["indicator"]: m for m in body["health"]["result"]["measures"]}
    assert measures["license_utilization"]["value"] == pytest.approx(20.0)  # percent: 2 of 10 licences
    explanation = body["explanation"]
    assert explanation["change"] < 0
    assert sum(m["contribution"] for m in explanation["measures"]) == pytest.approx(explanation["change"])
    assert any("License utilization" in s or "license" in s.lower() for s in explanation["sentences"])
    assert explanation["next_step"]["action"]


def test_health_history_is_paginated_newest_first_and_filtered_by_time(key_client_a, scored_account):
    url = f"/api/v1/accounts/{scored_account.pk}/health/history"
    rows = key_client_a.get(url).json()["results"]
    assert len(rows) == 2 and rows[0]["at"] > rows[1]["at"]
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert len(key_client_a.get(url, {"from": since}).json()["results"]) == 1
    bad = key_client_a.get(url, {"from": "yesterday"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["attr"] == "from"


def test_explain_between_two_moments(key_client_a, scored_account):
    then = (datetime.now(UTC) - timedelta(days=20)).isoformat()
    body = key_client_a.get(f"/api/v1/accounts/{scored_account.pk}/health/explain", {"from": then}).json()
    assert body["from"] is not None and body["explanation"]["score_after"] < body["explanation"]["score_before"]


def test_an_account_never_scored_has_no_health_yet(key_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant)
    assert key_client_a.get(f"/api/v1/accounts/{account.pk}/health").json() == {"health": None, "explanation": None}


def test_another_tenants_account_health_is_404(world_a, world_b):
    theirs = AccountFactory(tenant=world_b.tenant)
    for suffix in ("health", "health/history", "health/explain"):
        assert api_as(world_a.viewer).get(f"/api/v1/accounts/{theirs.pk}/{suffix}").status_code == 404
