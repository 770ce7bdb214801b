from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        import privacy.tasks  # noqa: F401  (beat schedules them by name)
