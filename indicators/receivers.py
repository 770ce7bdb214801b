"""What indicators does when the apps below it announce something (connected in IndicatorsConfig.ready)."""

from accounts.background import enqueue_on_commit
from indicators.services.scorecards import scorecard_default_create
from indicators.tasks import rebuild_rollups


def on_tenant_created(sender, tenant, admin, **kwargs) -> None:
    """A new tenant starts with the default scorecard, so its accounts are scored from the first event."""
    scorecard_default_create(tenant=tenant, changed_by=admin)


def on_tenant_saving(sender, instance, raw=False, **kwargs) -> None:
    """Remember the zone the tenant's rollups were counted in, to see after the save whether it moved."""
    if raw or instance.pk is None:
        return
    instance._zone_before = sender.objects.filter(pk=instance.pk).values_list("time_zone", flat=True).first()


def on_tenant_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A new time zone moves every event's day in the tenant's calendar: rebuild its rollups, then rescore."""
    before = getattr(instance, "_zone_before", None)
    if raw or created or before is None or before == instance.time_zone:
        return
    enqueue_on_commit(rebuild_rollups, tenant_id=instance.pk)
