from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicators and health"

    def ready(self):
        from accounts.signals import tenant_created
        from indicators.receivers import on_tenant_created
        from indicators.stale.hint import recompute_here_with
        from indicators.tasks import recompute_accounts

        tenant_created.connect(on_tenant_created, dispatch_uid="indicators.default_scorecard")
        recompute_here_with(recompute_accounts)
