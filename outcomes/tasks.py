"""Thin Celery tasks: stable names, id arguments, a service call; safe to run twice."""

from celery import shared_task

from accounts.background import tenant_task, tenants_fan_out
from accounts.models import Tenant
from outcomes.services.ledger import ledgers_reconcile
from outcomes.services.renewals import renewals_open_from_accounts


@tenant_task(name="outcomes.reconcile_tenant")
def reconcile_tenant(*, tenant: Tenant) -> int:
    """The tenant's ledgers summing to its accounts' ARR, and a pending renewal for every renewal date."""
    return ledgers_reconcile(tenant=tenant) + renewals_open_from_accounts(tenant=tenant)


@shared_task(name="outcomes.reconcile_all", ignore_result=True)
def reconcile_all(**kwargs) -> int:
    """Daily: ARR and renewal dates set outside renewals (the account form, the API, group traits)."""
    return tenants_fan_out(reconcile_tenant, Tenant.objects.values_list("pk", flat=True))
