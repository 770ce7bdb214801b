"""Thin Celery tasks: stable names, id arguments, a service call; safe to run twice."""

from celery import shared_task
from django.utils import timezone

from accounts.models import Tenant
from followups.services.overdue import overdue_alerts_raise, tenants_with_overdue_followups


@shared_task(name="followups.raise_overdue_alerts_for_tenant", ignore_result=True)
def raise_overdue_alerts_for_tenant(*, tenant_id: int, **kwargs) -> int:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return 0
    return overdue_alerts_raise(tenant=tenant)


@shared_task(name="followups.sweep_overdue_followups", ignore_result=True)
def sweep_overdue_followups(**kwargs) -> int:
    """Periodic: one task per tenant that has follow-ups overdue and not yet alerted."""
    tenant_ids = tenants_with_overdue_followups(now=timezone.now())
    for tenant_id in tenant_ids:
        raise_overdue_alerts_for_tenant.apply_async(kwargs={"tenant_id": tenant_id})
    return len(tenant_ids)


RULES_LOOKBACK_DAYS = 90


@shared_task(name="followups.apply_keyword_rules", ignore_result=True)
def apply_keyword_rules(*, tenant_id: int, **kwargs) -> int:
    """After rules change: tag the tenant's recent responses that match them."""
    from datetime import timedelta

    from followups.services.themes import rules_apply_to_responses

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return 0
    return rules_apply_to_responses(tenant=tenant, since=timezone.now() - timedelta(days=RULES_LOOKBACK_DAYS))


def apply_rules_after_commit(tenant) -> None:
    """Once rule changes commit, tag the recent responses they match (in the background)."""
    from csplatform.tasks import enqueue_on_commit

    enqueue_on_commit(apply_keyword_rules, tenant_id=tenant.pk)
