from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # Registers the delivery task, which event_publish queues by name (see notifications.services.publish).
        import notifications.tasks  # noqa: F401
        from notifications import receivers

        receivers.connect()
