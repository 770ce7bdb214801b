from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from indicators.ingest.store import NewEvent, events_store
from indicators.models import HealthScore, HealthScoreHistory
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_recompute_command_scores_a_tenant_and_backfills_history(world_a, world_b):
    account = AccountFactory(tenant=world_a.tenant)
    contact = ContactFactory(account=account)
    now = datetime.now(UTC)
    with transaction.atomic():
        events_store(tenant=world_a.tenant, events=[
            NewEvent(message_id=f"m{d}", type="usage", name="Open", occurred_at=now - timedelta(days=d), source="api",
                     account_id=account.pk, contact_id=contact.pk)
            for d in range(0, 30, 2)
        ])  # fmt: skip
    other = AccountFactory(tenant=world_b.tenant)
    call_command("recompute", "--tenant", "alpha", "--backfill-days", "28", "--step-days", "7")
    assert HealthScore.objects.for_tenant(world_a.tenant).get(account=account).score is not None
    assert HealthScoreHistory.objects.for_tenant(world_a.tenant).filter(account=account).count() >= 2
    assert not HealthScore.objects.for_tenant(world_b.tenant).filter(account=other).exists()


def test_recompute_command_refuses_an_unknown_tenant(db):
    with pytest.raises(CommandError):
        call_command("recompute", "--tenant", "nope")
