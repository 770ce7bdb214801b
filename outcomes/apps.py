from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Renewals and outcomes"

    def ready(self):
        from indicators.ingest.signals import commercial_events_stored
        from outcomes.receivers import on_commercial_events

        commercial_events_stored.connect(on_commercial_events, dispatch_uid="outcomes.commercial_events")
