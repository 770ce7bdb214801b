"""What the surveys app does when rows change under it: keep the daily NPS counts true."""

from django.db.models.signals import post_delete, post_save, pre_save

from surveys.models.nps_counts import count_changes, counts_apply
from surveys.services.nps_rollup import nps_rollup_rebuild


def on_response_deleted(sender, instance, **kwargs) -> None:
    """However an answer goes (its contact or account deleted, a cascade), its count goes with it.

    Sent inside the deleting transaction. With its tenant, the counts' rows may be gone already: a
    removal only updates rows, so it then does nothing.
    """
    key = getattr(instance, "_counted", None) or instance._count_key()
    if key is None:
        return
    try:
        counted = instance.counted_in(key)
    except type(instance).tenant.field.related_model.DoesNotExist:
        return  # the tenant went first: its counts went with it
    counts_apply(count_changes(before=counted, after=None))


def on_tenant_saving(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("time_zone", flat=True).first()
    instance._nps_days_moved = stored is not None and stored != instance.time_zone


def on_tenant_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """A new time zone moves every answer's local day: recount the tenant's daily NPS counts."""
    if getattr(instance, "_nps_days_moved", False):
        instance._nps_days_moved = False
        nps_rollup_rebuild(tenant_id=instance.pk, time_zone=instance.time_zone)


def connect() -> None:
    from accounts.models import Tenant
    from surveys.models import SurveyResponse

    post_delete.connect(on_response_deleted, sender=SurveyResponse, dispatch_uid="surveys.nps_daily_delete")
    pre_save.connect(on_tenant_saving, sender=Tenant, dispatch_uid="surveys.nps_daily_time_zone")
    post_save.connect(on_tenant_saved, sender=Tenant, dispatch_uid="surveys.nps_daily_time_zone")
