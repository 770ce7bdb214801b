"""Thin Celery tasks: stable names, id arguments, a service call; safe to run twice."""

from celery import shared_task

from accounts.background import tenant_task, tenants_fan_out
from accounts.models import Tenant
from alerts.models import AlertRule
from alerts.services import rules_evaluate_current


@tenant_task(name="alerts.evaluate_tenant_rules", acks_late=True, reject_on_worker_lost=True)
def evaluate_tenant_rules(*, tenant: Tenant) -> int:
    """Evaluate one tenant's rules over its accounts' current scores; return the alerts opened."""
    opened, _ = rules_evaluate_current(tenant=tenant)
    return opened


@shared_task(name="alerts.evaluate_all_rules", ignore_result=True)
def evaluate_all_rules(**kwargs) -> int:
    """Daily: renewals come closer and answers age without any new score; one task per tenant with rules."""
    return tenants_fan_out(
        evaluate_tenant_rules, AlertRule.unscoped.filter(enabled=True).values_list("tenant_id", flat=True)
    )
