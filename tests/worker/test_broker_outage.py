"""A broker outage delays scores but loses nothing: events are accepted meanwhile and all scored, once, after.

The test runs its own redis-server on its own port, as the broker, cache and dirty set of both the
API (this process) and a real worker, stops it while events are posted, then starts it again
empty (no persistence: whatever Redis held is lost, as in a real crash). The durable marks on the
accounts are what brings every event into the scores.
"""

import base64
import json
import time
from collections import Counter

import pytest
from django.db.models import Sum
from django.test import Client

from accounts.models import Account
from indicators.models import AccountDay, Event, HealthScore
from tests.conftest import make_world
from tests.worker.conftest import history_moments_written_twice, scores_against_reference, wait_for

pytestmark = pytest.mark.worker

# Sweep the durable marks every second, once a second old (production: every minute, 30 s old); see settings.
FAST_MARKED_SWEEP = {"RECOMPUTE_MARKED_SWEEP_SECONDS": "1", "RECOMPUTE_MARK_GRACE_SECONDS": "1"}
# With the production intervals the marked sweep still comes, within about 90 s.
RECOVERY_TIMEOUT = 150
ACCEPTED_WITHIN_SECONDS = 1.0
ACCOUNTS = [f"outage-co-{n}" for n in range(5)]


def post_batch(auth: str, batch: int, per_account: int) -> tuple[int, float, dict]:
    body = {"batch": [
        {"type": "track", "userId": f"{group}-user-{i % 3}", "event": "Report Exported",
         "messageId": f"outage-{batch}-{group}-{i}", "context": {"groupId": group}}
        for group in ACCOUNTS for i in range(per_account)
    ]}  # fmt: skip
    started = time.monotonic()
    response = Client().post("/v1/batch", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=auth)
    return response.status_code, time.monotonic() - started, response.json()


def usage_seen_in_scores(tenant) -> dict[str, int]:
    return {
        h.account.external_id: h.values.get("usage_events_30d")
        for h in HealthScore.objects.for_tenant(tenant).select_related("account")
    }


def test_events_posted_while_the_broker_is_down_are_accepted_and_each_scored_once_after(own_redis, celery_workers):
    world = make_world("Outage")
    tenant = world.tenant
    auth = "Basic " + base64.b64encode(f"{world.api_key_plaintext}:".encode()).decode()
    celery_workers.start(redis_url=own_redis.url, env=FAST_MARKED_SWEEP)

    # Before the outage: the worker scores what comes in, through the dirty set.
    assert post_batch(auth, 0, per_account=2)[0] == 200
    assert wait_for(lambda: usage_seen_in_scores(tenant) == dict.fromkeys(ACCOUNTS, 2), timeout=60), (
        "the worker did not score the first events"
    )

    own_redis.stop()
    answers = [post_batch(auth, batch, per_account=10) for batch in range(1, 7)]
    assert [status for status, _, _ in answers] == [200] * 6
    assert all(receipt["accepted"] == 50 for _, _, receipt in answers)
    slowest = max(seconds for _, seconds, _ in answers)
    assert slowest < ACCEPTED_WITHIN_SECONDS, f"a request took {slowest:.2f} s while the broker was down"
    # With the broker down nothing can be scored: the scores still show the first events only.
    assert usage_seen_in_scores(tenant) == dict.fromkeys(ACCOUNTS, 2)

    own_redis.start()  # empty: the dirty set and any queued task are gone
    expected = dict.fromkeys(ACCOUNTS, 2 + 6 * 10)
    assert wait_for(lambda: usage_seen_in_scores(tenant) == expected, timeout=RECOVERY_TIMEOUT), (
        f"after the outage the scores show {usage_seen_in_scores(tenant)}, not {expected}"
    )

    # Every accepted event is stored once and counted once in the rollups the scores read.
    stored = Counter(Event.objects.for_tenant(tenant).values_list("message_id", flat=True))
    assert len(stored) == len(ACCOUNTS) * 62 and set(stored.values()) == {1}
    rollups = AccountDay.objects.for_tenant(tenant).values("account__external_id").annotate(n=Sum("usage_events"))
    assert {r["account__external_id"]: r["n"] for r in rollups} == expected
    # The scores are exactly what the engine makes of the database at the moment each was computed.
    ids = list(HealthScore.objects.for_tenant(tenant).values_list("account_id", flat=True))
    for account_id, (stored_score, reference) in scores_against_reference(tenant, ids).items():
        assert stored_score == reference, f"account {account_id}"
    assert history_moments_written_twice(tenant) == []
    assert not Account.objects.for_tenant(tenant).exclude(needs_recompute_since=None).exists()
