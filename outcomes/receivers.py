"""What outcomes does when the apps below it announce something (connected in OutcomesConfig.ready)."""

from outcomes.services.commercial import commercial_events_apply


def on_commercial_events(sender, tenant, events, **kwargs) -> None:
    """Renewal, expansion, downsell and churn events close renewals and move ARR in the storing transaction."""
    commercial_events_apply(tenant=tenant, events=events)
