"""A gut read's expiry is a moment: the sweep marks its account then, and the recompute drops the read."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Account
from indicators.models import GutRead, HealthScore
from indicators.scoring.recompute import accounts_recompute
from indicators.stale.expiries import expired_gut_reads_mark
from indicators.tasks import sweep_expired_gut_reads
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def read(account, *, expires_in: timedelta) -> GutRead:
    now = timezone.now()
    return GutRead.objects.create(tenant=account.tenant, account=account, level="very_negative",
                                  set_at=now - timedelta(days=1), expires_at=now + expires_in)  # fmt: skip


def test_an_expired_read_marks_its_account_at_once_and_only_once(world_a):
    account = AccountFactory(tenant=world_a.tenant, objectives_documented=True)
    expiry = read(account, expires_in=timedelta(seconds=1)).expires_at
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk])
    assert HealthScore.objects.for_tenant(world_a.tenant).get(account=account).gut == 0.0
    assert expired_gut_reads_mark() == 0  # not expired yet: nothing to do
    version = Account.unscoped.get(pk=account.pk).recompute_version
    time.sleep(max((expiry - timezone.now()).total_seconds(), 0) + 0.05)  # the recompute reads the real clock
    assert expired_gut_reads_mark() == 1
    marked = Account.unscoped.get(pk=account.pk)
    assert marked.recompute_version > version and marked.needs_recompute_since is not None
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk])  # what the hint or the sweep runs
    score = HealthScore.objects.for_tenant(world_a.tenant).get(account=account)
    assert score.gut is None and score.score == pytest.approx(score.computed, abs=0.005)  # the read no longer counts
    assert expired_gut_reads_mark() == 0


def test_the_sweep_marks_each_tenants_own_accounts_only(world_a, world_b):
    expired_a = AccountFactory(tenant=world_a.tenant)
    live_b, expired_b = AccountFactory(tenant=world_b.tenant), AccountFactory(tenant=world_b.tenant)
    read(expired_a, expires_in=-timedelta(seconds=1))
    read(expired_b, expires_in=-timedelta(seconds=1))
    read(live_b, expires_in=timedelta(days=3))
    Account.unscoped.update(needs_recompute_since=None)
    assert sweep_expired_gut_reads.apply().get() == 2
    marked = set(Account.unscoped.filter(needs_recompute_since__isnull=False).values_list("tenant_id", "pk"))
    assert marked == {(world_a.tenant.pk, expired_a.pk), (world_b.tenant.pk, expired_b.pk)}
