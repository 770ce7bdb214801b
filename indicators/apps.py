from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicators and health"

    def ready(self):
        from django.db.models.signals import post_save, pre_save

        from accounts.models import Tenant
        from accounts.signals import tenant_created
        from indicators.receivers import on_tenant_created, on_tenant_saved, on_tenant_saving
        from indicators.stale.hint import recompute_here_with
        from indicators.tasks import recompute_accounts

        tenant_created.connect(on_tenant_created, dispatch_uid="indicators.default_scorecard")
        pre_save.connect(on_tenant_saving, sender=Tenant, dispatch_uid="indicators.tenant_zone_before")
        post_save.connect(on_tenant_saved, sender=Tenant, dispatch_uid="indicators.tenant_zone_moved")
        recompute_here_with(recompute_accounts)
