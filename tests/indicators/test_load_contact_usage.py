"""The account's score loads only what it reads (a usage mask per contact, daily figures folded by day, recent
feature counts): same figures as the daily rows give."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators import engine
from indicators.engine.index import build_index
from indicators.scoring.load import inputs_load
from tests.factories import AccountFactory, ContactFactory
from tests.indicators.test_recompute import seed_usage

pytestmark = pytest.mark.django_db


def test_usage_masks_give_the_scores_the_daily_rows_give(world_a):
    now = datetime.now(UTC)
    account = AccountFactory(tenant=world_a.tenant, licenses=12, lifecycle_stage="mature")
    contacts = ContactFactory.create_batch(6, account=account)
    # Usage thinning out over 70 days: some contacts on some days only, and days older than the window.
    seed_usage(world_a.tenant, account, contacts, 70, lambda d: (d * 7) % 6 + 1 if d % 3 else 0, now)
    for as_of in (now, now - timedelta(days=9, hours=5)):
        masks = inputs_load(tenant=world_a.tenant, account_ids=[account.pk], as_of=as_of)[account.pk]
        rows = inputs_load(tenant=world_a.tenant, account_ids=[account.pk], as_of=as_of, contact_days=True)[account.pk]
        assert masks.contact_days == () and masks.contact_usage and rows.contact_usage is None
        assert masks.days == () and masks.activity is not None and rows.days and rows.activity is None
        folded, unfolded = build_index(masks), build_index(rows)
        assert folded.usage_masks == unfolded.usage_masks
        assert (folded.daily_active, folded.daily_usage) == (unfolded.daily_active, unfolded.daily_usage)
        assert folded.features_30 == unfolded.features_30 and folded.features_30
        assert engine.evaluate_account(masks).values == engine.evaluate_account(rows).values
        # A period's load keeps every day's feature counts; the scores at its last moment are the same.
        period = inputs_load(tenant=world_a.tenant, account_ids=[account.pk], as_of=as_of, history_from=as_of)
        assert engine.evaluate_account(period[account.pk]).values == engine.evaluate_account(masks).values


def test_contact_level_indicators_refuse_masks(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    seed_usage(world_a.tenant, account, ContactFactory.create_batch(2, account=account), 5, lambda d: 2,
               datetime.now(UTC))  # fmt: skip
    inputs = inputs_load(tenant=world_a.tenant, account_ids=[account.pk], as_of=datetime.now(UTC))[account.pk]
    with pytest.raises(ValueError, match="contact_days"):
        engine.evaluate_account(inputs, with_contacts=True)
    assert engine.evaluate_account(replace(inputs, contact_usage=None), with_contacts=True).contacts


def test_a_score_now_reads_the_masks_kept_on_the_contacts_and_one_long_past_the_rollups(world_a):
    now = datetime.now(UTC)
    account = AccountFactory(tenant=world_a.tenant)
    seed_usage(world_a.tenant, account, ContactFactory.create_batch(3, account=account), 20, lambda d: d % 4,
               now)  # fmt: skip
    for as_of, reads_rollups in ((now, False), (now - timedelta(days=1), False), (now - timedelta(days=5), True)):
        with CaptureQueriesContext(connection) as captured:
            inputs = inputs_load(tenant=world_a.tenant, account_ids=[account.pk], as_of=as_of)[account.pk]
        assert any("indicators_contactday" in q["sql"] for q in captured.captured_queries) is reads_rollups
        assert inputs.contact_usage and all(inputs.contact_usage.values())
