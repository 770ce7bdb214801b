"""Thin Celery tasks: stable names, id arguments, a service call; safe to run twice."""

from celery import shared_task

from accounts.background import tenant_task, tenants_fan_out
from accounts.models import Tenant
from outcomes.services.forecast import renewals_forecast
from outcomes.services.learning import LEADS, indicators_analyse
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


@tenant_task(name="outcomes.analyse_indicators")
def analyse_indicators(*, tenant: Tenant) -> int:
    """Which indicators preceded churn, read 90 and 180 days before each term end; one stored run each."""
    return sum(1 for lead in LEADS if indicators_analyse(tenant=tenant, lead_days=lead))


@shared_task(name="outcomes.analyse_all", ignore_result=True)
def analyse_all(**kwargs) -> int:
    """Weekly: every tenant's indicator ranking, on the renewals closed since the last run."""
    return tenants_fan_out(analyse_indicators, Tenant.objects.values_list("pk", flat=True))


@tenant_task(name="outcomes.forecast_renewals")
def forecast_renewals(*, tenant: Tenant) -> int:
    """Refit on the closed renewals and rewrite every pending renewal's forecast; one stored run."""
    return 1 if renewals_forecast(tenant=tenant) else 0


@shared_task(name="outcomes.forecast_all", ignore_result=True)
def forecast_all(**kwargs) -> int:
    """Daily: every tenant's renewal forecasts, with the day's scores and the renewals closed since."""
    return tenants_fan_out(forecast_renewals, Tenant.objects.values_list("pk", flat=True))
