"""Which scorecard scores an account: most specific match on segment and lifecycle stage, else the default."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators import engine
from indicators.models import Scorecard
from indicators.scoring.scorecards import scorecards_for_accounts, tenant_scorecards
from indicators.services.scorecards import scorecard_default_create, scorecard_save
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

NPS = [{"indicator": "nps", "weight": 1, "rule": "linear", "lower": -50, "upper": 50}]


def targeted(tenant, name, *, segments=(), stages=()):
    card = Scorecard(name=name, segments=list(segments), lifecycle_stages=list(stages))
    return scorecard_save(tenant=tenant, scorecard=card, measures=NPS, changed_by=None).scorecard


def test_a_tenant_without_scorecards_is_scored_with_the_engine_default(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    assert scorecards_for_accounts(tenant=world_a.tenant, account_ids=[account.pk]) == {
        account.pk: engine.DEFAULT_SCORECARD
    }


def test_the_most_specific_scorecard_wins_and_the_default_takes_the_rest(world_a):
    tenant = world_a.tenant
    scorecard_default_create(tenant=tenant)
    by_segment = targeted(tenant, "Enterprise", segments=["Enterprise"])
    by_stage = targeted(tenant, "Renewing", stages=["renewing"])
    by_both = targeted(tenant, "Enterprise renewing", segments=["enterprise"], stages=["renewing"])
    accounts = {
        "both": AccountFactory(tenant=tenant, segment=" ENTERPRISE ", lifecycle_stage="renewing"),
        "segment": AccountFactory(tenant=tenant, segment="enterprise", lifecycle_stage="mature"),
        "stage": AccountFactory(tenant=tenant, segment="smb", lifecycle_stage="renewing"),
        "neither": AccountFactory(tenant=tenant, segment="smb", lifecycle_stage="mature"),
    }
    picked = scorecards_for_accounts(tenant=tenant, account_ids=[a.pk for a in accounts.values()])
    keys = {name: picked[a.pk].key for name, a in accounts.items()}
    assert keys == {
        "both": f"{by_both.key}@v1",
        "segment": f"{by_segment.key}@v1",
        "stage": f"{by_stage.key}@v1",
        "neither": "default@v1",
    }


def test_selection_uses_each_scorecards_current_version(world_a):
    tenant = world_a.tenant
    card = scorecard_default_create(tenant=tenant)
    scorecard_save(tenant=tenant, scorecard=card, measures=NPS, changed_by=None)
    chosen = tenant_scorecards(tenant).pick("anything", "mature")
    assert chosen.key == "default@v2" and [m.indicator for m in chosen.measures] == ["nps"]


def test_choosing_scorecards_for_a_chunk_takes_two_queries_whatever_its_size(world_a):
    tenant = world_a.tenant
    scorecard_default_create(tenant=tenant)
    targeted(tenant, "SMB", segments=["smb"])
    ids = [AccountFactory(tenant=tenant, segment="smb" if n % 2 else "mid").pk for n in range(30)]
    with CaptureQueriesContext(connection) as queries:
        picked = scorecards_for_accounts(tenant=tenant, account_ids=ids)
    assert len(queries) == 2 and len(picked) == 30


def test_another_tenants_scorecards_are_never_chosen(world_a, world_b):
    scorecard_default_create(tenant=world_b.tenant)
    targeted(world_b.tenant, "Theirs", segments=["mid-market"])
    account = AccountFactory(tenant=world_a.tenant, segment="mid-market")
    assert scorecards_for_accounts(tenant=world_a.tenant, account_ids=[account.pk])[account.pk] is (
        engine.DEFAULT_SCORECARD
    )
    theirs = AccountFactory(tenant=world_b.tenant)
    assert scorecards_for_accounts(tenant=world_a.tenant, account_ids=[theirs.pk]) == {}


def test_a_scorecard_naming_no_segment_or_stage_and_not_the_default_applies_to_no_account(world_a):
    tenant = world_a.tenant
    scorecard_default_create(tenant=tenant)
    draft = targeted(tenant, "Draft")
    account = AccountFactory(tenant=tenant, segment="smb", lifecycle_stage="mature")
    assert not draft.is_default
    assert scorecards_for_accounts(tenant=tenant, account_ids=[account.pk])[account.pk].key == "default@v1"
