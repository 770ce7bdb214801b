"""Changing a scorecard records a version and rescores its accounts; history names the version behind each score."""

from datetime import UTC, datetime

import pytest

from indicators.models import HealthScore, HealthScoreHistory, Scorecard
from indicators.scoring.recompute import accounts_recompute
from indicators.services.scorecards import scorecard_default_create, scorecard_delete, scorecard_save
from indicators.tasks import rescore_scorecard
from tests.factories import AccountFactory, ContactFactory
from tests.indicators.test_recompute import seed_usage

pytestmark = pytest.mark.django_db

UTILIZATION = {"indicator": "license_utilization", "weight": 1, "rule": "linear"}


@pytest.fixture
def scored(world_a):
    """Two accounts with half their licences in use, scored by the tenant's default scorecard (v1)."""
    tenant = world_a.tenant
    scorecard_default_create(tenant=tenant)
    accounts = []
    for segment in ("smb", "enterprise"):
        account = AccountFactory(tenant=tenant, licenses=10, segment=segment, lifecycle_stage="mature")
        seed_usage(tenant, account, ContactFactory.create_batch(5, account=account), 35, lambda d: 5, datetime.now(UTC))
        accounts.append(account)
    accounts_recompute(tenant=tenant, account_ids=[a.pk for a in accounts])
    return accounts


def current(tenant, account):
    return HealthScore.objects.for_tenant(tenant).get(account=account)


def test_changing_the_default_rescores_its_accounts_under_the_new_version(
    world_a, scored, django_capture_on_commit_callbacks
):
    tenant = world_a.tenant
    assert {current(tenant, a).scorecard for a in scored} == {"default@v1"}
    card = Scorecard.objects.for_tenant(tenant).get(is_default=True)
    with django_capture_on_commit_callbacks(execute=True):
        saved = scorecard_save(
            tenant=tenant, scorecard=card, measures=[{**UTILIZATION, "lower": 0, "upper": 100}], changed_by=None
        )
    assert saved.version.number == 2 and saved.rescoring == 2
    for account in scored:
        health = current(tenant, account)
        assert health.scorecard == "default@v2"
        assert health.computed == pytest.approx(50.0)  # 50% utilisation on a 0..100 ramp
        history = list(HealthScoreHistory.objects.for_tenant(tenant).filter(account=account).order_by("at"))
        assert [h.scorecard for h in history] == ["default@v1", "default@v2"]


def test_a_targeted_scorecard_rescores_only_the_accounts_it_applies_to_and_gives_them_back(
    world_a, scored, django_capture_on_commit_callbacks
):
    tenant = world_a.tenant
    smb, enterprise = scored
    with django_capture_on_commit_callbacks(execute=True):
        saved = scorecard_save(
            tenant=tenant,
            scorecard=Scorecard(name="SMB", segments=["smb"]),
            measures=[{**UTILIZATION, "lower": 40, "upper": 60}],
            changed_by=None,
        )
    card = saved.scorecard
    assert saved.rescoring == 1
    assert current(tenant, smb).scorecard == "smb@v1" and current(tenant, smb).computed == pytest.approx(50.0)
    assert current(tenant, enterprise).scorecard == "default@v1"
    # Moving the scorecard to another segment rescores the account it leaves as well as those it reaches.
    card.segments = ["enterprise"]
    with django_capture_on_commit_callbacks(execute=True):
        moved = scorecard_save(tenant=tenant, scorecard=card, measures=None, changed_by=None)
    assert moved.rescoring == 2
    assert current(tenant, smb).scorecard == "default@v1"
    assert current(tenant, enterprise).scorecard == "smb@v2"
    with django_capture_on_commit_callbacks(execute=True):
        assert scorecard_delete(tenant=tenant, scorecard=card) == 1
    assert current(tenant, enterprise).scorecard == "default@v1"


def test_the_rescore_task_touches_nothing_of_another_tenant(world_a, world_b, scored):
    theirs = scorecard_default_create(tenant=world_b.tenant)
    assert rescore_scorecard(tenant_id=world_a.tenant.pk, scorecard_id=theirs.pk) == 0
    mine = Scorecard.objects.for_tenant(world_a.tenant).get()
    assert rescore_scorecard(tenant_id=world_b.tenant.pk, scorecard_id=mine.pk) == 0
    assert rescore_scorecard(tenant_id=world_a.tenant.pk, scorecard_id=mine.pk) == 2
