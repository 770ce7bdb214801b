"""Thin Celery tasks: stable names, id arguments, a service call; safe to run twice."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from accounts.background import enqueue_on_commit, tenant_task, tenants_fan_out
from accounts.models import Tenant
from followups.services.overdue import overdue_alerts_raise, tenants_with_overdue_followups
from followups.services.themes import rules_apply_to_responses

RULES_LOOKBACK_DAYS = 90


@tenant_task(name="followups.raise_overdue_alerts_for_tenant", ignore_result=True)
def raise_overdue_alerts_for_tenant(*, tenant: Tenant) -> int:
    return overdue_alerts_raise(tenant=tenant)


@shared_task(name="followups.sweep_overdue_followups", ignore_result=True)
def sweep_overdue_followups(**kwargs) -> int:
    """Periodic: one task per tenant that has follow-ups overdue and not yet alerted."""
    return tenants_fan_out(raise_overdue_alerts_for_tenant, tenants_with_overdue_followups(now=timezone.now()))


@tenant_task(name="followups.apply_keyword_rules", ignore_result=True)
def apply_keyword_rules(*, tenant: Tenant) -> int:
    """After rules change: tag the tenant's recent responses that match them."""
    return rules_apply_to_responses(tenant=tenant, since=timezone.now() - timedelta(days=RULES_LOOKBACK_DAYS))


def apply_rules_after_commit(tenant) -> None:
    """Once rule changes commit, tag the recent responses they match (in the background)."""
    enqueue_on_commit(apply_keyword_rules, tenant_id=tenant.pk)
