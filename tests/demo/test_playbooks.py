"""The demo's playbook is attached to the red-renewal rule, so the alerts it opens carry tasks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import AlertRule, Playbook, Task
from alerts.services import AccountState, rules_evaluate
from demo.playbooks import demo_playbooks_seed
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_the_red_renewal_rule_opens_alerts_with_an_executive_call_and_a_success_plan_review(world_a):
    tenant = world_a.tenant
    book = demo_playbooks_seed(tenant=tenant)
    assert demo_playbooks_seed(tenant=tenant) == book  # a second seed adds nothing
    assert list(book.steps.values_list("title", "due_in_days")) == [
        ("Executive call", 2), ("Success plan review", 7),
    ]  # fmt: skip
    rule = AlertRule.objects.for_tenant(tenant).get(name="Renewal within 90 days while red")
    assert rule.playbook == book and Playbook.objects.for_tenant(tenant).count() == 1

    now = timezone.now()
    account = AccountFactory(tenant=tenant, csm_owner=world_a.csm, renewal_on=timezone.localdate() + timedelta(days=30))
    rules_evaluate(tenant=tenant, states={account.pk: AccountState(score=20.0, band="red", values={})}, as_of=now)
    tasks = Task.objects.for_tenant(tenant).filter(account=account).order_by("due_at")
    assert [(t.title, t.assignee_id) for t in tasks] == [
        ("Executive call", world_a.csm.pk), ("Success plan review", world_a.csm.pk),
    ]  # fmt: skip
    assert all(t.alert.rule_id == rule.pk for t in tasks)
