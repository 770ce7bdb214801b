"""The demo's alerts come from evaluating the default rules over real scores, never from inserted rows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertRule
from alerts.services.defaults import DEFAULT_RULES
from demo.alerts import demo_alerts_raise
from indicators.models import HealthScore
from indicators.scoring.recompute import accounts_recompute
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_demo_alerts_come_from_the_default_rules_over_the_scores(world_a):
    renewing = AccountFactory(tenant=world_a.tenant, renewal_on=timezone.localdate() + timedelta(days=20))
    quiet = AccountFactory(tenant=world_a.tenant, renewal_on=timezone.localdate() + timedelta(days=400))
    unscored = AccountFactory(tenant=world_a.tenant, renewal_on=timezone.localdate() + timedelta(days=20))
    accounts_recompute(tenant=world_a.tenant, account_ids=[renewing.pk, quiet.pk])
    red = HealthScore.objects.for_tenant(world_a.tenant).get(account=renewing).band == "red"

    open_count = demo_alerts_raise(tenant=world_a.tenant)

    assert AlertRule.objects.for_tenant(world_a.tenant).count() == len(DEFAULT_RULES)
    alerts = Alert.objects.for_tenant(world_a.tenant)
    assert open_count == alerts.count() > 0
    assert unscored.pk not in {a.account_id for a in alerts}  # evaluated over scores, nothing invented
    assert all(a.rule is not None and a.message for a in alerts)
    renewal_rule = AlertRule.objects.for_tenant(world_a.tenant).get(name="Renewal within 90 days while red")
    assert alerts.filter(rule=renewal_rule, account=renewing).exists() == red
    # Running the seed again changes nothing: still one open alert per rule and account.
    assert demo_alerts_raise(tenant=world_a.tenant) == open_count
