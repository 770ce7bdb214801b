"""Scores move with time alone: beat's periodic recompute grows the days-since indicators without any event."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction

from indicators.ingest.store import NewEvent, events_store
from indicators.models import Event, HealthScore, HealthScoreHistory
from indicators.tasks import recompute_all_accounts
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def quiet_account(world_a):
    """An account whose last proactive communication was two days before START, and nothing since."""
    with time_machine.travel(START, tick=False):
        account = AccountFactory(tenant=world_a.tenant, licenses=10, lifecycle_stage="mature",
                                 contract_start_on=(START - timedelta(days=400)).date())  # fmt: skip
        contact = ContactFactory(account=account)
        with transaction.atomic():
            events_store(
                tenant=world_a.tenant,
                events=[NewEvent(message_id="call-1", type="communication", name="call", source="api",
                                 occurred_at=START - timedelta(days=2), account_id=account.pk, contact_id=contact.pk)],
            )  # fmt: skip
    return account


def health(tenant, account):
    return HealthScore.objects.for_tenant(tenant).get(account=account)


def history(tenant, account):
    return list(HealthScoreHistory.objects.for_tenant(tenant).filter(account=account).order_by("at"))


def test_days_since_indicators_grow_and_the_score_falls_with_time_alone(world_a, quiet_account):
    tenant = world_a.tenant
    with time_machine.travel(START, tick=False):
        recompute_all_accounts()
    before = health(tenant, quiet_account)
    assert before.values["days_since_proactive_communication"] == 2
    events = Event.objects.for_tenant(tenant).count()

    with time_machine.travel(START + timedelta(days=30), tick=False):
        recompute_all_accounts()
    after = health(tenant, quiet_account)

    assert Event.objects.for_tenant(tenant).count() == events  # no event came in
    assert after.values["days_since_proactive_communication"] == 32
    assert after.score < before.score
    assert after.computed_at == START + timedelta(days=30)
    assert [h.at for h in history(tenant, quiet_account)] == [START, START + timedelta(days=30)]
    assert history(tenant, quiet_account)[-1].score == after.score


def test_the_periodic_recompute_writes_one_history_row_a_day(world_a, quiet_account):
    tenant = world_a.tenant
    moments = [START, START + timedelta(hours=6), START + timedelta(days=1), START + timedelta(days=1, hours=6)]
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            recompute_all_accounts()
    # Within a day the score did not move, so only each day's first run left a row.
    assert [h.at for h in history(tenant, quiet_account)] == [START, START + timedelta(days=1)]
    assert health(tenant, quiet_account).values["days_since_proactive_communication"] == 3


def test_the_periodic_recompute_scores_every_tenants_accounts_each_in_its_own_tenant(world_a, world_b, quiet_account):
    theirs = AccountFactory(tenant=world_b.tenant)
    with time_machine.travel(START + timedelta(days=5), tick=False):
        recompute_all_accounts()
    assert health(world_a.tenant, quiet_account).tenant_id == world_a.tenant.pk
    assert health(world_b.tenant, theirs).tenant_id == world_b.tenant.pk
