"""Rules react to real recomputes; the daily task evaluates one tenant's rules and never touches another's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services.tenants import tenant_create
from alerts.models import Alert, AlertRule, AlertStatus
from alerts.services import alert_update
from alerts.services.defaults import DEFAULT_RULES
from alerts.tasks import evaluate_all_rules, evaluate_tenant_rules
from indicators.models import HealthScore
from indicators.scoring.backfill import history_backfill
from indicators.scoring.recompute import accounts_recompute
from tests.alerts.builders import rule
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def objectives_rule(tenant):
    return rule(tenant, indicator="objectives_documented", operator="lt", threshold=1, priority="medium")


def open_alerts(tenant):
    return list(Alert.objects.for_tenant(tenant).exclude(status=AlertStatus.CLOSED))


def test_a_recompute_fires_the_tenants_rules_for_the_accounts_it_scored(world_a):
    undocumented = AccountFactory(tenant=world_a.tenant, csm_owner=world_a.csm, objectives_documented=False)
    documented = AccountFactory(tenant=world_a.tenant, objectives_documented=True)
    documented_rule = objectives_rule(world_a.tenant)

    accounts_recompute(tenant=world_a.tenant, account_ids=[undocumented.pk, documented.pk])

    [alert] = open_alerts(world_a.tenant)
    assert (alert.account, alert.rule, alert.assignee) == (undocumented, documented_rule, world_a.csm)
    assert alert.message == "Partnership objectives documented: no."
    # Scoring again while the condition holds keeps one alert.
    accounts_recompute(tenant=world_a.tenant, account_ids=[undocumented.pk])
    assert len(open_alerts(world_a.tenant)) == 1


def test_a_renewal_rule_fires_in_a_recompute_with_the_band_it_computed(world_a):
    soon = AccountFactory(tenant=world_a.tenant, renewal_on=timezone.localdate() + timedelta(days=30))
    rule(world_a.tenant, "renewal_proximity", within_days=60, bands=[])
    accounts_recompute(tenant=world_a.tenant, account_ids=[soon.pk])
    [alert] = open_alerts(world_a.tenant)
    band = HealthScore.objects.for_tenant(world_a.tenant).get(account=soon).band
    assert alert.detail["band"] == band and alert.detail["days_ahead"] == 30


def test_a_backfill_of_past_scores_raises_nothing_for_the_past(world_a):
    account = AccountFactory(tenant=world_a.tenant, objectives_documented=False)
    objectives_rule(world_a.tenant)
    history_backfill(tenant=world_a.tenant, account_ids=[account.pk], days=14, step_days=7,
                     until=timezone.now() - timedelta(days=2))  # fmt: skip
    assert open_alerts(world_a.tenant) == []


def test_the_daily_task_evaluates_current_scores_and_only_its_tenants(world_a, world_b):
    renews_a = AccountFactory(tenant=world_a.tenant, renewal_on=timezone.localdate() + timedelta(days=5))
    renews_b = AccountFactory(tenant=world_b.tenant, renewal_on=timezone.localdate() + timedelta(days=5))
    accounts_recompute(tenant=world_a.tenant, account_ids=[renews_a.pk])
    accounts_recompute(tenant=world_b.tenant, account_ids=[renews_b.pk])
    rule(world_a.tenant, "renewal_proximity", within_days=10, bands=[])
    rule(world_b.tenant, "renewal_proximity", within_days=10, bands=[])

    assert evaluate_tenant_rules(tenant_id=world_a.tenant.pk) == 1
    assert [a.account for a in open_alerts(world_a.tenant)] == [renews_a]
    assert open_alerts(world_b.tenant) == []


def test_a_task_given_tenant_as_id_never_touches_tenant_bs_alerts(world_a, world_b):
    account_b = AccountFactory(tenant=world_b.tenant, renewal_on=timezone.localdate())
    accounts_recompute(tenant=world_b.tenant, account_ids=[account_b.pk])
    rule(world_b.tenant, "renewal_proximity", within_days=10, bands=[])
    evaluate_tenant_rules(tenant_id=world_b.tenant.pk)
    [alert_b] = open_alerts(world_b.tenant)
    before = (alert_b.fire_count, alert_b.last_fired_at, alert_b.updated_at)
    rule(world_a.tenant, "renewal_proximity", within_days=10, bands=[])

    evaluate_tenant_rules(tenant_id=world_a.tenant.pk)

    alert_b.refresh_from_db()
    assert (alert_b.fire_count, alert_b.last_fired_at, alert_b.updated_at) == before
    assert alert_b.history.count() == 1
    assert open_alerts(world_a.tenant) == []


def test_the_daily_sweep_runs_one_task_per_tenant_with_rules(world_a, world_b):
    account_a = AccountFactory(tenant=world_a.tenant, renewal_on=timezone.localdate())
    accounts_recompute(tenant=world_a.tenant, account_ids=[account_a.pk])
    rule(world_a.tenant, "renewal_proximity", within_days=10, bands=[])
    assert evaluate_all_rules() == 1  # tenant B has no rules
    assert len(open_alerts(world_a.tenant)) == 1


def test_a_missing_tenant_is_a_no_op():
    assert evaluate_tenant_rules(tenant_id=987654) == 0


def test_new_tenants_start_with_the_default_rules(db):
    created = tenant_create(name="Gamma", admin_email="admin@gamma.test", password="x" * 12)
    names = set(AlertRule.objects.for_tenant(created.tenant).values_list("name", flat=True))
    assert names == {spec["name"] for spec in DEFAULT_RULES}


def test_closing_then_refiring_through_recompute_opens_a_fresh_alert(world_a):
    account = AccountFactory(tenant=world_a.tenant, objectives_documented=False)
    objectives_rule(world_a.tenant)
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk])
    [first] = open_alerts(world_a.tenant)
    alert_update(tenant=world_a.tenant, alert=first, status=AlertStatus.CLOSED, note="Workshop scheduled.")
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk])
    [second] = open_alerts(world_a.tenant)
    assert second.pk != first.pk
