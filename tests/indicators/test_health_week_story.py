"""The account page tells the week's story, the one the dashboard's 7-day change tells."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Account
from indicators.models import GutRead, HealthScore
from indicators.scoring.recompute import accounts_recompute
from indicators.selectors import health_last_change, health_week_change
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_the_week_change_explains_the_fall_the_last_move_does_not(world_a, world_b):
    now = timezone.now()
    account = AccountFactory(tenant=world_a.tenant, licenses=10, objectives_documented=True)
    AccountFactory(tenant=world_b.tenant, objectives_documented=False)  # another tenant's account: not read
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk], as_of=now - timedelta(days=8))
    Account.objects.for_tenant(world_a.tenant).filter(pk=account.pk).update(objectives_documented=False)
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk], as_of=now - timedelta(days=3))
    GutRead.objects.create(tenant=world_a.tenant, account=account, level="positive", set_at=now - timedelta(hours=1),
                           expires_at=now + timedelta(days=30))  # fmt: skip
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk], as_of=now)
    current = HealthScore.objects.for_tenant(world_a.tenant).get(account=account)
    assert current.change_7d < 0  # the dashboard's "fell most this week"

    last = health_last_change(tenant=world_a.tenant, account=account)
    week = health_week_change(tenant=world_a.tenant, account=account)
    assert "Partnership objectives documented" not in " ".join(last["explanation"]["sentences"])  # the gut read
    assert week["from"] == now - timedelta(days=8)
    assert week["explanation"]["change"] == pytest.approx(current.change_7d, abs=0.01)
    assert any("Partnership objectives documented changed" in s for s in week["explanation"]["sentences"])
