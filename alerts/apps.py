from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Alerts"

    def ready(self):
        from alerts.receivers import on_scores_stored
        from indicators.scoring.signals import scores_stored

        scores_stored.connect(on_scores_stored, dispatch_uid="alerts.on_scores_stored")
