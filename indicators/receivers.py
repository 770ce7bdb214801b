"""What indicators does when the apps below it announce something (connected in IndicatorsConfig.ready)."""

from indicators.services.scorecards import scorecard_default_create


def on_tenant_created(sender, tenant, admin, **kwargs) -> None:
    """A new tenant starts with the default scorecard, so its accounts are scored from the first event."""
    scorecard_default_create(tenant=tenant, changed_by=admin)
