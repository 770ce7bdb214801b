from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Alerts"

    def ready(self):
        # Playbook and task admins build on the alert admin's mixins (alerts.admin), so they are
        # registered from here rather than imported by it.
        import alerts.admin_playbooks  # noqa: F401
        from accounts.signals import tenant_created
        from alerts.receivers import on_scores_stored, on_tenant_created
        from indicators.scoring.signals import scores_stored

        scores_stored.connect(on_scores_stored, dispatch_uid="alerts.on_scores_stored")
        tenant_created.connect(on_tenant_created, dispatch_uid="alerts.default_rules")
